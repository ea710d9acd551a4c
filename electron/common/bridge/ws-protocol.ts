/**
 * The headless-mode WebSocket bridge (served by electron/web/server.ts): the same `WardenBridge` contract as the Electron
 * preload, carried as JSON text frames on `ws://<host>/bridge?token=<token>`.
 *
 *   client → server  `{ t: 'call', id, method, params }`
 *   server → client  `{ t: 'result', id, result: { ok: true, value } | { ok: false, error } }`
 *                    `{ t: 'event', event, payload }`
 *
 * Only the envelope is checked here. The server validates `params` with `BRIDGE_METHODS[method]
 * .params`; the client validates `value` with `BRIDGE_METHODS[method].result` and `payload` with
 * `BRIDGE_EVENTS[event]`, so neither side trusts the other's shapes. `method` is a free string in
 * the envelope so that an unknown method can still be answered (with its `id`) rather than dropped.
 */
import { z } from 'zod';
import { ErrorDataSchema } from '../error-schema';
import { BRIDGE_EVENTS, BRIDGE_METHODS, type BridgeEvent, type BridgeMethod } from './schemas';

/** The WebSocket path of the bridge and the query parameter that carries the session token. */
export const WS_BRIDGE_PATH = '/bridge';
export const WS_TOKEN_PARAM = 'token';
/** Largest frame either side accepts (a big table result fits; a runaway one does not). */
export const WS_MAX_FRAME_BYTES = 16 * 1024 * 1024;

const frameId = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

export const WsCallSchema = z.strictObject({
  t: z.literal('call'),
  id: frameId,
  method: z.string().min(1).max(64),
  params: z.unknown(),
});
export type WsCall = z.infer<typeof WsCallSchema>;

export const WsResultSchema = z.strictObject({
  t: z.literal('result'),
  id: frameId,
  result: z.union([
    z.strictObject({ ok: z.literal(true), value: z.unknown() }),
    z.strictObject({ ok: z.literal(false), error: ErrorDataSchema }),
  ]),
});
export type WsResult = z.infer<typeof WsResultSchema>;

export const WsEventSchema = z.strictObject({
  t: z.literal('event'),
  event: z.string().min(1).max(64),
  payload: z.unknown(),
});
export type WsEvent = z.infer<typeof WsEventSchema>;

/** Frames the client receives. */
export const WsServerFrameSchema = z.discriminatedUnion('t', [WsResultSchema, WsEventSchema]);
export type WsServerFrame = z.infer<typeof WsServerFrameSchema>;

/** Frames the server receives (only calls). */
export const WsClientFrameSchema = WsCallSchema;

/** True if `name` is a method of the bridge contract (an own key, not `toString` and friends). */
export function isBridgeMethod(name: string): name is BridgeMethod {
  return Object.prototype.hasOwnProperty.call(BRIDGE_METHODS, name);
}

/** True if `name` is an event of the bridge contract. */
export function isBridgeEvent(name: string): name is BridgeEvent {
  return Object.prototype.hasOwnProperty.call(BRIDGE_EVENTS, name);
}
