/**
 * The sandbox end of the host channel, behind one interface:
 * - Electron `utilityProcess`: `process.parentPort` (structured clone by Chromium).
 * - plain Node (`child_process` launcher): fd 3, length-prefixed `v8.serialize` frames.
 */
import fs from 'node:fs';
import net from 'node:net';
import v8 from 'node:v8';
import { createFrameDecoder, encodeFrame } from '../common/frame-codec';
import { childFrameClass, FRAME_PEEK_BYTES, MAX_MESSAGE_BYTES } from '../common/protocol-limits';
import { peekMessageType } from '../common/v8-scan';

export interface SandboxChannel {
  /** False when the message is too large to send (the host would drop it unread). */
  send(message: unknown): boolean;
  onMessage(handler: (message: unknown) => void): void;
  onClose(handler: () => void): void;
}

interface ParentPortLike {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

export const CHANNEL_FD = 3;

/** `first` is sent before anything else (the sandbox's hello), as early as the transport allows. */
export function createSandboxChannel(first: unknown): SandboxChannel {
  const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
  return parentPort ? createParentPortChannel(parentPort, first) : createPipeChannel(CHANNEL_FD, first);
}

function createParentPortChannel(port: ParentPortLike, first: unknown): SandboxChannel {
  port.postMessage(first);
  return {
    send: (message) => {
      port.postMessage(message);
      return true;
    },
    onMessage: (handler) => port.on('message', (e) => handler(e.data)),
    // A utility process is killed by its parent; there is no separate close signal to watch.
    onClose: () => {},
  };
}

function createPipeChannel(fd: number, first: unknown): SandboxChannel {
  // The first frame is written to the descriptor before the socket is set up (~2 ms): the host's
  // answer is on its way meanwhile and waits in the pipe until the socket reads. Whatever the
  // write did not take (a full pipe, a refused write) goes first through the socket.
  let rest = encodeFrame(v8.serialize(first));
  try {
    rest = rest.subarray(fs.writeSync(fd, rest));
  } catch {
    // the socket sends it all
  }
  const socket = new net.Socket({ fd, readable: true, writable: true });
  if (rest.length > 0) socket.write(rest);
  let handler: (message: unknown) => void = () => {};
  const decoder = createFrameDecoder(MAX_MESSAGE_BYTES, {
    frame(payload) {
      let message: unknown;
      try {
        message = v8.deserialize(payload);
      } catch {
        return; // the host is trusted; a frame we cannot read is dropped
      }
      handler(message);
    },
    oversize() {},
  });
  socket.on('data', (chunk: Buffer) => decoder.push(chunk));
  return {
    send(message) {
      const payload = v8.serialize(message);
      // The host skips, unread, a frame over the cap of its message type: refuse it here instead,
      // so the caller fails at once (E2BIG) rather than waiting for a reply that cannot come.
      if (payload.length > childFrameClass(peekMessageType(payload.subarray(0, FRAME_PEEK_BYTES))).maxBytes)
        return false;
      socket.write(encodeFrame(payload));
      return true;
    },
    onMessage(h) {
      handler = h;
    },
    onClose(h) {
      socket.on('close', h);
      socket.on('error', h);
    },
  };
}
