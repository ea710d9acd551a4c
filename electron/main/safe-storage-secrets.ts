/**
 * The core's `SecretStore` on Electron's `safeStorage`: each value is encrypted with the key the
 * OS keeps for the app (Keychain, DPAPI, libsecret/kwallet) and the ciphertext is stored, base64,
 * in one JSON file under the data folder (0600, written atomically).
 *
 * - Storing is refused while encryption is unavailable, and on Linux while safeStorage would use
 *   its `basic_text` backend (a fixed, public key: the value would be as good as plain text).
 * - Each ciphertext is bound to its slot (extension id + name): the plaintext sealed is
 *   `{ slot, value }` and a value read back from another slot is ignored, so editing the file
 *   cannot move one extension's secret to another.
 * - Values are never logged and never part of an error message; `names` lists names only.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SafeStorage } from 'electron';
import { WardenError } from '../common/errors';
import { writeFileAtomic, type SecretStore } from '../core';

export type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> &
  Partial<Pick<SafeStorage, 'getSelectedStorageBackend'>>;

export interface SafeStorageSecretOptions {
  safeStorage: SafeStorageLike;
  /** The JSON file holding the ciphertexts (its folder is created 0700 on first write). */
  file: string;
  /** Linux: accept the `basic_text` backend anyway (not recommended; off by default). */
  allowPlainTextBackend?: boolean;
  /** The platform whose rules apply (tests); `process.platform` by default. */
  platform?: NodeJS.Platform;
}

const slot = (extensionId: string, name: string) => `${extensionId}\u0000${name}`;

/** Why secrets cannot be encrypted right now, or undefined when they can. */
export function encryptionProblem(
  options: Pick<SafeStorageSecretOptions, 'safeStorage' | 'allowPlainTextBackend' | 'platform'>,
): string | undefined {
  const { safeStorage, allowPlainTextBackend = false, platform = process.platform } = options;
  if (!safeStorage.isEncryptionAvailable()) {
    return "the operating system's secret storage is not available (no keychain or keyring)";
  }
  if (!allowPlainTextBackend && platform === 'linux' && safeStorage.getSelectedStorageBackend) {
    if (safeStorage.getSelectedStorageBackend() === 'basic_text') {
      return 'no keyring (libsecret or KWallet) is running, and without one the secret would be stored unprotected';
    }
  }
  return undefined;
}

/**
 * @param options - safeStorage (real or fake) and the file.
 * @returns a SecretStore; `set` rejects with EINTERNAL and a readable reason when it cannot encrypt.
 */
export function createSafeStorageSecretStore(options: SafeStorageSecretOptions): SecretStore {
  const { safeStorage, file } = options;
  let queue: Promise<unknown> = Promise.resolve();

  /** Read-modify-write operations run one at a time, so two `set`s never lose one another. */
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };

  const load = async (): Promise<Map<string, string>> => {
    let text: string;
    try {
      text = await fs.promises.readFile(file, 'utf8');
    } catch {
      return new Map();
    }
    try {
      const doc = JSON.parse(text) as { entries?: unknown };
      const entries = doc.entries && typeof doc.entries === 'object' ? Object.entries(doc.entries) : [];
      return new Map(entries.filter((e): e is [string, string] => typeof e[1] === 'string'));
    } catch {
      return new Map(); // unreadable file: as if empty (the next write replaces it)
    }
  };

  const save = async (entries: Map<string, string>) => {
    await fs.promises.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await writeFileAtomic(file, JSON.stringify({ version: 1, entries: Object.fromEntries(entries) }), 0o600);
  };

  const open = (key: string, sealed: string): string | undefined => {
    try {
      if (!safeStorage.isEncryptionAvailable()) return undefined;
      const doc = JSON.parse(safeStorage.decryptString(Buffer.from(sealed, 'base64'))) as {
        slot?: unknown;
        value?: unknown;
      };
      return doc.slot === key && typeof doc.value === 'string' ? doc.value : undefined;
    } catch {
      return undefined; // tampered, or sealed under another OS key: treat as not set
    }
  };

  return {
    async get(extensionId, name) {
      const key = slot(extensionId, name);
      const sealed = (await load()).get(key);
      return sealed === undefined ? undefined : open(key, sealed);
    },

    set(extensionId, name, value) {
      return serial(async () => {
        const problem = encryptionProblem(options);
        if (problem) throw new WardenError('EINTERNAL', `secrets cannot be stored: ${problem}`);
        const key = slot(extensionId, name);
        let sealed: string;
        try {
          sealed = safeStorage.encryptString(JSON.stringify({ slot: key, value })).toString('base64');
        } catch {
          // Never pass the underlying error on: keep the value out of any message.
          throw new WardenError('EINTERNAL', "secrets cannot be stored: the operating system's encryption failed");
        }
        const entries = await load();
        entries.set(key, sealed);
        await save(entries);
      });
    },

    delete(extensionId, name) {
      return serial(async () => {
        const entries = await load();
        if (!entries.delete(slot(extensionId, name))) return false;
        await save(entries);
        return true;
      });
    },

    async names(extensionId) {
      const prefix = `${extensionId}\u0000`;
      return [...(await load()).keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
    },
  };
}
