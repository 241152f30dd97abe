/**
 * Where `npm start` keeps its demo, and how its VS Code is configured. Shared by scripts/start.ts and the
 * unit test that checks the demo's folder is no part of the clone's git repository.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * The demo workspace lives in the user's cache folder, not under the clone: inside the clone, VS Code finds
 * the clone's git repository in a parent folder and asks whether to open it, which is no part of the demo.
 */
export function demoWorkspaceDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache =
    env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir() || os.tmpdir(), '.cache');
  return path.join(cache, 'media-studio-demo', 'workspace');
}

/** The nearest folder at or above `dir` holding a `.git` entry, or undefined. */
export function enclosingGitRepository(dir: string): string | undefined {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (fs.existsSync(path.join(current, '.git'))) return current;
    if (path.dirname(current) === current) return undefined;
  }
}
