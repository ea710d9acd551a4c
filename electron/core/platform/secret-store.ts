/**
 * Secrets the user entered for an extension's declared secret names, stored encrypted.
 * Under plain Node: AES-256-GCM; the ciphertext stays in the data folder, the random key lives in
 * a separate folder outside it that only the user can enter (0700, the key file 0600): see
 * `defaultKeyDir`. A copy of the data folder (a backup, a synced dotfile folder, a support bundle)
 * then carries no key. The Electron app implements the same interface with `safeStorage` (the OS
 * keychain). Values are never logged; listings return names only.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { writeFileAtomic } from './atomic-write';

/**
 * Where Node mode keeps secret keys: the per-user state folder of the OS, never the data folder.
 * `WARDEN_KEY_DIR` overrides it (tests, portable installs).
 */
export function defaultKeyDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  if (env.WARDEN_KEY_DIR) return path.resolve(env.WARDEN_KEY_DIR);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Warden', 'keys');
  if (platform === 'win32') return path.join(env.LOCALAPPDATA || path.join(home, 'AppData', 'Local'), 'Warden', 'keys');
  return path.join(env.XDG_STATE_HOME || path.join(home, '.local', 'state'), 'warden', 'keys');
}

export interface SecretStore {
  get(extensionId: string, name: string): Promise<string | undefined>;
  set(extensionId: string, name: string, value: string): Promise<void>;
  delete(extensionId: string, name: string): Promise<boolean>;
  names(extensionId: string): Promise<string[]>;
}

interface Sealed {
  iv: string;
  tag: string;
  data: string;
}

interface SecretsFile {
  version: 1;
  /** Names the key file in the key folder (so a moved data folder still finds its key). */
  keyId?: string;
  entries: Record<string, Sealed>;
}

export function createFileSecretStore(dir: string, options: { keyDir?: string } = {}): SecretStore {
  const keyDir = options.keyDir ?? defaultKeyDir();
  /** Where earlier versions kept the key, beside the ciphertext: moved out on first use. */
  const legacyKeyFile = path.join(dir, 'secrets.key');
  const dataFile = path.join(dir, 'secrets.json');
  const slot = (ext: string, name: string) => `${ext}\u0000${name}`;
  const keyFileOf = (keyId: string) => path.join(keyDir, `${keyId}.key`);

  const load = async (): Promise<SecretsFile> => {
    try {
      const doc = JSON.parse(await fs.promises.readFile(dataFile, 'utf8')) as Partial<SecretsFile>;
      const keyId = typeof doc.keyId === 'string' && /^[0-9a-f]{32}$/.test(doc.keyId) ? doc.keyId : undefined;
      const entries = Object.assign(Object.create(null) as Record<string, Sealed>, doc.entries ?? {});
      return { version: 1, ...(keyId ? { keyId } : {}), entries };
    } catch {
      return { version: 1, entries: Object.create(null) as Record<string, Sealed> };
    }
  };
  const save = async (doc: SecretsFile) => {
    await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(dataFile, JSON.stringify(doc), 0o600);
  };
  const writeKey = async (keyId: string, k: Buffer) => {
    await fs.promises.mkdir(keyDir, { recursive: true, mode: 0o700 });
    if (process.platform !== 'win32') await fs.promises.chmod(keyDir, 0o700);
    await writeFileAtomic(keyFileOf(keyId), k, 0o600);
  };
  /** The key of this data folder; with `create`, made (or moved out of the data folder) if missing. */
  const key = async (doc: SecretsFile, create: boolean): Promise<Buffer | undefined> => {
    if (doc.keyId) {
      try {
        const k = await fs.promises.readFile(keyFileOf(doc.keyId));
        if (k.length === 32) return k;
      } catch {
        // key lost: the values cannot be read any more
      }
      if (!create) return undefined;
    }
    let k: Buffer | undefined;
    try {
      const legacy = await fs.promises.readFile(legacyKeyFile);
      if (legacy.length === 32) k = legacy;
    } catch {
      // no legacy key
    }
    if (!k && !create) return undefined;
    // A new key (or the legacy one, moved) under a new id; the old entries stay readable only
    // when the legacy key is what encrypted them.
    if (!k) {
      k = crypto.randomBytes(32);
      doc.entries = Object.create(null) as Record<string, Sealed>;
    }
    const keyId = crypto.randomBytes(16).toString('hex');
    await writeKey(keyId, k);
    doc.keyId = keyId;
    await save(doc);
    await fs.promises.rm(legacyKeyFile, { force: true });
    return k;
  };

  return {
    async get(ext, name) {
      const doc = await load();
      const sealed = doc.entries[slot(ext, name)];
      if (!sealed) return undefined;
      try {
        const k = await key(doc, false);
        if (!k) return undefined;
        const d = crypto.createDecipheriv('aes-256-gcm', k, Buffer.from(sealed.iv, 'base64'));
        d.setAAD(Buffer.from(slot(ext, name))); // a value cannot be moved to another extension's slot
        d.setAuthTag(Buffer.from(sealed.tag, 'base64'));
        return Buffer.concat([d.update(Buffer.from(sealed.data, 'base64')), d.final()]).toString('utf8');
      } catch {
        return undefined; // tampered or key lost: treat as not set
      }
    },
    async set(ext, name, value) {
      const doc = await load();
      const k = (await key(doc, true))!;
      const iv = crypto.randomBytes(12);
      const c = crypto.createCipheriv('aes-256-gcm', k, iv);
      c.setAAD(Buffer.from(slot(ext, name)));
      const data = Buffer.concat([c.update(value, 'utf8'), c.final()]);
      doc.entries[slot(ext, name)] = {
        iv: iv.toString('base64'),
        tag: c.getAuthTag().toString('base64'),
        data: data.toString('base64'),
      };
      await save(doc);
    },
    async delete(ext, name) {
      const doc = await load();
      if (!(slot(ext, name) in doc.entries)) return false;
      delete doc.entries[slot(ext, name)];
      await save(doc);
      return true;
    },
    async names(ext) {
      return Object.keys((await load()).entries)
        .filter((k) => k.startsWith(`${ext}\u0000`))
        .map((k) => k.slice(ext.length + 1));
    },
  };
}
