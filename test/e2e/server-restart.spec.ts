// A tab left open across a server restart: the new server has a new token, so the tab's session
// can never reconnect. The panel stops retrying, says the address expired and how to get a new
// one; Run cannot be clicked while disconnected. Real servers (`warden serve`) on one fixed port.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { CLI, EXT, ROOT } from './fixtures';

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function serve(port: number, dataDir: string, home: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'serve',
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      '--dev',
      path.join(ROOT, 'extensions/examples/text-tools'),
    ],
    { cwd: ROOT, env: { ...process.env, HOME: home, USERPROFILE: home }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address printed:\n${out}`)), 30_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[0] });
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}):\n${out}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(t);
}

test('after a server restart the open tab says its address expired and stops retrying', async ({ page }) => {
  test.setTimeout(90_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-restart-'));
  const port = await freePort();
  const servers: ChildProcess[] = [];
  try {
    const first = await serve(port, path.join(tmp, 'data'), tmp);
    servers.push(first.child);
    await page.goto(first.url);
    await expect(page.locator('[data-testid="app-mode-note"]')).toContainText(/headless/i);
    await page.keyboard.press('Control+k');
    await page.locator('[data-testid="palette-input"]').fill('text statistics');
    await page.locator('[data-testid="palette-input"]').press('Enter');
    await expect(page.locator('[data-testid="command-card"]')).toHaveAttribute(
      'data-command',
      `${EXT.textTools}/text.stats`,
    );

    await stop(first.child);
    const banner = page.locator('[data-testid="connection-banner"]');
    await expect(banner).toBeVisible();
    await expect(page.locator('[data-testid="run-button"]')).toHaveAttribute('aria-disabled', 'true');

    const second = await serve(port, path.join(tmp, 'data'), tmp);
    servers.push(second.child);
    await expect(banner).toHaveAttribute('data-cause', 'token', { timeout: 20_000 });
    await expect(banner).toContainText('this address has expired');
    await expect(banner).toContainText('Open the address Warden printed');
    await expect(page.locator('[data-testid="run-button"]')).toHaveAttribute('aria-disabled', 'true');

    // The new address works in the same tab.
    await page.goto(second.url);
    await expect(page.locator('[data-testid="app-mode-note"]')).toContainText(/headless/i);
    await expect(banner).toHaveCount(0);
  } finally {
    for (const c of servers) await stop(c);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
