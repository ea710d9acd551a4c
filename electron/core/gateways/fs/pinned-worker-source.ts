/**
 * The code of a pinned-read worker thread (pinned-pool.ts), as plain CommonJS source: started with
 * `new Worker(source, { eval: true })`, so it runs the same from the TypeScript sources (tests),
 * the core bundle and the Electron app, with no second bundle or file path to find at run time.
 *
 * Each message is one whole step of a pinned read, done with synchronous calls in this thread:
 *   pin:  O_PATH open of the path (no driver open, no FIFO wait), readlink of /proc/self/fd/N,
 *         fstat; answers the descriptor, the real path and the object's kind, size and identity.
 *   read: open through the pin (/proc/self/fd/N: exactly the pinned object), close the pin, read
 *         at most the cap (one byte more tells a file that grew), close; answers the bytes
 *         (transferred, not copied) or `tooBig`.
 * A read message owns its pin: this thread closes it, whatever happens, and the host never does.
 * Every message gets exactly one answer, so the host knows when a worker holds nothing more.
 *
 * Answers go out on their own port (`answers`), and each one bumps a shared counter: the host may
 * wait a few microseconds for it and take it off the port synchronously (pinned-pool.ts).
 *
 * A worker given up on (a step that did not answer in time) has its `cancel` flag set: the
 * messages still queued to it are answered `cancelled` without touching the file system (a read's
 * pin is still closed). `stall` is for tests only: a blocking open of a FIFO, which parks this
 * thread in the kernel exactly as a hung network or FUSE mount would.
 */
export const PINNED_WORKER_SOURCE = `'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const O_PATH = workerData.oPath;
// [0]: the cancel flag the host sets; [1]: answers sent so far.
const control = new Int32Array(workerData.control);
const answers = workerData.answers;
// After the answer is on the port: a host that sees the count move finds the message there.
const answer = (m, transfer) => {
  answers.postMessage(m, transfer || []);
  Atomics.add(control, 1, 1);
};
const kindOf = (st) => (st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other');

function pin(m) {
  const fd = fs.openSync(m.path, O_PATH);
  try {
    const real = fs.readlinkSync('/proc/self/fd/' + fd);
    const st = fs.fstatSync(fd);
    return { fd, real, kind: kindOf(st), size: st.size, dev: st.dev, ino: st.ino };
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

function read(m) {
  let h;
  try {
    h = fs.openSync('/proc/self/fd/' + m.fd, m.flags);
  } finally {
    fs.closeSync(m.fd);
  }
  try {
    let buf = new Uint8Array(Math.min(m.size, m.max) + 1);
    let total = 0;
    for (;;) {
      if (total === buf.length) {
        if (buf.length > m.max) break;
        const next = new Uint8Array(Math.min(buf.length * 2, m.max + 1));
        next.set(buf);
        buf = next;
      }
      const n = fs.readSync(h, buf, total, buf.length - total, total);
      if (n === 0) break;
      total += n;
      if (total === m.size && total < buf.length) break;
    }
    if (total > m.max) return { tooBig: true };
    if (buf.length - total > 1) buf = buf.slice(0, total);
    return { buffer: buf.buffer, length: total };
  } finally {
    fs.closeSync(h);
  }
}

parentPort.on('message', (m) => {
  if (m.stall && Atomics.load(control, 0) === 0) fs.closeSync(fs.openSync(m.stall, 'r'));
  if (Atomics.load(control, 0) !== 0) {
    if (m.op === 'read') {
      try {
        fs.closeSync(m.fd);
      } catch {}
    }
    answer({ id: m.id, cancelled: true });
    return;
  }
  try {
    if (m.op === 'pin') answer({ id: m.id, pin: pin(m) });
    else {
      const r = read(m);
      answer({ id: m.id, read: r }, r.buffer ? [r.buffer] : []);
    }
  } catch (err) {
    answer({ id: m.id, error: (err && err.code) || 'EIO' });
  }
});
`;
