// Functions passed to page.evaluate run in the page: type them against the DOM.
/// <reference lib="dom" />
/**
 * End-to-end fixtures: the REAL headless server (`node dist/cli/warden.cjs serve`) as a child
 * process, one per spec file (a worker-scoped fixture; workers = 1), with its own temporary HOME
 * (so `~/Documents` in manifests points into it) and data folder; and a `panel` per test: a page
 * opened on the tokened address, with helpers for the views, the palette and screenshots.
 *
 * Options per file: `test.use({ server: { examples: true, dev: ['word-count'], documents: {...} } })`.
 * Specs that build on each other's state use `test.describe.configure({ mode: 'serial' })`: a
 * failure restarts the worker (and so the server), and the rest of the file is skipped.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect, type Locator, type Page, type TestInfo } from '@playwright/test';

export { expect };

export const ROOT = path.resolve(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'dist', 'cli', 'warden.cjs');
export const EXAMPLES = path.join(ROOT, 'extensions', 'examples');
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');

export const EXT = {
  notes: 'warden-examples.notes',
  textTools: 'warden-examples.text-tools',
  wordCount: 'warden-examples.word-count',
  runaway: 'warden-examples.runaway',
} as const;

export interface ServerOptions {
  /** Load every example folder in developer mode (`--examples`). */
  examples?: boolean;
  /** Developer folders: an example's folder name (`word-count`) or an absolute path. */
  dev?: string[];
  promptTimeoutMs?: number;
  /** Files to create under the server's `~/Documents` (relative path → content). */
  documents?: Record<string, string>;
}

export interface Warden {
  /** The address printed by `warden serve`, with the token. */
  url: string;
  origin: string;
  port: number;
  token: string;
  /** The server's HOME (its `~`) and data folder, and a scratch folder for the test's own files. */
  home: string;
  dataDir: string;
  scratch: string;
  /** What the server wrote to stdout and stderr so far. */
  log(): string;
  /** Runs the same CLI binary (keygen, pack, …) and returns its stdout; throws on failure. */
  cli(args: string[]): string;
}

function startServer(o: ServerOptions): Promise<{ warden: Warden; child: ChildProcess; tmp: string }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-e2e-'));
  const home = path.join(tmp, 'home');
  const dataDir = path.join(tmp, 'data');
  const scratch = path.join(tmp, 'scratch');
  for (const d of [home, path.join(home, 'Documents'), dataDir, scratch]) fs.mkdirSync(d, { recursive: true });
  for (const [rel, content] of Object.entries(o.documents ?? {})) {
    const file = path.join(home, 'Documents', rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  const args = [CLI, 'serve', '--port', '0', '--data-dir', dataDir];
  if (o.examples) args.push('--examples');
  for (const d of o.dev ?? []) args.push('--dev', path.isAbsolute(d) ? d : path.join(EXAMPLES, d));
  if (o.promptTimeoutMs !== undefined) args.push('--prompt-timeout', String(o.promptTimeoutMs));

  const env = { ...process.env, HOME: home, USERPROFILE: home };
  // Its own process group, so that a server that ignores SIGTERM can be killed with its children.
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let log = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (c: string) => (log += c));

  const cli = (cliArgs: string[]): string => {
    const r = spawnSync(process.execPath, [CLI, ...cliArgs], { cwd: ROOT, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`warden ${cliArgs.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('the server printed no address within 30 s')), 30_000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      stopServer(child).finally(() => reject(new Error(`${err.message}\n--- server output:\n${log}`)));
    };
    child.once('exit', (code, signal) => fail(new Error(`the server exited early (${code ?? signal})`)));
    child.stdout!.on('data', (c: string) => {
      log += c;
      const m = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([\w-]+)/.exec(log);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const port = Number(m[1]);
      resolve({
        child,
        tmp,
        warden: {
          url: m[0],
          origin: `http://127.0.0.1:${port}`,
          port,
          token: m[2]!,
          home,
          dataDir,
          scratch,
          log: () => log,
          cli,
        },
      });
    });
  });
}

/** SIGTERM (the server stops its extensions and closes), then SIGKILL of its group after 10 s. */
async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

/** Saves a screenshot under the test's output folder and a copy as test-results/screenshots/<name>.png. */
export async function shot(page: Page, name: string, info: TestInfo = base.info()): Promise<string> {
  const file = info.outputPath(`${name}.png`);
  await page.screenshot({ path: file });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  fs.copyFileSync(file, path.join(SCREENSHOTS, `${name}.png`));
  return file;
}

export type View = 'extensions' | 'run' | 'resources' | 'behaviour' | 'permissions' | 'activity';

