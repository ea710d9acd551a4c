/** `warden serve` as a user starts it (the built CLI in its own process), driven over its WebSocket bridge. */
import { spawn, type ChildProcess } from 'node:child_process';
import WebSocket from 'ws';
import { CLI } from './sandbox';

export interface CallResult {
  ok: boolean;
  value?: unknown;
  error?: { code: string; message: string; reason?: string };
}

export interface Served {
  child: ChildProcess;
  url: string;
  stdout(): string;
  stderr(): string;
  call(method: string, params?: unknown): Promise<CallResult>;
  events: Array<{ event: string; payload: unknown }>;
  /** SIGTERM, then waits for the exit code. */
  stop(): Promise<number | null>;
}

export async function serveCli(args: string[], env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WARDEN_MACHINE_POLICY: '', ...env },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += String(d)));
  child.stderr!.on('data', (d: Buffer) => (err += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${err}`)), 30_000);
    const check = () => {
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((c) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${c}) before starting: ${err}`));
    });
  });
  const u = new URL(url);
  const ws = new WebSocket(`ws://${u.host}/bridge?token=${u.searchParams.get('token')}`, {
    headers: { origin: `http://${u.host}` },
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let nextId = 1;
  const waiting = new Map<number, (r: CallResult) => void>();
  const events: Served['events'] = [];
  ws.on('message', (data) => {
    const f = JSON.parse(String(data)) as {
      t: string;
      id?: number;
      result?: CallResult;
      event?: string;
      payload?: unknown;
    };
    if (f.t === 'result') waiting.get(f.id!)?.(f.result!);
    else events.push({ event: f.event!, payload: f.payload });
  });
  return {
    child,
    url,
    stdout: () => out,
    stderr: () => err,
    events,
    call(method, params = {}) {
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        ws.send(JSON.stringify({ t: 'call', id, method, params }));
      });
    },
    async stop() {
      ws.close();
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
