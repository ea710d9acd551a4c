// `warden --version` and `host.extension.apiVersion`, through the built CLI and a real sandbox.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir, writeExtension } from '../helpers/sandbox';
import { WARDEN_API_VERSION } from '../../electron/common/version';

const work = tempDir('warden-version-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const pkgVersion = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

describe('versions', () => {
  it('warden --version prints the Warden version (package.json) and the host API version', async () => {
    for (const flag of ['--version', 'version']) {
      const r = await runCli([flag], { WARDEN_VERSION: '' });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(`warden ${pkgVersion} (extension API ${WARDEN_API_VERSION})\n`);
    }
  });

  it('an extension reads host.extension.apiVersion', async () => {
    const dir = writeExtension(work, {
      id: 'acme.version',
      commands: ['api'],
      source: `exports.activate = () => host.commands.register('api', () => ({
        api: host.extension.apiVersion, id: host.extension.id, frozen: Object.isFrozen(host.extension) }));`,
    });
    const r = await runCli(['run', dir, 'api', '--json', '--data-dir', path.join(work, 'home')]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: true,
      result: { type: 'json', value: { api: WARDEN_API_VERSION, id: 'acme.version', frozen: true } },
    });
  });
});