/** The panel in one page, with the steps the specs share. */
export class Panel {
  constructor(
    readonly page: Page,
    readonly warden: Warden,
  ) {}

  tid(id: string): Locator {
    return this.page.locator(`[data-testid="${id}"]`);
  }

  /** Opens the tokened address (the server trades it for a cookie) and waits for the bridge. */
  async open(): Promise<void> {
    const res = await this.page.goto(this.warden.url);
    expect(res?.status()).toBe(200);
    expect(new URL(this.page.url()).search).toBe('');
    await expect(this.tid('app-mode-note')).toContainText(/headless/i);
    await expect(this.tid('connection-banner')).toHaveCount(0);
  }

  async nav(view: View): Promise<void> {
    await this.tid(`nav-${view}`).click();
    await expect(this.tid(`view-${view}`)).toBeVisible();
    await expect(this.tid(`nav-${view}`)).toHaveAttribute('aria-current', 'page');
  }

  async setTheme(theme: 'light' | 'dark'): Promise<void> {
    const toggle = this.tid('theme-toggle');
    if ((await toggle.getAttribute('data-theme-current')) !== theme) await toggle.click();
    await expect(toggle).toHaveAttribute('data-theme-current', theme);
    await expect(this.page.locator('html')).toHaveAttribute('data-theme', theme);
  }

  /** Ctrl+K, type, Enter: selects `<extensionId>/<commandId>` and shows its form in Run. */
  async chooseCommand(query: string, command: string): Promise<void> {
    await this.page.keyboard.press('Control+k');
    await expect(this.tid('palette')).toBeVisible();
    await this.tid('palette-input').fill(query);
    await expect(this.tid('palette-item').first()).toHaveAttribute('data-command', command);
    await expect(this.tid('palette-item').first()).toHaveAttribute('aria-selected', 'true');
    await this.tid('palette-input').press('Enter');
    await expect(this.tid('palette')).toHaveCount(0);
    await expect(this.tid('view-run')).toBeVisible();
    await expect(this.tid('command-card')).toHaveAttribute('data-command', command);
  }

  /** Chooses a command without parameters in the palette, which runs it at once; returns the run's id. */
  async runFromPalette(query: string, command: string): Promise<string> {
    const before = await this.tid('run-result')
      .getAttribute('data-run-id', { timeout: 100 })
      .catch(() => null);
    await this.chooseCommand(query, command);
    await expect(this.tid('run-result')).toHaveAttribute('data-run-id', /./);
    await expect(this.tid('run-result')).not.toHaveAttribute('data-run-id', before ?? '');
    return (await this.tid('run-result').getAttribute('data-run-id'))!;
  }

  /** Clicks Run and returns the new run's id once it has one (the result may still be pending). */
  async clickRun(): Promise<string> {
    const before = await this.tid('run-result')
      .getAttribute('data-run-id', { timeout: 100 })
      .catch(() => null);
    await this.tid('run-button').click();
    await expect(this.tid('run-result')).not.toHaveAttribute('data-run-id', before ?? '');
    return (await this.tid('run-result').getAttribute('data-run-id'))!;
  }

  /** Waits until the run ends (done or failed) and returns its status. */
  async runEnded(timeout = 20_000): Promise<string> {
    await expect(this.tid('run-result')).toHaveAttribute('data-status', /^(done|failed|cancelled)$/, { timeout });
    return (await this.tid('run-result').getAttribute('data-status'))!;
  }

  /** The rows of the table result, as text cells. */
  async tableRows(): Promise<string[][]> {
    return this.tid('result-row').evaluateAll((rows) =>
      rows.map((r) => Array.from(r.querySelectorAll('td,th'), (c) => (c.textContent ?? '').trim())),
    );
  }
}

interface WorkerFixtures {
  server: ServerOptions;
  warden: Warden;
}
interface TestFixtures {
  panel: Panel;
  serverLog: void;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  server: [{}, { scope: 'worker', option: true }],
  warden: [
    async ({ server }, use) => {
      const { warden, child, tmp } = await startServer(server);
      try {
        await use(warden);
      } finally {
        await stopServer(child);
        fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
      }
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  // On failure, the server's output goes with the test's report.
  serverLog: [
    async ({ warden }, use, info) => {
      const start = warden.log().length;
      await use();
      if (info.status !== info.expectedStatus) {
        await info.attach('server-output', { body: warden.log().slice(start), contentType: 'text/plain' });
      }
    },
    { auto: true },
  ],
  panel: async ({ page, warden }, use) => {
    const panel = new Panel(page, warden);
    await panel.open();
    await use(panel);
  },
});
