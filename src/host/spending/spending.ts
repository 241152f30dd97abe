/** Spending in the editor: settings, the questions before money is spent, and the ledger kept in step with tasks. */
import * as fs from 'fs';
import * as vscode from 'vscode';
import { PROVIDERS, type ProviderId } from '../../core/providers';
import type { TaskStore } from '../../core/store';
import { isTerminal, type Task, type TaskRequest } from '../../core/task';
import { RequestProblem } from '../../core/engine';
import { estimateSpend, formatRange, formatUSD, creditsToUSD, type PriceLookup } from '../../core/spending/estimate';
import { spendingFacts } from '../../core/spending/facts';
import type { SpendingGate } from '../../core/spending/gate';
import type { SpendingLedger, Settlement } from '../../core/spending/ledger';
import {
  checkLimits,
  hasLimit,
  LIMIT_SETTINGS,
  parseLimits,
  refusalMessage,
  type SpendingLimits,
  type Totals,
} from '../../core/spending/model';
import { Disposable } from '../lifecycle';
import type { Log } from '../log';
import { settings } from '../settings';

/** Nothing was stored or sent. */
export class SpendingRefused extends RequestProblem {
  constructor(message: string, readonly setting: string) {
    super(message);
  }
}

/** The integration tests answer them. */
export interface SpendingPrompts {
  /** Modal: true to go on. */
  confirm(message: string, detail: string, go: string): Promise<boolean>;
}

export const modalPrompts: SpendingPrompts = {
  async confirm(message, detail, go) {
    return (await vscode.window.showWarningMessage(message, { modal: true, detail }, go)) === go;
  },
};

function reportedUSD(cost: Task['cost']): number | undefined {
  if (!cost || !Number.isFinite(cost.amount) || cost.amount < 0) return undefined;
  return cost.unit === 'credits' ? creditsToUSD(cost.amount) : cost.amount;
}

/** Its reported cost, else its estimate (success only), else released. */
export function settlementOf(task: Task): Settlement {
  const reported = reportedUSD(task.cost);
  if (reported !== undefined) return { kind: 'cost', usd: reported, basis: 'reported' };
  if (task.state !== 'succeeded') return { kind: 'release' };
  const lookup = estimateSpend(task.request);
  return lookup.kind === 'priced'
    ? { kind: 'cost', usd: lookup.estimate.maxUSD, basis: 'estimated' }
    : { kind: 'cost', usd: undefined, basis: 'unknown' };
}

export class Spending extends Disposable implements SpendingGate {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** In this window or another. */
  readonly onDidChange = this.changed.event;
  private readonly loggedInvalid = new Set<string>();
  private readonly notInLedger = new Set<string>();

  constructor(
    readonly ledger: SpendingLedger,
    private readonly store: TaskStore,
    private readonly log: Log,
    public prompts: SpendingPrompts = modalPrompts,
    /** Watched for other windows' changes (undefined: not on this disk). */
    watchFolder?: string,
  ) {
    super();
    this.register(store.onDidChange((change) => {
      const task = change.task;
      if (change.kind === 'removed') {
        // Removed before the provider ever had it: nothing can be charged.
        if (!isTerminal(task.state) && !task.remoteId) void this.settle(task, { kind: 'release' });
      } else if (isTerminal(task.state)) {
        void this.settle(task, settlementOf(task));
      }
    }));
    this.register(settings.onDidChangeSpending(() => this.changed.fire()));
    if (watchFolder) this.watch(watchFolder);
  }

  /** An invalid value (negative, not a number) is treated as unset and logged once. */
  limits(): SpendingLimits {
    const { limits, invalid } = parseLimits(settings.rawFull);
    for (const { setting, value } of invalid) {
      const key = `${setting}=${JSON.stringify(value)}`;
      if (this.loggedInvalid.has(key)) continue;
      this.loggedInvalid.add(key);
      this.log.warn(
        `The setting "${setting}" is ${JSON.stringify(value)}, which is not an amount of USD of 0 or more; it is treated as unset.`,
      );
    }
    return limits;
  }

  async admit(requests: readonly TaskRequest[], origin: Task['origin']): Promise<readonly string[]> {
    if (requests.length === 0) return [];
    const limits = this.limits();
    const lookups = requests.map((r) => estimateSpend(r));
    if (hasLimit(limits)) await this.allowUnknown(requests, lookups);
    const maxUSD = lookups.reduce((sum, l) => sum + (l.kind === 'priced' ? l.estimate.maxUSD : 0), 0);
    // Checked once before asking, so nobody confirms a request that the limit refuses anyway; the reservation
    // below checks again, atomically.
    const { today, month } = await this.ledger.totals();
    const early = checkLimits(today, month, maxUSD, limits, requests.length);
    if (early) throw new SpendingRefused(refusalMessage(early), early.setting);
    // Chat tools show the estimate in their own confirmation, which VS Code asks before the tool runs.
    if (origin !== 'agent' && limits.confirmAboveUSD !== undefined && maxUSD > limits.confirmAboveUSD) {
      const minUSD = lookups.reduce((sum, l) => sum + (l.kind === 'priced' ? l.estimate.minUSD : 0), 0);
      const what = requests.length === 1
        ? vscode.l10n.t('This request is estimated at {0}.', formatRange(minUSD, maxUSD))
        : vscode.l10n.t('These {0} requests are estimated at {1} together.', requests.length, formatRange(minUSD, maxUSD));
      const go = vscode.l10n.t('Send');
      const detail = vscode.l10n.t(
        'That is above {0}, the amount you asked to confirm (setting "{1}"). Spent today: {2}.',
        formatUSD(limits.confirmAboveUSD),
        LIMIT_SETTINGS.confirmAboveUSD,
        formatUSD(today.spentUSD),
      );
      if (!(await this.prompts.confirm(what, detail, go))) throw new vscode.CancellationError();
    }
    const outcome = await this.ledger.reserve(requests.map((request, i) => {
      const lookup = lookups[i];
      return {
        provider: request.provider,
        model: request.model,
        usd: lookup.kind === 'priced' ? lookup.estimate.maxUSD : undefined,
        minUSD: lookup.kind === 'priced' ? lookup.estimate.minUSD : undefined,
        label: request.prompt.slice(0, 80),
      };
    }), limits);
    if (!outcome.ok) throw new SpendingRefused(refusalMessage(outcome.refusal), outcome.refusal.setting);
    this.changed.fire();
    return outcome.ids;
  }

