import type { Dispatcher } from 'undici';
import type * as vscode from 'vscode';
import { proxyDispatcher, proxyPlan } from '../core/proxy';
import { UserError } from './commands';
import type { Log } from './log';
import { settings } from './settings';

/** For every request to a provider or result host: built once, rebuilt when an `http.*` setting changes. */
export class ProxySettings implements vscode.Disposable {
  private current: { dispatcher: Dispatcher | undefined } | undefined;
  private readonly listener: vscode.Disposable;

  constructor(private readonly log: Log) {
    this.listener = settings.onDidChangeHttp(() => this.reset());
  }

  /** Undefined means "connect directly" (undici's global dispatcher). */
  dispatcher(): Dispatcher | undefined {
    if (!this.current) {
      let plan;
      try {
        plan = proxyPlan({ ...settings.http(), env: process.env });
      } catch (error) {
        throw new UserError((error as Error).message);
      }
      this.current = { dispatcher: plan && proxyDispatcher(plan) };
      // Only host and port: a proxy URL can carry a password.
      const shown = (url: string | undefined) => (url ? new URL(url).host : 'none');
      if (plan)
        this.log.info(
          `Proxy: http ${shown(plan.httpProxy)}, https ${shown(plan.httpsProxy)}, direct for "${plan.noProxy || 'nothing'}"${plan.strictSSL ? '' : ', certificates not checked'}.`,
        );
    }
    return this.current.dispatcher;
  }

  private reset(): void {
    const old = this.current?.dispatcher;
    this.current = undefined;
    // Requests still running on the old dispatcher finish first.
    void old?.close().catch(() => undefined);
  }

  dispose(): void {
    this.listener.dispose();
    this.reset();
  }
}
