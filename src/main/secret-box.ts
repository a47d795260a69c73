import type { SafeStorage } from 'electron';
import type { SecretBox } from '../core/console/profile-store.js';

type SafeStorageApi = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> & Partial<Pick<SafeStorage, 'getSelectedStorageBackend'>>;

/**
 * Profile passwords sealed with the OS's keychain through Electron's safeStorage, as base64 text
 * for the JSON file. Asked afresh each time (safeStorage is only usable once the app is ready).
 * Linux's 'basic_text' backend is a fixed, publicly known key, so it counts as unavailable: the
 * UI then says passwords are kept for this session only, which is the truth.
 */
export function safeStorageBox(safeStorage: SafeStorageApi, platform: NodeJS.Platform = process.platform): SecretBox {
  return {
    get available() {
      if (!safeStorage.isEncryptionAvailable()) return false;
      return !(platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text');
    },
    encrypt: (plain) => safeStorage.encryptString(plain).toString('base64'),
    decrypt: (sealed) => safeStorage.decryptString(Buffer.from(sealed, 'base64')),
  };
}
