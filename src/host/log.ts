import * as vscode from 'vscode';

/** The "Media Studio" log. A redactor knowing the keys in use sees every line, so a key formatted in by mistake never shows. */
export class Log {
  private readonly secrets = new Set<string>();
  private channel: vscode.LogOutputChannel | undefined;

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
  dispose(): void { this.channel?.dispose(); }
}
