/**
 * A hard link succeeds only if the name is free, in one step, so two tasks (or windows) picking one name never
 * overwrite each other; check-then-rename cannot promise that. Without hard links: an exclusive copy (COPYFILE_EXCL).
 */
import { constants, promises as fsp } from 'fs';

/** Errors meaning "this file system has no hard links here", not "the name is taken". */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

/** 'taken' leaves the temporary file for the caller's next name. Other errors are thrown. */
export async function placeExclusively(temp: string, target: string): Promise<'placed' | 'taken'> {
  try {
    await fsp.link(temp, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return 'taken';
    if (!NO_LINKS.has(code)) throw error;
    try {
      await fsp.copyFile(temp, target, constants.COPYFILE_EXCL);
    } catch (copyError) {
      if ((copyError as NodeJS.ErrnoException).code === 'EEXIST') return 'taken';
      throw copyError;
    }
    // Same times as the temporary file: a resumed save recognises the file it placed by size and mtime.
    const stat = await fsp.stat(temp);
    await fsp.utimes(target, stat.atime, stat.mtime).catch(() => undefined);
  }
  await fsp.rm(temp, { force: true });
  return 'placed';
}

export async function writeExclusively(target: string, bytes: Uint8Array): Promise<boolean> {
  let handle;
  try {
    handle = await fsp.open(target, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(bytes);
  } finally {
    await handle.close();
  }
  return true;
}
