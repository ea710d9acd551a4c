/**
 * Who may talk to the headless server. It listens on 127.0.0.1 only, and every request must also
 * (1) name this server in `Host` (DNS rebinding: a page on evil.test resolving to 127.0.0.1 sends
 * `Host: evil.test`), (2) for WebSocket upgrades, come from this server's own `Origin` (another
 * local page or site cannot drive the bridge), and (3) carry the session token, from the URL once
 * and then from an HttpOnly, SameSite=Strict cookie. Tokens are compared in constant time.
 */
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Cookies are not port-scoped: the name carries the port so two local servers do not clash. */
export const tokenCookie = (port: number) => `warden_token_${port}`;

export function newToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

export function sameToken(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export function allowedOrigins(port: number): Set<string> {
  return new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
}

export function cookieToken(req: IncomingMessage, port: number): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === tokenCookie(port)) return v.join('=');
  }
  return undefined;
}

export type AccessVerdict = { ok: true; viaQuery: boolean } | { ok: false; status: number; why: string };

/** Checks Host, Origin (when present, and always for upgrades) and the token. */
export function checkAccess(
  req: IncomingMessage,
  url: URL,
  port: number,
  token: string,
  upgrade: boolean,
): AccessVerdict {
  if (!allowedHosts(port).has(req.headers.host ?? '')) return { ok: false, status: 421, why: 'wrong Host' };
  const origin = req.headers.origin;
  if ((upgrade || origin !== undefined) && !allowedOrigins(port).has(origin ?? '')) {
    return { ok: false, status: 403, why: 'foreign Origin' };
  }
  const fromQuery = url.searchParams.get('token') ?? undefined;
  if (sameToken(fromQuery, token)) return { ok: true, viaQuery: true };
  if (sameToken(cookieToken(req, port), token)) return { ok: true, viaQuery: false };
  return { ok: false, status: 403, why: 'missing or wrong token' };
}
