/**
 * Replacing a small file so that after a crash or a power cut it is either the old file or the whole new one:
 * written to a temporary name, flushed to the disk (fsync) before the rename, and the folder flushed after it
 * so the rename itself survives. A task file holds the provider's task id, the one thing that finds a paid task
 * again: without the flushes a power cut can leave the renamed file empty.
 */
import { promises as fsp } from 'fs';

export async function writeFileDurably(temp: string, target: string, data: string | Uint8Array, folder: string): Promise<void> {
  const handle = await fsp.open(temp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fsp.rename(temp, target);
  await syncFolder(folder);
}

/** Flushes a folder's entries where the platform allows it (Windows cannot open a folder for this). */
export async function syncFolder(folder: string): Promise<void> {
  let handle;
  try {
    handle = await fsp.open(folder, 'r');
    await handle.sync();
  } catch {
    // EISDIR/EPERM on Windows, EINVAL on some network file systems: the file itself was flushed.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
