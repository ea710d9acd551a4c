/**
 * Builds Python wheels at test time (nothing downloaded, nothing built committed): from our own
 * small libraries under test/fixtures/python-wheels, and from the pure-Python libraries Debian
 * installs in /usr/lib/python3/dist-packages (python3-six, python3-attr, …), repackaged as they
 * are. A wheel is a zip with `<name>-<version>.dist-info/{METADATA,WHEEL,RECORD}` beside the
 * modules; `zipFile` also writes the hostile shapes the tests need (links, traversal, bombs).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export const FIXTURE_LIBS = path.resolve(__dirname, '..', 'fixtures', 'python-wheels');
export const DEBIAN_DIST_PACKAGES = '/usr/lib/python3/dist-packages';

export interface ZipMember {
  name: string;
  data?: Uint8Array | string;
  /** Unix mode bits for the external attributes (e.g. 0o120777 for a symbolic link). */
  mode?: number;
  /** Store instead of deflating. */
  store?: boolean;
  /** Write this as the declared unpacked size instead of the real one (a lying member). */
  declaredSize?: number;
}

/** A zip archive (no zip64), deterministic: fixed times. */
export function zipFile(members: ZipMember[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name, 'utf8');
    const raw = typeof m.data === 'string' ? Buffer.from(m.data, 'utf8') : Buffer.from(m.data ?? new Uint8Array());
    const method = m.store || raw.length === 0 ? 0 : 8;
    const body = method === 8 ? zlib.deflateRawSync(raw, { level: 9 }) : raw;
    const crc = zlib.crc32(raw) >>> 0;
    const size = m.declaredSize ?? raw.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((m.mode ?? (m.name.endsWith('/') ? 0o40755 : 0o100644)) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

export interface BuiltWheel {
  file: string;
  bytes: Buffer;
  sha256: string;
  name: string;
  version: string;
}

export interface WheelSpec {
  name: string;
  version: string;
  /** Path inside the wheel → content. */
  files: Record<string, Uint8Array | string>;
  /** Extra METADATA header lines (e.g. `License: MIT`). */
  metadata?: string[];
  /** Default py3-none-any. */
  tag?: string;
  rootIsPurelib?: boolean;
  /** Members added as they are (hostile shapes). */
  extra?: ZipMember[];
  /** Replace METADATA entirely. */
  metadataText?: string;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const b64 = (b: Uint8Array) => createHash('sha256').update(b).digest('base64url');

/** A wheel as pip/wheel would write it: modules, then dist-info METADATA, WHEEL and RECORD. */
export function makeWheel(spec: WheelSpec): BuiltWheel {
  const dist = spec.name.replace(/[-_.]+/g, '_');
  const tag = spec.tag ?? 'py3-none-any';
  const info = `${dist}-${spec.version}.dist-info`;
  const members: ZipMember[] = Object.entries(spec.files)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, data]) => ({ name, data }));
  members.push({
    name: `${info}/METADATA`,
    data:
      spec.metadataText ??
      [`Metadata-Version: 2.1`, `Name: ${spec.name}`, `Version: ${spec.version}`, ...(spec.metadata ?? []), ''].join(
        '\n',
      ),
  });
  members.push({
    name: `${info}/WHEEL`,
    data: `Wheel-Version: 1.0\nGenerator: warden-test\nRoot-Is-Purelib: ${spec.rootIsPurelib === false ? 'false' : 'true'}\nTag: ${tag}\n`,
  });
  members.push(...(spec.extra ?? []));
  const record = members
    .map((m) => {
      const d = typeof m.data === 'string' ? Buffer.from(m.data) : Buffer.from(m.data ?? new Uint8Array());
      return `${m.name},sha256=${b64(d)},${d.length}`;
    })
    .concat(`${info}/RECORD,,`)
    .join('\n');
  members.push({ name: `${info}/RECORD`, data: `${record}\n` });
  const bytes = zipFile(members);
  return {
    file: `${dist}-${spec.version}-${tag}.whl`,
    bytes,
    sha256: sha256(bytes),
    name: spec.name,
    version: spec.version,
  };
}

