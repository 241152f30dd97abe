import * as vscode from 'vscode';
import type { Log } from './log';

/** Its message says what happened and what to do; actions are command ids. */
export class UserError extends Error {
  constructor(message: string, readonly actions: { title: string; command: string; args?: unknown[] }[] = []) {
    super(message);
  }
}

/** One place for error display and logging. */
export function registerCommand(
  log: Log,
  id: string,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- VS Code passes command arguments untyped; each handler validates them
  handler: (...args: any[]) => unknown,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (error) {
      if (error instanceof vscode.CancellationError) return undefined;
      reportError(log, error, id);
      // Automation callers (an argument object) get the failure too, so scripts can act on it; from the
      // palette or a menu the notification is enough (a rethrow would add a second, modal error).
      if (isArgumentObject(args[0])) throw error;
      return undefined;
    }
  });
}

/** Without waiting for the user, so callers never hang on a notification. */
export function reportError(log: Log, error: unknown, context: string): void {
  const message = log.redact(error instanceof Error ? error.message : String(error));
  log.error(`${context}: ${error instanceof Error && !(error instanceof UserError) ? `${message}\n${error.stack ?? ''}` : message}`);
  const actions = error instanceof UserError ? error.actions : [];
  log.shownError(message);
  void vscode.window.showErrorMessage(message, ...actions.map((a) => a.title)).then((picked) => {
    const action = actions.find((a) => a.title === picked);
    if (action) void vscode.commands.executeCommand(action.command, ...(action.args ?? []));
  });
}

function isArgumentObject(value: unknown): boolean {
  return !!value && typeof value === 'object' && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}
