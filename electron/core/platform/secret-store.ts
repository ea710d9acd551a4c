/**
 * Secrets the user entered for an extension's declared secret names, stored encrypted.
 * Under plain Node: AES-256-GCM with a random key in a file only the user can read (0600). The
 * Electron app implements the same interface with `safeStorage` (the OS keychain).
 * Values are never logged; listings return names only.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { writeFileAtomic } from './atomic-write';

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

export function createFileSecretStore(dir: string): SecretStore {
  const keyFile = path.join(dir, 'secrets.key');
  const dataFile = path.join(dir, 'secrets.json');
  const slot = (ext: string, name: string) => `${ext}\u0000${name}`;

  const key = async (): Promise<Buffer> => {
    await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
    try {
      const k = await fs.promises.readFile(keyFile);
      if (k.length === 32) return k;
    } catch {
      // no key yet
    }
    const k = crypto.randomBytes(32);
    await writeFileAtomic(keyFile, k, 0o600);
    return k;
  };
  const load = async (): Promise<Record<string, Sealed>> => {
    try {
      const doc = JSON.parse(await fs.promises.readFile(dataFile, 'utf8')) as { entries?: Record<string, Sealed> };
      return Object.assign(Object.create(null) as Record<string, Sealed>, doc.entries ?? {});
    } catch {
      return Object.create(null) as Record<string, Sealed>;
    }
  };
  const save = (entries: Record<string, Sealed>) =>
    writeFileAtomic(dataFile, JSON.stringify({ version: 1, entries }), 0o600);

  return {
    async get(ext, name) {
      const sealed = (await load())[slot(ext, name)];
      if (!sealed) return undefined;
      try {
        const d = crypto.createDecipheriv('aes-256-gcm', await key(), Buffer.from(sealed.iv, 'base64'));
        d.setAAD(Buffer.from(slot(ext, name))); // a value cannot be moved to another extension's slot
        d.setAuthTag(Buffer.from(sealed.tag, 'base64'));
        return Buffer.concat([d.update(Buffer.from(sealed.data, 'base64')), d.final()]).toString('utf8');
      } catch {
        return undefined; // tampered or key lost: treat as not set
      }
    },
    async set(ext, name, value) {
      const iv = crypto.randomBytes(12);
      const c = crypto.createCipheriv('aes-256-gcm', await key(), iv);
      c.setAAD(Buffer.from(slot(ext, name)));
      const data = Buffer.concat([c.update(value, 'utf8'), c.final()]);
      const entries = await load();
      entries[slot(ext, name)] = {
        iv: iv.toString('base64'),
        tag: c.getAuthTag().toString('base64'),
        data: data.toString('base64'),
      };
      await save(entries);
    },
    async delete(ext, name) {
      const entries = await load();
      if (!(slot(ext, name) in entries)) return false;
      delete entries[slot(ext, name)];
      await save(entries);
      return true;
    },
    async names(ext) {
      return Object.keys(await load())
        .filter((k) => k.startsWith(`${ext}\u0000`))
        .map((k) => k.slice(ext.length + 1));
    },
  };
}
