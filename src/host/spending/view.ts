/** Show Spending: 30 days by provider, totals against the limits, the most expensive tasks, Apixo's balance. */
import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import { PROVIDER_IDS, type ProviderId } from '../../core/providers';
import type { TaskStore } from '../../core/store';
import { reportsBalance } from '../../core/spending/facts';
import { Disposable } from '../lifecycle';
import { features } from '../lazy';
import type { Spending } from './spending';

const VIEW_TYPE = 'mediaStudio.spending';
const DAYS = 30;

export interface SpendingViewDeps {
  readonly spending: Spending;
  readonly store: TaskStore;
  readonly extensionUri: vscode.Uri;
  readonly hasKey: (provider: ProviderId) => Promise<boolean>;
  readonly balance: (provider: ProviderId) => Promise<number | undefined>;
  /** Its result, or its row in the Tasks view. */
  readonly openTask: (taskId: string) => Promise<void>;
}

export class SpendingView extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  /** The integration test reads it. */
  lastHtml = '';
  private rendering: Promise<void> | undefined;
  private again = false;

  constructor(private readonly deps: SpendingViewDeps) {
    super();
    this.register(deps.spending.onDidChange(() => this.refresh()));
    this.register({ dispose: () => this.panel?.dispose() });
  }

  async show(): Promise<void> {
    if (this.panel) {
      this.panel.reveal();
    } else {
      this.panel = vscode.window.createWebviewPanel(VIEW_TYPE, vscode.l10n.t('Media Studio Spending'), vscode.ViewColumn.Active, {
        enableScripts: true,
        localResourceRoots: [vscode.Uri.joinPath(this.deps.extensionUri, 'media')],
      });
      this.panel.onDidDispose(() => (this.panel = undefined));
      this.panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message));
    }
    await this.render();
  }

  private refresh(): void {
    if (!this.panel) return;
    if (this.rendering) {
      this.again = true;
      return;
    }
    void this.render();
  }

  private async render(): Promise<void> {
    const panel = this.panel;
    if (!panel) return;
    const run = (async () => {
      const limits = this.deps.spending.limits();
      const balances = [];
      for (const provider of PROVIDER_IDS.filter(reportsBalance)) {
        if (!(await this.deps.hasKey(provider))) continue;
        try {
          balances.push({ provider, usd: await this.deps.balance(provider) });
        } catch (error) {
          balances.push({ provider, error: error instanceof Error ? error.message : String(error) });
        }
      }
      const html = features().spendingHtml.spendingHtml({
        now: Date.now(),
        days: await this.deps.spending.ledger.history(DAYS),
        dailyLimitUSD: limits.dailyUSD,
        monthlyLimitUSD: limits.monthlyUSD,
        confirmAboveUSD: limits.confirmAboveUSD,
        balances,
        known: (id) => this.deps.store.get(id) !== undefined,
      }, {
        cspSource: panel.webview.cspSource,
        style: panel.webview.asWebviewUri(vscode.Uri.joinPath(this.deps.extensionUri, 'media', 'spending.css')).toString(),
        nonce: randomBytes(18).toString('base64'),
        language: vscode.env.language,
      });
      if (this.panel !== panel) return;
      this.lastHtml = html;
      panel.webview.html = html;
    })();
    this.rendering = run;
    try {
      await run;
    } finally {
      this.rendering = undefined;
      if (this.again) {
        this.again = false;
        void this.render();
      }
    }
  }

  /** Tests. */
  receive(message: unknown): void {
    const m = message as { type?: unknown; taskId?: unknown } | undefined;
    if (m?.type === 'openTask' && typeof m.taskId === 'string') void this.deps.openTask(m.taskId);
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }
}
