/// <reference types="ses" />
import { describe, expect, it } from 'vitest';
import { createRpcClient } from '../../electron/sandbox/rpc-client';

const makeError = (d: { code: string; message: string }) => Object.assign(new Error(d.message), { code: d.code });

describe('rpc client', () => {
  it('a call the channel cannot send fails with E2BIG and frees its pending slot', async () => {
    const rpc = createRpcClient({ send: () => false, makeError, maxPending: 2 });
    for (let i = 0; i < 5; i++) {
      await expect(rpc.call('storage.get', ['k'])).rejects.toMatchObject({ code: 'E2BIG' });
    }
    expect(rpc.pending()).toBe(0);
  });
});