  /** With a limit set, an unknown-priced model is allowed once a day by the user. */
  private async allowUnknown(requests: readonly TaskRequest[], lookups: readonly PriceLookup[]): Promise<void> {
    const asked = new Set<string>();
    for (const [i, lookup] of lookups.entries()) {
      if (lookup.kind !== 'unknown') continue;
      const { provider, model } = requests[i];
      const key = `${provider}/${model}`;
      if (asked.has(key) || (await this.ledger.allowedToday(provider, model))) continue;
      asked.add(key);
      const allow = vscode.l10n.t('Allow Today');
      const message = spendingFacts(provider).reportsCost
        ? vscode.l10n.t('{0} documents no price for {1} before it runs; allow tasks of this model today?', PROVIDERS[provider].label, model)
        : vscode.l10n.t('{0} does not report prices; allow tasks of {1} today?', PROVIDERS[provider].label, model);
      const detail = vscode.l10n.t(
        '{0}, so its tasks cannot be counted against your spending limit. They are listed in Media Studio: Show Spending as of unknown cost.',
        lookup.reason,
      );
      if (!(await this.prompts.confirm(message, detail, allow))) throw new vscode.CancellationError();
      await this.ledger.allowToday(provider, model);
    }
  }

  bind(reservation: string, taskId: string): Promise<void> {
    return this.ledger.bind(reservation, taskId);
  }

  async release(reservation: string): Promise<void> {
    await this.ledger.release(reservation);
    this.changed.fire();
  }

  private async settle(task: Task, settlement: Settlement): Promise<void> {
    // A task has its entry before it is stored; one not found once (from before the ledger) is never looked for again.
    if (this.notInLedger.has(task.id)) return;
    try {
      const entry = await this.ledger.entryOf(task.id, task.createdAt);
      if (!entry) this.notInLedger.add(task.id);
      if (entry?.state !== 'reserved') return;
      await this.ledger.settle(task.id, settlement, task.createdAt);
      this.changed.fire();
    } catch (error) {
      this.log.warn(
        `Could not record the cost of task ${task.id} in the spending ledger: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  /** Reservations a closed window left open for tasks this store has seen end. */
  async settleFinished(): Promise<void> {
    for (const entry of await this.ledger.openEntries()) {
      const task = entry.taskId === undefined ? undefined : this.store.get(entry.taskId);
      if (task && isTerminal(task.state)) await this.settle(task, settlementOf(task));
    }
    await this.ledger.prune().catch(() => undefined);
  }

  async today(): Promise<Totals> {
    return (await this.ledger.totals()).today;
  }

  private watch(folder: string): void {
    let timer: NodeJS.Timeout | undefined;
    let watcher: fs.FSWatcher | undefined;
    void fs.promises.mkdir(folder, { recursive: true }).then(() => {
      if (this.isDisposed) return;
      try {
        watcher = fs.watch(folder, () => {
          clearTimeout(timer);
          timer = setTimeout(() => this.changed.fire(), 100);
        });
        watcher.on('error', () => undefined);
      } catch {
        // other windows' spending shows at the next change here
      }
    }, () => undefined);
    this.register({ dispose: () => { clearTimeout(timer); watcher?.close(); } });
  }
}

/** "Pixapi $0.28 · Apixo ≈$0.03 · PixAI 2 tasks of unknown cost". */
export function describeByProvider(totals: Totals): string {
  const parts: string[] = [];
  for (const [provider, total] of Object.entries(totals.byProvider) as [ProviderId, Totals['byProvider'][ProviderId]][]) {
    if (!total) continue;
    const bits: string[] = [];
    if (total.spentUSD > 0 || total.unknownTasks === 0)
      bits.push(
        total.estimatedUSD > 0 && total.estimatedUSD === total.spentUSD ? `≈${formatUSD(total.spentUSD)}` : formatUSD(total.spentUSD),
      );
    if (total.queuedUSD > 0) bits.push(vscode.l10n.t('{0} queued', formatUSD(total.queuedUSD)));
    if (total.unknownTasks > 0)
      bits.push(
        total.unknownTasks === 1 ? vscode.l10n.t('1 task of unknown cost') : vscode.l10n.t('{0} tasks of unknown cost', total.unknownTasks),
      );
    parts.push(`${PROVIDERS[provider].label} ${bits.join(', ')}`);
  }
  return parts.join(' · ');
}
