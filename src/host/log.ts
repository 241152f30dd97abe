import * as vscode from 'vscode';

const ERRORS_SHOWN_KEPT = 20;

/**
 * The "Media Studio" log. Every line passes through a redactor that knows the keys in use, so a key can
 * never reach the log even if a caller formats one into a message by mistake.
 */
export class Log {
  private readonly secrets = new Set<string>();
  private channel: vscode.LogOutputChannel | undefined;
  /** The newest error messages shown to the user (see commands.ts reportError), oldest first; the tests read it. */
  readonly errorsShown: string[] = [];
  /** How many were shown in all (the list keeps the newest few). */
  errorsShownTotal = 0;

  private get output(): vscode.LogOutputChannel {
    this.channel ??= vscode.window.createOutputChannel('Media Studio', { log: true });
    return this.channel;
  }

  redactSecret(secret: string | undefined): void {
    if (secret && secret.length >= 4) this.secrets.add(secret);
  }

  redact(text: string): string {
    let result = text;
    for (const secret of this.secrets) result = result.split(secret).join('***');
    return result;
  }

  trace(message: string): void { this.output.trace(this.redact(message)); }
  debug(message: string): void { this.output.debug(this.redact(message)); }
  info(message: string): void { this.output.info(this.redact(message)); }
  warn(message: string): void { this.output.warn(this.redact(message)); }
  error(message: string | Error): void {
    this.output.error(this.redact(message instanceof Error ? `${message.message}\n${message.stack ?? ''}` : message));
  }
  /** Notes an error message the user was shown (already redacted). */
  shownError(message: string): void {
    this.errorsShownTotal += 1;
    this.errorsShown.push(message);
    if (this.errorsShown.length > ERRORS_SHOWN_KEPT) this.errorsShown.shift();
  }
  dispose(): void { this.channel?.dispose(); }
}
