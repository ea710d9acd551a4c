/**
 * The WebSocket end of the bridge: each connection calls the host (params validated here, once:
 * the host takes them as they are) and receives its events. Frames are size-capped, parsed defensively, and calls in flight per
 * connection are bounded; a connection that sends garbage is closed, never the server.
 */
import type { WebSocket } from 'ws';
import { WS_MAX_FRAME_BYTES, WsClientFrameSchema } from '../common/bridge/ws-protocol';
import { acceptBridgeCall, type BridgeHost } from '../common/bridge/bridge-host';
import type { Logger } from '../core';
import { parseStrictJson } from '../common/strict-json';

const MAX_IN_FLIGHT = 64;
const MAX_BAD_FRAMES = 20;

function encode(value: unknown): string {
  // Bytes travel as plain arrays in JSON (the renderer shows them in the JSON view).
  return JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? Array.from(v) : v));
}

export function serveBridge(socket: WebSocket, host: BridgeHost, logger: Logger): void {
  let inFlight = 0;
  let bad = 0;
  const send = (frame: unknown) => {
    if (socket.readyState !== socket.OPEN) return;
    const text = encode(frame);
    if (text.length > WS_MAX_FRAME_BYTES) {
      logger.warn('bridge frame too large to send; dropped');
      return;
    }
    socket.send(text);
  };
  const unsubscribe = host.subscribe((event, payload) => send({ t: 'event', event, payload }));
  socket.on('close', unsubscribe);
  socket.on('error', () => socket.terminate());
  socket.on('message', (data, isBinary) => {
    let frame;
    try {
      if (isBinary) throw new Error('binary frame');
      frame = WsClientFrameSchema.parse(parseStrictJson(String(data)));
    } catch {
      if (++bad > MAX_BAD_FRAMES) socket.close(1008, 'protocol violations');
      return;
    }
    const { id, method, params } = frame;
    const accepted = acceptBridgeCall(method, params);
    if (!accepted.ok) {
      send({ t: 'result', id, result: { ok: false, error: accepted.error } });
      return;
    }
    if (inFlight >= MAX_IN_FLIGHT) {
      send({ t: 'result', id, result: { ok: false, error: { code: 'ERATE', message: 'too many calls in flight' } } });
      return;
    }
    inFlight++;
    host
      .handle(method, accepted.params)
      .then((result) => send({ t: 'result', id, result }))
      .catch(() =>
        send({
          t: 'result',
          id,
          result: { ok: false, error: { code: 'EINTERNAL', message: 'internal error in the host' } },
        }),
      )
      .finally(() => inFlight--);
  });
}
