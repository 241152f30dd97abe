/** `mediaStudio.filesWithSidecar`, so the Explorer offers Regenerate only on files with a sidecar: a search, then a watcher. */
import * as vscode from 'vscode';
import { SIDECAR_GLOB, SidecarFiles } from '../core/sidecarFiles';

export const FILES_WITH_SIDECAR = 'mediaStudio.filesWithSidecar';
/** Enough for any real output folder; the search is only the starting point, the watcher adds the rest. */
const FIRST_SEARCH_LIMIT = 10_000;

export function watchSidecarFiles(log: (line: string) => void): vscode.Disposable {
  const files = new SidecarFiles();
  let timer: NodeJS.Timeout | undefined;
  // Many sidecars arrive at once (a batch, a checkout): one context update for them.
  const publish = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void vscode.commands.executeCommand('setContext', FILES_WITH_SIDECAR, files.contextValue()), 50);
  };
  const watcher = vscode.workspace.createFileSystemWatcher(SIDECAR_GLOB);
  const subscriptions = [
    watcher,
    watcher.onDidCreate((uri) => files.added(uri.path) && publish()),
    watcher.onDidDelete((uri) => files.removed(uri.path) && publish()),
  ];
  void Promise.resolve(vscode.workspace.findFiles(SIDECAR_GLOB, undefined, FIRST_SEARCH_LIMIT)).then(
    (found) => {
      for (const uri of found) files.added(uri.path);
      publish();
    },
    (error: unknown) => log(`Could not list the workspace's sidecars: ${error instanceof Error ? error.message : String(error)}`),
  );
  return {
    dispose: () => {
      if (timer) clearTimeout(timer);
      for (const s of subscriptions) s.dispose();
    },
  };
}
