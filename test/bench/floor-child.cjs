// The floor process for the benchmark: a bare `node` child with no SES, no zod, no runtime.
// It is started by the product's own fork launcher (same flags, same minimal environment, same
// private pipe on fd 3), opens fd 3 the way electron/sandbox/channel.ts does, writes one frame
// `{ t: 'ready' }` and then echoes every frame it receives (v8.deserialize → v8.serialize), so
// the same process serves as the cold-start floor and as the round-trip floor.
'use strict';
const net = require('node:net');
const v8 = require('node:v8');

const socket = new net.Socket({ fd: 3, readable: true, writable: true });

function send(message) {
  const payload = v8.serialize(message);
  const frame = Buffer.allocUnsafe(4 + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  payload.copy(frame, 4);
  socket.write(frame);
}

let pending = Buffer.alloc(0);
socket.on('data', (chunk) => {
  pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
  while (pending.length >= 4) {
    const length = pending.readUInt32BE(0);
    if (pending.length < 4 + length) break;
    const payload = pending.subarray(4, 4 + length);
    pending = pending.subarray(4 + length);
    send(v8.deserialize(payload));
  }
});
// The host went away (or killed the pipe): nothing left to serve, like the sandbox runtime.
socket.on('close', () => process.exit(0));
socket.on('error', () => process.exit(0));

send({ t: 'ready' });
