/** What every CLI command is given (its streams, where Warden runs from), and where its data lives. */
import path from 'node:path';
import os from 'node:os';

export interface CliContext {
  stdout(text: string): void;
  stderr(text: string): void;
  isTTY: boolean;
  /** Whether a person can answer prompts on stdin. */
  stdinIsTTY: boolean;
  /** One line typed by the user (a confirmation); defaults to reading stdin. Tests pass their own. */
  readLine?: () => Promise<string | null>;
  bootstrapPath: string;
  /** The SDK folder (api.d.ts), for `warden init`; absent where the SDK is not shipped. */
  sdkDir?: string;
}

/** The Warden folder the CLI runs from (dist/sandbox/bootstrap.cjs → its root): the sandbox's code. */
export const wardenRoot = (ctx: Pick<CliContext, 'bootstrapPath'>): string =>
  path.resolve(ctx.bootstrapPath, '..', '..', '..');

function defaultDataDir(): string {
  return process.env.WARDEN_HOME || path.join(os.homedir(), '.warden');
}

/** The data folder a command works on: `--data-dir`, else $WARDEN_HOME or ~/.warden. */
export const dataDirOf = (values: { 'data-dir'?: string }): string =>
  path.resolve(values['data-dir'] ?? defaultDataDir());
