/**
 * Putting a finished temporary file in place under a final name that nobody else can take at the same
 * moment: a hard link succeeds only if the name is free, in one step, so two tasks (or two windows) that pick
 * the same name never overwrite each other. Checking that a name is free and then renaming cannot promise
 * that. File systems without hard links get an exclusive copy (COPYFILE_EXCL), which refuses a taken name too.
 */
import { constants, promises as fsp } from 'fs';

/** Errors meaning "this file system has no hard links here", not "the name is taken". */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

/**
 * Gives `temp` the name `target` if nobody has it: 'placed' (the temporary name is gone), or 'taken' (the
 * temporary file is left for the caller's next name). Other errors are thrown.
 */
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

/** Writes `bytes` to `target` only if no file has that name: false when one does. */
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
