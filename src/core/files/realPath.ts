/**
 * A cloned repository can ship `generated -> ../../elsewhere`; writing results there, or uploading a "workspace image"
 * linking to a private file, would reach outside what the user opened (and past Restricted Mode).
 */
import { promises as fsp } from 'fs';
import * as path from 'path';

export interface LinkOutside {
  /** Relative to the workspace folder. */
  readonly link: string;
  readonly realTarget: string;
}

function inside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** The first link from `root` to `target` leading outside root's real path; parts that do not exist yet are fine. */
export async function linkOutside(root: string, target: string): Promise<LinkOutside | undefined> {
  let realRoot: string;
  try {
    realRoot = await fsp.realpath(root);
  } catch {
    return undefined; // no workspace folder on disk: nothing to follow
  }
  const parts = path.relative(root, target).split(path.sep).filter((part) => part && part !== '.');
  let at = root;
  for (const part of parts) {
    at = path.join(at, part);
    let stat;
    try {
      stat = await fsp.lstat(at);
    } catch {
      return undefined; // the rest does not exist yet
    }
    if (!stat.isSymbolicLink()) continue;
    let real: string;
    try {
      real = await fsp.realpath(at);
    } catch {
      // A dangling link: whatever it names, writing through it would create that file.
      real = path.resolve(path.dirname(at), await fsp.readlink(at));
    }
    if (!inside(realRoot, real)) return { link: path.relative(root, at), realTarget: real };
  }
  return undefined;
}
