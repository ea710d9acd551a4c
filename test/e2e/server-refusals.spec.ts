// Headless mode's front door, through the browser and over plain HTTP: no token → 403, a wrong
// Host (DNS rebinding) → 421, a WebSocket to the bridge from a foreign Origin → refused, even with
// the token or the session cookie. The panel's own origin is the control that does connect.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import NodeWebSocket from 'ws';
import { expect, shot, test } from './fixtures';

/** A GET from Node with exactly the headers given (Playwright's clients set Host themselves). */
function rawGet(port: number, pathAndQuery: string, headers: Record<string, string>) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: pathAndQuery, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** What happens to a WebSocket opened from the page: 'open', or 'refused (close code)'. */
const tryBridge = (url: string) =>
  new Promise<string>((resolve) => {
    const ws = new WebSocket(url);
    ws.onopen = () => {
      ws.close();
      resolve('open');
    };
    ws.onclose = (e) => resolve(`refused (${e.code})`);
  });

test('a request without the token, or with a wrong one, is refused with 403', async ({ page, request, warden }) => {
  for (const p of ['/', '/index.html', '/?token=wrong', `/?token=${warden.token.slice(0, -1)}`]) {
    const res = await request.get(`${warden.origin}${p}`, { maxRedirects: 0 });
    expect(res.status(), p).toBe(403);
    expect(await res.text()).toContain('forbidden');
  }
  // The browser, without the address Warden printed, gets the refusal and no panel.
  const res = await page.goto(`${warden.origin}/`);
  expect(res?.status()).toBe(403);
  await expect(page.locator('body')).toHaveText(/forbidden: open the address Warden printed/);
  await expect(page.locator('[data-testid="view-extensions"]')).toHaveCount(0);
  await shot(page, 'refused-no-token');

  // With the token: a redirect that trades it for an HttpOnly cookie and drops it from the address.
  const ok = await request.get(warden.url, { maxRedirects: 0 });
  expect(ok.status()).toBe(302);
  expect(ok.headers()['set-cookie']).toMatch(new RegExp(`^warden_token_${warden.port}=.+; HttpOnly; SameSite=Strict`));
  expect(ok.headers()['location']).toBe(`/#token=${warden.token}`);
});

test('a wrong Host header is refused with 421, even with the token', async ({ warden }) => {
  const good = await rawGet(warden.port, `/?token=${warden.token}`, { host: `127.0.0.1:${warden.port}` });
  expect(good.status).toBe(302);
  for (const host of ['evil.test', `evil.test:${warden.port}`, `127.0.0.1:${warden.port + 1}`, '127.0.0.1']) {
    const r = await rawGet(warden.port, `/?token=${warden.token}`, { host });
    expect(r.status, host).toBe(421);
    expect(r.body).toBe('misdirected request');
  }
});

test('a WebSocket from a foreign Origin is refused; the panel origin connects', async ({ page, warden }) => {
  // Log in first: the browser now holds the session cookie, which (cookies ignore ports) it also
  // sends from the foreign page below. Only the Origin check stands in the way.
  await page.goto(warden.url);
  await expect(page.locator('[data-testid="connection-banner"]')).toHaveCount(0);
  const bridge = `ws://127.0.0.1:${warden.port}/bridge`;
  expect(await page.evaluate(tryBridge, bridge)).toBe('open');

  // Another local site: a page on another port of 127.0.0.1.
  const foreign = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>elsewhere</title><p>A page that is not Warden.</p>');
  });
  await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
  try {
    const fport = (foreign.address() as AddressInfo).port;
    await page.goto(`http://127.0.0.1:${fport}/`);
    expect(await page.evaluate(tryBridge, bridge)).toBe('refused (1006)');
    expect(await page.evaluate(tryBridge, `${bridge}?token=${warden.token}`)).toBe('refused (1006)');
  } finally {
    await new Promise((resolve) => foreign.close(resolve));
  }
  await expect.poll(() => warden.log()).toMatch(/refused a bridge connection: foreign Origin/);

  // And from Node, with the token and an explicit foreign Origin: an HTTP 403 instead of an upgrade.
  for (const origin of ['http://evil.test', `http://127.0.0.1:${warden.port + 1}`, 'null']) {
    const status = await new Promise<number | string>((resolve) => {
      const ws = new NodeWebSocket(`${bridge}?token=${warden.token}`, { headers: { origin } });
      ws.on('open', () => {
        ws.close();
        resolve('open');
      });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => {});
    });
    expect(status, origin).toBe(403);
  }
});
