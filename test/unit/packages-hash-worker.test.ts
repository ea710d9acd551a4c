// The package hash on a second thread (electron/core/packages/hash-worker.ts): the digest is the
// package's SHA-256 whichever thread computes it; a worker that is stopped mid-job, a package that
// outgrows the region, or a worker not yet ready all fall back to this thread, never to no hash.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { createPackageHasher, type HashJob } from '../../electron/core/packages/hash-worker';
import {
  closePackageHasher,
  extractPackage,
  generateKeyPair,
  packExtension,
  verifyPackage,
  warmPackageHasher,
} from '../../electron/core/packages';
import { tempDir } from '../helpers/sandbox';
import { writeExt } from '../fixtures/packages/tools';

const work = tempDir('warden-hash-worker-');
afterAll(async () => {
  await closePackageHasher();
  fs.rmSync(work, { recursive: true, force: true });
});

const sha = (b: Uint8Array) => crypto.createHash('sha256').update(b).digest('hex');

/** Waits until the hasher hands out a job (its worker said it is online). */
async function readyJob(hasher: ReturnType<typeof createPackageHasher>): Promise<HashJob> {
  for (let i = 0; i < 500; i++) {
    const job = hasher.begin();
    if (job) return job;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the hashing worker never became ready');
}

/** Copies `bytes` into the job's region in `slice`-sized steps, as the package reader does. */
function feed(job: HashJob, bytes: Buffer, slice: number): void {
  for (let off = 0; off < bytes.length; off += slice) {
    const n = Math.min(slice, bytes.length - off);
    bytes.copy(job.region(off, n), 0, off, off + n);
    job.update(off, n);
  }
}

describe('createPackageHasher', () => {
  it('gives no job until its worker is ready, then the same digest as this thread, job after job', async () => {
    const hasher = createPackageHasher({ capacity: 4 << 20 });
    try {
      expect(hasher.begin()).toBeUndefined(); // starts the worker; this install hashes here
      for (const size of [1, 511, 1 << 20, (3 << 20) + 17]) {
        const bytes = crypto.randomBytes(size);
        const job = await readyJob(hasher);
        expect(hasher.begin()).toBeUndefined(); // one job at a time: the region is in use
        feed(job, bytes, 64 * 1024);
        expect(await job.digest(size)).toBe(sha(bytes));
        job.release();
      }
    } finally {
      await hasher.close();
    }
  });

  it('hashes on this thread when the worker is stopped in the middle of a job', async () => {
    const hasher = createPackageHasher({ capacity: 1 << 20 });
    hasher.warm();
    const job = await readyJob(hasher);
    const bytes = crypto.randomBytes(300_000);
    feed(job, bytes, 100_000);
    await hasher.close(); // the worker is gone before it answered
    expect(await job.digest(bytes.length)).toBe(sha(bytes));
    job.release();
  });

  it('hands the hash back to this thread, with what was read so far, when the package outgrows the region', async () => {
    const hasher = createPackageHasher({ capacity: 1 << 20 });
    try {
      const job = await readyJob(hasher);
      const bytes = crypto.randomBytes((1 << 20) + 5000);
      const head = bytes.subarray(0, 1 << 19);
      feed(job, head, 1 << 18);
      const hash = job.takeBack(head.length);
      hash.update(bytes.subarray(head.length));
      expect(hash.digest('hex')).toBe(sha(bytes));
      job.release();
    } finally {
      await hasher.close();
    }
  });

  it('never keeps a process alive: one that used the worker exits on its own', () => {
    const bundle = path.join(work, 'hash-worker.cjs');
    buildSync({
      entryPoints: [path.join(__dirname, '../../electron/core/packages/hash-worker.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: bundle,
      logLevel: 'silent',
    });
    const script = `
      const { createPackageHasher } = require(${JSON.stringify(bundle)});
      const hasher = createPackageHasher({ capacity: 1 << 16 });
      hasher.warm();
      const tick = setInterval(async () => {
        const job = hasher.begin();
        if (!job) return;
        clearInterval(tick);
        Buffer.from('abc').copy(job.region(0, 3));
        job.update(0, 3);
        console.log(await job.digest(3));
        job.release(); // the worker, its listeners and its idle timer stay: the process must still end
      }, 5);`;
    const out = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(out.error).toBeUndefined(); // a timeout here means the worker held the process open
    expect(out.status).toBe(0);
    expect(out.stdout.trim()).toBe(sha(Buffer.from('abc')));
  });
});

describe('extractPackage({ parallelHash: true })', () => {
  it("names every package by its file's SHA-256, with the worker cold, warm and stopped", async () => {
    const key = generateKeyPair();
    const src = writeExt(work, { extra: { 'dist/big.js': 'x'.repeat(3 * 1024 * 1024 + 123) } });
    const packed = await packExtension(src, key);
    const file = path.join(work, 'big.wext');
    fs.writeFileSync(file, packed.bytes);
    const expected = sha(packed.bytes);
    const extractOnce = async () => {
      const dest = fs.mkdtempSync(path.join(work, 'x-'));
      const out = await extractPackage(file, dest, { fsync: false, parallelHash: true });
      expect(verifyPackage(out).id).toBe('acme.hello');
      return out.packageSha256;
    };
    expect(await extractOnce()).toBe(expected); // cold: hashed here, the worker starts
    warmPackageHasher();
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 3; i++) expect(await extractOnce()).toBe(expected);
    await closePackageHasher();
    expect(await extractOnce()).toBe(expected);
  });
});
