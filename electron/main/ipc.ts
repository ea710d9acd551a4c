/**
 * The renderer → host bridge over Electron IPC: one `ipcMain.handle` per bridge method on
 * `warden:<method>`, and host events pushed on `warden:event`.
 *
 * Invariant: the host sees a call only if (1) it came from the main frame of our window while
 * that frame shows our own renderer page, and (2) its parameters passed the method's schema.
 * Everything else is answered `EPERM` / `EINVAL` without reaching the host. Answers are data
 * (`{ ok, value | error }`), never a throw: only an error's message survives `invoke`, and a
 * handler that throws would hand the renderer host details instead of a code.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents, WebFrameMain } from 'electron';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  BRIDGE_METHOD_NAMES,
  IPC_EVENT_CHANNEL,
  ipcChannel,
  type BridgeEvent,
  type BridgeMethod,
  type BridgeResult,
} from '../common/bridge/schemas';
import type { ErrorData } from '../common/error-schema';
import { MAX_ERROR_MESSAGE, toErrorData, truncate } from '../common/errors';
import { acceptBridgeCall } from '../common/bridge/bridge-host';
import type { BridgeHost } from './bridge-host';
import type { Logger } from '../core';

/** The frame fields the sender check reads (a real `WebFrameMain`, or a fake in tests). */
export type SenderFrame = Pick<WebFrameMain, 'url' | 'parent' | 'processId' | 'routingId' | 'detached'>;

export interface BridgeIpcDeps {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  host: BridgeHost;
  /** True only for our window's main frame showing our renderer page (see `createSenderCheck`). */
  isTrustedSender(frame: SenderFrame | null | undefined): boolean;
  /** Where host events go: the window's webContents, or nothing while there is no window. */
  eventTarget?(): Pick<WebContents, 'send' | 'isDestroyed'> | null | undefined;
  logger?: Logger;
}

const fail = (code: ErrorData['code'], message: string): BridgeResult<BridgeMethod> => ({
  ok: false,
  error: { code, message: truncate(message, MAX_ERROR_MESSAGE) },
});

/** Reads `event.senderFrame`, which may be null (or throw) once the frame navigated or closed. */
function senderFrameOf(event: IpcMainInvokeEvent): SenderFrame | null {
  try {
    return event.senderFrame;
  } catch {
    return null;
  }
}

/**
 * Registers every bridge method and starts forwarding host events.
 *
 * @param deps - ipcMain, the host, the sender check and the event target.
 * @returns a function that removes the handlers and stops forwarding.
 */
export function registerBridgeIpc(deps: BridgeIpcDeps): () => void {
  const { ipcMain, host, isTrustedSender, logger } = deps;

  for (const method of BRIDGE_METHOD_NAMES) {
    ipcMain.handle(ipcChannel(method), async (event, ...args: unknown[]) => {
      if (!isTrustedSender(senderFrameOf(event))) {
        logger?.warn('bridge call refused: untrusted sender', { method });
        return fail('EPERM', `${method}: refused, the call did not come from the Warden window`);
      }
      if (args.length !== 1) return fail('EINVAL', `${method}: expects exactly one parameters object`);
      // The one parse of these params: the host takes what acceptBridgeCall returns as it is.
      const accepted = acceptBridgeCall(method, args[0]);
      if (!accepted.ok) return { ok: false, error: accepted.error } satisfies BridgeResult<BridgeMethod>;
      try {
        return await host.handle(method, accepted.params);
      } catch (err) {
        logger?.error('bridge method threw', { method, error: err instanceof Error ? err.message : String(err) });
        return { ok: false, error: toErrorData(err) } satisfies BridgeResult<BridgeMethod>;
      }
    });
  }

  const unsubscribe = host.subscribe((event: BridgeEvent, payload: unknown) => {
    const target = deps.eventTarget?.();
    if (!target || target.isDestroyed()) return;
    try {
      target.send(IPC_EVENT_CHANNEL, { event, payload });
    } catch (err) {
      // A payload that cannot be cloned is a host bug: log it, keep the other events flowing.
      logger?.error('bridge event not delivered', { event, error: err instanceof Error ? err.message : String(err) });
    }
  });

  return () => {
    unsubscribe();
    for (const method of BRIDGE_METHOD_NAMES) ipcMain.removeHandler(ipcChannel(method));
  };
}

/**
 * The sender check for `registerBridgeIpc`: the frame must exist and be attached, be a main frame
 * (no parent), be the very main frame of our window (same process and routing id), and show our
 * renderer file (`file://…/dist/renderer/index.html`; query and fragment ignored). A subframe, a
 * frame of another window or webContents, or our window after it somehow navigated elsewhere is
 * refused (CVE-2022-29247: a frame that should not have IPC may still get it).
 *
 * @param options.rendererFile - absolute path of the renderer's index.html.
 * @param options.mainFrame - our window's current main frame (undefined while there is no window).
 */
export function createSenderCheck(options: {
  rendererFile: string;
  mainFrame(): Pick<WebFrameMain, 'processId' | 'routingId'> | null | undefined;
}): (frame: SenderFrame | null | undefined) => boolean {
  const expected = fileURLToPath(pathToFileURL(options.rendererFile));
  return (frame) => {
    if (!frame || frame.detached || frame.parent !== null) return false;
    const main = options.mainFrame();
    if (!main || main.processId !== frame.processId || main.routingId !== frame.routingId) return false;
    let url: URL;
    try {
      url = new URL(frame.url);
    } catch {
      return false;
    }
    if (url.protocol !== 'file:' || url.host !== '') return false;
    try {
      return fileURLToPath(url) === expected;
    } catch {
      return false;
    }
  };
}
