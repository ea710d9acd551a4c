/**
 * Deterministic ustar writing with node-tar's header encoder. `tar` (node-tar) is pinned to an
 * exact version in package.json: it is the archive code npm itself uses, its parser is hardened
 * (checksums, pax/GNU long names, a cap on metadata entries), and an exact pin means a new patch
 * is taken on purpose, after reading its changelog (past CVEs were in path handling).
 *
 * We encode headers ourselves instead of calling `tar.c`, because `tar.c` stats real files and
 * copies their modes, owners and times, while a package must be byte-identical for the same
 * folder: every entry here has mtime 0, uid/gid 0, no owner names, mode 0644 (0755 for
 * directories), no pax headers, and entries come in the order given (sorted by the caller).
 */
import { Header } from 'tar';
import { PackageError } from './format';

export interface TarFile {
  path: string;
  data: Uint8Array;
}

const BLOCK = 512;

export function writeTar(files: readonly TarFile[]): Buffer {
  const chunks: Buffer[] = [];
  for (const f of files) {
    const header = new Header({
      path: f.path,
      mode: 0o644,
      uid: 0,
      gid: 0,
      size: f.data.length,
      mtime: new Date(0),
      type: 'File',
      uname: '',
      gname: '',
    });
    header.encode();
    if (header.needPax || !header.block) {
      throw new PackageError(`${f.path}: name too long or not ASCII-safe for a package (use a shorter name)`);
    }
    chunks.push(header.block, Buffer.from(f.data));
    const pad = (BLOCK - (f.data.length % BLOCK)) % BLOCK;
    if (pad) chunks.push(Buffer.alloc(pad));
  }
  chunks.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(chunks);
}
