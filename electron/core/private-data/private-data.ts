/** An extension's private data: storage and data folder, sharing one quota (`limits.storageMb`). */
import path from 'node:path';
import { createExtensionStorage, type ExtensionStorage } from './storage';
import { createDataFolder, type DataFolder } from './data-folder';

export interface PrivateData {
  storage: ExtensionStorage;
  folder: DataFolder;
}

export function privateDataDir(dataDir: string, extensionId: string): string {
  return path.join(dataDir, 'data', extensionId);
}

export function createPrivateData(dataDir: string, extensionId: string, storageMb: number): PrivateData {
  const dir = privateDataDir(dataDir, extensionId);
  const limitBytes = () => storageMb * 1024 * 1024;
  // eslint-disable-next-line prefer-const -- the two accounts refer to each other
  let folder: DataFolder;
  const storage = createExtensionStorage({
    dir: path.join(dir, 'storage'),
    legacyFile: path.join(dir, 'storage.json'),
    quota: { limitBytes, otherBytes: () => folder.usedBytes() },
  });
  folder = createDataFolder({
    root: path.join(dir, 'files'),
    quota: { limitBytes, otherBytes: () => storage.usedBytes() },
  });
  return { storage, folder };
}