/** Every file beneath `root` (relative, forward slashes), skipping __pycache__. */
function filesUnder(root: string, prefix: string, out: Record<string, Buffer>): void {
  const st = fs.statSync(root);
  if (st.isFile()) {
    out[prefix] = fs.readFileSync(root);
    return;
  }
  for (const d of fs.readdirSync(root, { withFileTypes: true })) {
    if (d.name === '__pycache__') continue;
    filesUnder(path.join(root, d.name), `${prefix}/${d.name}`, out);
  }
}

/** One of our own libraries: test/fixtures/python-wheels/<dir>/ holds `wheel.json` and the modules. */
export function fixtureWheel(dir: string): BuiltWheel {
  const root = path.join(FIXTURE_LIBS, dir);
  const meta = JSON.parse(fs.readFileSync(path.join(root, 'wheel.json'), 'utf8')) as {
    name: string;
    version: string;
    metadata?: string[];
    modules: string[];
  };
  const files: Record<string, Buffer> = {};
  for (const m of meta.modules) filesUnder(path.join(root, m), m, files);
  return makeWheel({
    name: meta.name,
    version: meta.version,
    files,
    ...(meta.metadata ? { metadata: meta.metadata } : {}),
  });
}

/** A Debian-installed pure-Python library repackaged as a wheel, or undefined when it is not installed. */
export function debianWheel(spec: { dist: string; modules: string[] }): BuiltWheel | undefined {
  const base = DEBIAN_DIST_PACKAGES;
  if (!fs.existsSync(base)) return undefined;
  const entries = fs.readdirSync(base);
  const metaDir = entries.find(
    (e) => e.toLowerCase().startsWith(`${spec.dist.toLowerCase()}-`) && /\.(dist|egg)-info$/.test(e),
  );
  if (!metaDir || !spec.modules.every((m) => fs.existsSync(path.join(base, m)))) return undefined;
  const metaPath = path.join(base, metaDir);
  const metaFile = metaDir.endsWith('.dist-info')
    ? path.join(metaPath, 'METADATA')
    : fs.statSync(metaPath).isDirectory()
      ? path.join(metaPath, 'PKG-INFO')
      : metaPath;
  const text = fs.readFileSync(metaFile, 'utf8');
  const name = /^Name: (.+)$/m.exec(text)?.[1]?.trim();
  const version = /^Version: (.+)$/m.exec(text)?.[1]?.trim();
  if (!name || !version) return undefined;
  const files: Record<string, Buffer> = {};
  for (const m of spec.modules) filesUnder(path.join(base, m), m, files);
  return makeWheel({ name, version, files, metadataText: text });
}

/** `requirements.lock` pinning `wheels` by hash, as pip-compile --generate-hashes writes it. */
export function lockFor(wheels: Array<{ name: string; version: string; sha256: string }>): string {
  return (
    '# generated for a test, as by: pip-compile --generate-hashes\n' +
    wheels.map((w) => `${w.name}==${w.version} \\\n    --hash=sha256:${w.sha256}\n    # via test`).join('\n') +
    '\n'
  );
}

/** Writes wheels into `dir` (created). */
export function writeWheels(dir: string, wheels: Array<{ file: string; bytes: Uint8Array }>): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const w of wheels) fs.writeFileSync(path.join(dir, w.file), w.bytes);
}

/** A Python extension folder: manifest (one command per id), main.py, and optionally wheels/ + requirements.lock. */
export function writePythonExtension(
  parent: string,
  o: { id: string; commands: string[]; main: string; wheels?: BuiltWheel[]; memoryMb?: number },
): string {
  const dir = path.join(parent, o.id);
  fs.mkdirSync(dir, { recursive: true });
  const manifest = {
    id: o.id,
    name: `Test ${o.id}`,
    version: '1.0.0',
    publisher: o.id.split('.')[0],
    runtime: 'python',
    main: 'main.py',
    engines: { warden: '^1.0.0' },
    contributes: { commands: o.commands.map((id) => ({ id, title: id })) },
    limits: { memoryMb: o.memoryMb ?? 128 },
  };
  fs.writeFileSync(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'main.py'), o.main);
  if (o.wheels) {
    writeWheels(path.join(dir, 'wheels'), o.wheels);
    fs.writeFileSync(path.join(dir, 'requirements.lock'), lockFor(o.wheels));
  }
  return dir;
}
