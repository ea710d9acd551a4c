/** How one extension process's refusals, channel violations and exits are worded. */
import { WardenError, type ErrorCode } from '../../common/errors';
import type { ChannelViolation, ExitInfo } from './launcher';

/** A refusal without a captured stack (stack capture dominates when thousands are refused). */
export function cheapError(code: ErrorCode, message: string): WardenError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new WardenError(code, message);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Why a process that was not asked to stop has gone. */
export function crashReason(info: ExitInfo, outOfMemory: boolean, memoryMb: number | undefined): string {
  if (outOfMemory) return `ran out of memory (its JavaScript heap reached its limit of ${memoryMb} MB)`;
  if (info.signal === 'ESPAWN') return 'process could not be started';
  return `process exited unexpectedly (${info.signal ? `signal ${info.signal}` : `code ${info.code}`})`;
}

export function describeViolation(v: ChannelViolation): string {
  if (v.kind === 'oversize') return `oversized ${v.type ? `${v.type} ` : ''}frame (${v.bytes} bytes)`;
  if (v.kind === 'over-budget') return `${v.type} frame refused before decoding: ${v.problem}`;
  return 'undecodable frame';
}
