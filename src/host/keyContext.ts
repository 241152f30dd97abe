import * as vscode from 'vscode';
import { PROVIDER_IDS } from '../core/providers';
import type { ApiKeys } from './keys';

export const HAS_KEY_CONTEXT = 'mediaStudio.hasKey';

/** mediaStudio.hasKey (the chat tools' `when`, the Tasks view's welcome). */
export class KeyContext implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<boolean>();
  /** Fires with each value once VS Code has been given it. */
  readonly onDidSet = this.emitter.event;
  private last: boolean | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly keys: ApiKeys, private readonly warn: (line: string) => void) {}

  /** Undefined before the first. */
  get value(): boolean | undefined {
    return this.last;
  }

  /** One after another, so an older answer never overwrites a newer one. */
  update(): Promise<void> {
    this.queue = this.queue.then(async () => {
      const present = await Promise.all(PROVIDER_IDS.map((p) => this.keys.has(p)));
      const value = present.some(Boolean);
      await vscode.commands.executeCommand('setContext', HAS_KEY_CONTEXT, value);
      this.last = value;
      this.emitter.fire(value);
    }).catch((error: unknown) => this.warn(`Could not set ${HAS_KEY_CONTEXT}: ${error instanceof Error ? error.message : String(error)}`));
    return this.queue;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
