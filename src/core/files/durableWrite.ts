/**
 * After a crash or power cut a replaced file is the old one or the whole new one: temp name, fsync, rename, then the
 * folder fsynced. A task file holds the provider's task id; without the flushes a power cut can leave it empty.
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

/** Windows cannot open a folder for this. */
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
