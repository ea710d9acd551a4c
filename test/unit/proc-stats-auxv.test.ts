// Page size and clock ticks come from the kernel's auxiliary vector, not from two `getconf`
// processes: the same numbers libc's sysconf answers.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { auxvValue } from '../../electron/core/governance/proc-stats';

const linux64 = process.platform === 'linux' && process.arch.endsWith('64') && os.endianness() === 'LE';

describe('auxiliary vector', () => {
  it.skipIf(process.platform !== 'linux')('gives what getconf says for PAGESIZE and CLK_TCK', () => {
    expect(auxvValue(6)).toBe(Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' })));
    expect(auxvValue(17)).toBe(Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })));
  });

  it.skipIf(!linux64)('reads type/value pairs up to AT_NULL and nothing after it', () => {
    const pairs = [
      [33n, 0x7ffdn],
      [6n, 16384n],
      [0n, 0n],
      [17n, 250n], // after AT_NULL: not part of the vector
    ];
    const buf = Buffer.alloc(pairs.length * 16);
    pairs.forEach(([t, v], i) => {
      buf.writeBigUInt64LE(t!, i * 16);
      buf.writeBigUInt64LE(v!, i * 16 + 8);
    });
    expect(auxvValue(6, buf)).toBe(16384);
    expect(auxvValue(17, buf)).toBeUndefined();
    expect(auxvValue(6, buf.subarray(0, 20))).toBeUndefined(); // a truncated pair is not read
  });
});
