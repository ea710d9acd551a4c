// electron-builder afterPack hook (docs/os-wall.md, "Electron").
// electronFuses is one setting for every platform, and Linux needs runAsNode ON: the app starts
// extension processes as `process.execPath` with ELECTRON_RUN_AS_NODE=1 through warden-confine
// (utilityProcess cannot be put behind an OS wall). So electron-builder.yml leaves runAsNode out,
// and this hook turns it OFF for macOS and Windows (where the signed binary carries trust a
// "living off the land" attacker would borrow), and on Linux ships the wall: the marker the app
// reads and the warden-confine helper built for the target architecture.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

/** electron-builder's Arch enum → Node's process.arch. */
const ARCH = { 0: 'ia32', 1: 'x64', 2: 'armv7l', 3: 'arm64', 4: 'universal' };

exports.default = async function afterPack(context) {
  const { electronPlatformName, appOutDir, packager } = context;
  if (electronPlatformName !== 'linux') {
    const { FuseVersion, FuseV1Options } = require('@electron/fuses');
    await packager.addElectronFuses(context, { version: FuseVersion.V1, [FuseV1Options.RunAsNode]: false });
    return;
  }
  const resources = path.join(appOutDir, 'resources');
  const target = ARCH[context.arch];
  // CI builds dist/native/warden-confine-<arch> per architecture; a local build has the host's.
  const root = path.join(__dirname, '..');
  const candidates = [path.join(root, 'dist', 'native', `warden-confine-${target}`)];
  if (target === process.arch) candidates.push(path.join(root, 'dist', 'native', 'warden-confine'));
  const helper = candidates.find((c) => fs.existsSync(c));
  if (!helper) {
    // Not fatal: the app then tries bubblewrap, and every extension's status says which wall is up.
    console.warn(`after-pack: no warden-confine for linux-${target}; the Landlock/seccomp wall is not shipped`);
  } else {
    fs.mkdirSync(path.join(resources, 'bin'), { recursive: true });
    fs.copyFileSync(helper, path.join(resources, 'bin', 'warden-confine'));
    fs.chmodSync(path.join(resources, 'bin', 'warden-confine'), 0o755);
  }
  fs.writeFileSync(path.join(resources, 'warden-runtime.json'), `${JSON.stringify({ runAsNode: true })}\n`);
};
