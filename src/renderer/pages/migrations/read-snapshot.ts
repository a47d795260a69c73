import { formatBytes } from '../../../shared/format';

/** The back accepts exports up to 64 MiB (the contract's snapshot limit); say so before reading more. */
export const MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024;

export type SnapshotRead = { ok: true; text: string } | { ok: false; message: string };

/** Reads a chosen export as text in the browser, refusing one the back would refuse for its size. */
export async function readSnapshot(file: File): Promise<SnapshotRead> {
  if (file.size > MAX_SNAPSHOT_BYTES) {
    return {
      ok: false,
      message: `${file.name} is ${formatBytes(file.size)}; the console imports files up to ${formatBytes(MAX_SNAPSHOT_BYTES)}. Split the export into smaller files (importing is idempotent, so order does not matter).`,
    };
  }
  if (file.size < 2) return { ok: false, message: `${file.name} is empty: choose the JSON file the legacy pool exported.` };
  try {
    return { ok: true, text: await textOf(file) };
  } catch (error) {
    return { ok: false, message: `${file.name} could not be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function textOf(file: File): Promise<string> {
  if (typeof file.text === 'function') return file.text();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('the browser could not read the file'));
    reader.readAsText(file);
  });
}
