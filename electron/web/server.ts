/**
 * Headless mode: the same host and the same renderer build, served on 127.0.0.1 with a WebSocket
 * bridge implementing the same contract as the Electron preload. See access.ts for who may connect.
 */
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { WS_BRIDGE_PATH, WS_MAX_FRAME_BYTES } from '../common/bridge/ws-protocol';
import { silentLogger, type Logger } from '../core';
import { checkAccess, newToken, tokenCookie } from './access';
import { securityHeaders, serveStatic } from './static-files';
import { serveBridge } from './ws-bridge';
import type { BridgeHost } from '../common/bridge/bridge-host';

export interface HeadlessServerOptions {
  host: BridgeHost;
  rendererDir: string;
  /** 0 = any free port. */
  port?: number;
  token?: string;
  logger?: Logger;
}

export interface HeadlessServer {
  readonly port: number;
  readonly token: string;
  /** The address to open: carries the token once; the page then keeps it in a cookie. */
  readonly url: string;
  close(): Promise<void>;
}

export async function startHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  const token = options.token ?? newToken();
  const logger = options.logger ?? silentLogger;
  let port = 0;
  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_FRAME_BYTES });

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers = securityHeaders(port);
    const verdict = checkAccess(req, url, port, token, false);
    if (!verdict.ok) {
      res.writeHead(verdict.status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(verdict.status === 421 ? 'misdirected request' : 'forbidden: open the address Warden printed');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, headers);
      res.end();
      return;
    }
    if (verdict.viaQuery) {
      // Trade the token in the address for a cookie, and drop it from the address bar.
      res.writeHead(302, {
        ...headers,
        'Set-Cookie': `${tokenCookie(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        Location: `${url.pathname}#token=${token}`,
      });
      res.end();
      return;
    }
    void serveStatic(options.rendererDir, url.pathname, res, headers);
  });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const verdict =
      url.pathname === WS_BRIDGE_PATH
        ? checkAccess(req, url, port, token, true)
        : { ok: false as const, status: 404, why: 'no such path' };
    if (!verdict.ok) {
      logger.warn(`refused a bridge connection: ${verdict.why}`);
      socket.end(`HTTP/1.1 ${verdict.status} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveBridge(ws, options.host, logger));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: nothing is served to other addresses.
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
