/**
 * Where a task's results go, and the error a save that must not be retried throws: apart from results.ts so that
 * activation-time code (the panel's resource roots, the leftovers cleanup) does not load the result writer.
 */
import * as vscode from 'vscode';
import { resolveOutputFolder } from '../core/files/outputFolder';
import { settings } from './settings';

export class SaveError extends Error {}

/** The task's own output folder when it has one (checked again here: stored tasks are untrusted), else the setting. */
export function outputFolderUri(workspaceFolder: vscode.Uri, own?: string): vscode.Uri {
  const folder = resolveOutputFolder(own ?? settings.outputFolder(workspaceFolder));
  if ('error' in folder)
    throw new SaveError(own === undefined ? vscode.l10n.t('{0} (setting "mediaStudio.outputFolder")', folder.error) : folder.error);
  return vscode.Uri.joinPath(workspaceFolder, ...folder.segments);
}
