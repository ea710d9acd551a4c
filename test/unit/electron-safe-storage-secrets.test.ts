// Secrets on a fake safeStorage (a reversible cipher with a marker), in a temporary folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WardenError } from '../../electron/common/errors';
import { createSafeStorageSecretStore, type SafeStorageLike } from '../../electron/main/safe-storage-secrets';

vi.mock('electron', () => {
  throw new Error('unit tests must not load electron');
});

/** XOR with a key byte plus a header: not secure, but the plaintext never appears in the file. */
function fakeSafeStorage(options: { available?: boolean; backend?: string } = {}) {
  const state = { available: options.available ?? true, backend: options.backend ?? 'gnome_libsecret' };
  const safeStorage = {
    isEncryptionAvailable: vi.fn(() => state.available),
    encryptString: vi.fn((plain: string) => {
      if (!state.available) throw new Error('Encryption is not available.');
      return Buffer.concat([Buffer.from('v10'), Buffer.from(plain, 'utf8').map((b) => b ^ 0x5a)]);
    }),
    decryptString: vi.fn((sealed: Buffer) => {
      if (sealed.subarray(0, 3).toString() !== 'v10') throw new Error('Error while decrypting the ciphertext provided');
      return Buffer.from(sealed.subarray(3).map((b) => b ^ 0x5a)).toString('utf8');
    }),
    getSelectedStorageBackend: vi.fn(() => state.backend),
  };
  return { safeStorage: safeStorage as unknown as SafeStorageLike & typeof safeStorage, state };
}

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-safe-secrets-'));
  file = path.join(dir, 'secrets', 'safe-storage.json');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const SECRET = 'sk-live-0123456789abcdef';

describe('createSafeStorageSecretStore', () => {
  it('round-trips a secret, lists names, deletes', async () => {
    const { safeStorage } = fakeSafeStorage();
    const store = createSafeStorageSecretStore({ safeStorage, file, platform: 'linux' });
    expect(await store.get('acme.x', 'token')).toBeUndefined();
    await store.set('acme.x', 'token', SECRET);
    await store.set('acme.x', 'other', 'two');
    await store.set('acme.y', 'token', 'three');
    expect(await store.get('acme.x', 'token')).toBe(SECRET);
    expect((await store.names('acme.x')).sort()).toEqual(['other', 'token']);
    expect(await store.names('acme.y')).toEqual(['token']);
    expect(await store.delete('acme.x', 'token')).toBe(true);
    expect(await store.delete('acme.x', 'token')).toBe(false);
    expect(await store.get('acme.x', 'token')).toBeUndefined();
    // A new store on the same file reads what the first wrote.
    expect(await createSafeStorageSecretStore({ safeStorage, file }).get('acme.y', 'token')).toBe('three');
  });

  it('keeps only ciphertext on disk, in a file only the user can read', async () => {
    const { safeStorage } = fakeSafeStorage();
    await createSafeStorageSecretStore({ safeStorage, file }).set('acme.x', 'token', SECRET);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain(SECRET);
    expect(JSON.parse(text)).toMatchObject({ version: 1 });
    if (process.platform !== 'win32') {
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    }
  });

  it('refuses to store while encryption is unavailable, with a clear error and nothing written', async () => {
    const { safeStorage } = fakeSafeStorage({ available: false });
    const store = createSafeStorageSecretStore({ safeStorage, file });
    const err = await store.set('acme.x', 'token', SECRET).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WardenError);
    expect((err as WardenError).code).toBe('EINTERNAL');
    expect((err as WardenError).message).toMatch(/secrets cannot be stored: .*secret storage is not available/);
    expect((err as WardenError).message).not.toContain(SECRET);
    expect(safeStorage.encryptString).not.toHaveBeenCalled();
    expect(fs.existsSync(file)).toBe(false);
    expect(await store.get('acme.x', 'token')).toBeUndefined();
  });

  it("refuses Linux's basic_text backend (a fixed key) unless explicitly allowed", async () => {
    const { safeStorage } = fakeSafeStorage({ backend: 'basic_text' });
    await expect(
      createSafeStorageSecretStore({ safeStorage, file, platform: 'linux' }).set('a', 'b', SECRET),
    ).rejects.toThrow(/no keyring/);
    expect(safeStorage.encryptString).not.toHaveBeenCalled();
    await createSafeStorageSecretStore({ safeStorage, file, platform: 'linux', allowPlainTextBackend: true }).set(
      'a',
      'b',
      'c',
    );
    await createSafeStorageSecretStore({ safeStorage, file, platform: 'darwin' }).set('a', 'b', 'c');
    expect(safeStorage.encryptString).toHaveBeenCalledTimes(2);
  });

  it('never passes an encryption error on (it could carry the value)', async () => {
    const { safeStorage } = fakeSafeStorage();
    safeStorage.encryptString.mockImplementationOnce((plain: string) => {
      throw new Error(`cannot encrypt ${plain}`);
    });
    const err = (await createSafeStorageSecretStore({ safeStorage, file })
      .set('a', 'b', SECRET)
      .catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/encryption failed/);
    expect(err.message).not.toContain(SECRET);
  });

  it("ignores a ciphertext moved to another extension's slot, and a tampered one", async () => {
    const { safeStorage } = fakeSafeStorage();
    const store = createSafeStorageSecretStore({ safeStorage, file });
    await store.set('acme.victim', 'token', SECRET);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { entries: Record<string, string> };
    doc.entries['acme.thief\u0000token'] = doc.entries['acme.victim\u0000token']!;
    doc.entries['acme.broken\u0000token'] = Buffer.from('garbage').toString('base64');
    fs.writeFileSync(file, JSON.stringify(doc));
    expect(await store.get('acme.thief', 'token')).toBeUndefined();
    expect(await store.get('acme.broken', 'token')).toBeUndefined();
    expect(await store.get('acme.victim', 'token')).toBe(SECRET);
  });

  it('loses no write when sets run concurrently', async () => {
    const { safeStorage } = fakeSafeStorage();
    const store = createSafeStorageSecretStore({ safeStorage, file });
    await Promise.all(Array.from({ length: 12 }, (_, i) => store.set('acme.x', `k${i}`, `v${i}`)));
    expect((await store.names('acme.x')).length).toBe(12);
    expect(await store.get('acme.x', 'k7')).toBe('v7');
  });

  it('treats an unreadable file as empty and an id named __proto__ as any other', async () => {
    const { safeStorage } = fakeSafeStorage();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{not json');
    const store = createSafeStorageSecretStore({ safeStorage, file });
    expect(await store.names('acme.x')).toEqual([]);
    await store.set('__proto__', 'constructor', 'p');
    expect(await store.get('__proto__', 'constructor')).toBe('p');
    expect(await store.names('__proto__')).toEqual(['constructor']);
  });

  it('never logs', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m));
    const { safeStorage } = fakeSafeStorage();
    const store = createSafeStorageSecretStore({ safeStorage, file });
    await store.set('a', 'b', SECRET);
    await store.get('a', 'b');
    await store.set('a', 'c', SECRET).catch(() => {});
    for (const spy of spies) {
      expect(spy).not.toHaveBeenCalled();
      spy.mockRestore();
    }
  });
});
