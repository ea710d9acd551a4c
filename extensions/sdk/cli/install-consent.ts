/**
 * The security brief before `install` and `update`, and the user's confirmation: on a terminal
 * the CLI asks; without one it refuses unless `--yes` (scripts), so nothing is installed or
 * pinned that nobody agreed to.
 */
import { createLineSource, formatBrief } from '../../../electron/core';
import type { SecurityBrief } from '../../../electron/common/security-brief';
import { CliError, EXIT_FAILED, EXIT_USAGE } from './usage';
import type { CliContext } from './context';

/** Reads one line of the user's answer (the process's stdin unless a test passes its own). */
async function readAnswer(ctx: CliContext): Promise<string | null> {
  if (ctx.readLine) return ctx.readLine();
  const source = createLineSource(process.stdin);
  try {
    return await source.next();
  } finally {
    source.close();
  }
}

/**
 * Prints the brief (unless `json`) and returns once the user agreed: `--yes`, or "y" typed on a
 * terminal. Throws (nothing installed) when they decline, or when nobody can be asked.
 */
export async function confirmBrief(
  ctx: CliContext,
  brief: SecurityBrief,
  o: { yes: boolean; json: boolean; acceptNewKey?: boolean; question: string },
): Promise<void> {
  if (!o.json) ctx.stdout(formatBrief(brief));
  if (brief.key?.status === 'changed' && !o.acceptNewKey) {
    throw new CliError(
      `${brief.id} ${brief.version} is signed by key ${brief.key.fingerprint.slice(0, 16)}…, not the publisher key ` +
        `${brief.key.pinnedFingerprint?.slice(0, 16)}… pinned for it; nothing was installed. If you know the ` +
        'publisher changed keys, pass --accept-new-key',
      EXIT_USAGE,
    );
  }
  if (o.yes) return;
  if (!ctx.stdinIsTTY) {
    throw new CliError(
      `not ${brief.kind === 'update' ? 'updated' : 'installed'}: there is no terminal to ask for confirmation; ` +
        'read the brief above and pass --yes to go ahead without asking',
      EXIT_USAGE,
    );
  }
  ctx.stdout(`${o.question} [y/N] `);
  const answer = (await readAnswer(ctx))?.trim().toLowerCase();
  if (answer !== 'y' && answer !== 'yes') {
    throw new CliError(`not ${brief.kind === 'update' ? 'updated' : 'installed'}: you declined`, EXIT_FAILED);
  }
}
