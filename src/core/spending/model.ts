/**
 * The spending ledger's records and limit arithmetic. A request is admitted with a reservation of its estimate, which
 * becomes the task's cost (reported, estimated or unknown) when it ends, or is released when it fails without cost.
 * Every entry stays on the local day it was reserved on, so a clock change never counts it twice.
 */
import * as l10n from '@vscode/l10n';
import type { ProviderId } from '../providers';
import { formatUSD, round } from './estimate';

export type EntryState = 'reserved' | 'settled' | 'released';
export type CostBasis = 'reported' | 'estimated' | 'unknown';

export interface LedgerEntry {
  /** A task is bound to it once created. */
  readonly id: string;
  readonly taskId?: string;
  readonly provider: ProviderId;
  readonly model: string;
  /** Local calendar day, YYYY-MM-DD. */
  readonly day: string;
  readonly at: number;
  readonly state: EntryState;
  /** Reserved: the estimate's upper end; settled: the cost. Undefined: not known. */
  readonly usd?: number;
  /** Kept for display ("$0.04–$0.08"). */
  readonly minUSD?: number;
  readonly basis: CostBasis;
  /** The start of the prompt, for the most expensive tasks. */
  readonly label?: string;
  readonly settledAt?: number;
}

export interface DayRecord {
  readonly version: 1;
  readonly day: string;
  readonly entries: readonly LedgerEntry[];
  /** `provider/model` allowed that day although their price is unknown. */
  readonly allowedUnknown: readonly string[];
}

/** A reservation that no task was bound to within this time was left by a window that closed mid-submit. */
export const UNBOUND_RESERVATION_TTL_MS = 10 * 60_000;
export const KEPT_DAYS = 100;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** YYYY-MM-DD. */
export function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function monthOf(day: string): string {
  return day.slice(0, 7);
}

export function lastDays(ms: number, count: number): string[] {
  const end = new Date(ms);
  const days: string[] = [];
  for (let i = count - 1; i >= 0; i--) {
    // Noon of each day, so a daylight-saving change never skips or repeats a date.
    days.push(localDay(new Date(end.getFullYear(), end.getMonth(), end.getDate() - i, 12).getTime()));
  }
  return days;
}

export function emptyDay(day: string): DayRecord {
  return { version: 1, day, entries: [], allowedUnknown: [] };
}

export function parseDay(text: string | undefined, day: string): DayRecord {
  if (text === undefined) return emptyDay(day);
  try {
    const value = JSON.parse(text) as Partial<DayRecord>;
    if (value && value.version === 1 && Array.isArray(value.entries)) {
      return {
        version: 1,
        day,
        entries: value.entries.filter(isEntry),
        allowedUnknown: Array.isArray(value.allowedUnknown) ? value.allowedUnknown.filter((m): m is string => typeof m === 'string') : [],
      };
    }
  } catch {
    // an unreadable day counts as empty; it is rewritten whole at the next change
  }
  return emptyDay(day);
}

function isEntry(value: unknown): value is LedgerEntry {
  const e = value as Partial<LedgerEntry> | undefined;
  return !!e && typeof e.id === 'string' && typeof e.provider === 'string' && typeof e.model === 'string' && typeof e.day === 'string'
    && typeof e.at === 'number' && (e.state === 'reserved' || e.state === 'settled' || e.state === 'released')
    && (e.usd === undefined || (typeof e.usd === 'number' && Number.isFinite(e.usd) && e.usd >= 0));
}

export interface ProviderTotal {
  spentUSD: number;
  /** The part of spentUSD the provider did not report. */
  estimatedUSD: number;
  /** Queued or running. */
  queuedUSD: number;
  /** Settled unknown, or reserved with no estimate. */
  unknownTasks: number;
  tasks: number;
}

export interface Totals extends ProviderTotal {
  readonly byProvider: Partial<Record<ProviderId, ProviderTotal>>;
}

function zero(): ProviderTotal {
  return { spentUSD: 0, estimatedUSD: 0, queuedUSD: 0, unknownTasks: 0, tasks: 0 };
}

/** Whether a reservation still holds money: bound to a task, or young enough that its task may yet be created. */
export function holds(entry: LedgerEntry, now: number): boolean {
  return entry.state === 'reserved' && (entry.taskId !== undefined || now - entry.at < UNBOUND_RESERVATION_TTL_MS);
}

export function totalsOf(entries: Iterable<LedgerEntry>, now: number): Totals {
  const all = zero();
  const byProvider: Partial<Record<ProviderId, ProviderTotal>> = {};
  for (const entry of entries) {
    if (entry.state === 'released' || (entry.state === 'reserved' && !holds(entry, now))) continue;
    const mine = (byProvider[entry.provider] ??= zero());
    for (const total of [all, mine]) {
      total.tasks += 1;
      if (entry.usd === undefined) total.unknownTasks += 1;
      else if (entry.state === 'reserved') total.queuedUSD = round(total.queuedUSD + entry.usd);
      else {
        total.spentUSD = round(total.spentUSD + entry.usd);
        if (entry.basis === 'estimated') total.estimatedUSD = round(total.estimatedUSD + entry.usd);
      }
    }
  }
  return { ...all, byProvider };
}

/** A missing, negative or non-numeric value means no limit. */
export interface SpendingLimits {
  readonly dailyUSD?: number;
  readonly monthlyUSD?: number;
  readonly confirmAboveUSD?: number;
}

export const LIMIT_SETTINGS = {
  dailyUSD: 'mediaStudio.spending.dailyLimitUSD',
  monthlyUSD: 'mediaStudio.spending.monthlyLimitUSD',
  confirmAboveUSD: 'mediaStudio.spending.confirmAboveUSD',
} as const;

/** Each invalid value is named in `invalid` and treated as unset. */
export function parseLimits(read: (setting: string) => unknown): {
  limits: SpendingLimits;
  invalid: { setting: string; value: unknown }[];
} {
  const limits: { -readonly [K in keyof SpendingLimits]: number } = {};
  const invalid: { setting: string; value: unknown }[] = [];
  for (const [key, setting] of Object.entries(LIMIT_SETTINGS) as [keyof SpendingLimits, string][]) {
    const value = read(setting);
    if (value === undefined || value === null || value === '') continue;
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) limits[key] = value;
    else invalid.push({ setting, value });
  }
  return { limits, invalid };
}

export function hasLimit(limits: SpendingLimits): boolean {
  return limits.dailyUSD !== undefined || limits.monthlyUSD !== undefined;
}

export interface Refusal {
  readonly which: 'daily' | 'monthly';
  readonly setting: string;
  readonly limitUSD: number;
  readonly spentUSD: number;
  readonly queuedUSD: number;
  readonly leftUSD: number;
  readonly requestUSD: number;
  readonly requests: number;
}

/** Spent + queued + this estimate over the limit is refused; exactly at the limit passes. */
export function checkLimits(today: Totals, month: Totals, requestUSD: number, limits: SpendingLimits, requests = 1): Refusal | undefined {
  const checks: [Refusal['which'], number | undefined, Totals][] = [
    ['daily', limits.dailyUSD, today],
    ['monthly', limits.monthlyUSD, month],
  ];
  for (const [which, limitUSD, totals] of checks) {
    if (limitUSD === undefined) continue;
    const used = round(totals.spentUSD + totals.queuedUSD);
    // Compared in whole millicents, so $0.06 + $0.14 is exactly $0.20.
    if (Math.round((used + requestUSD) * 1e5) > Math.round(limitUSD * 1e5)) {
      return {
        which,
        setting: which === 'daily' ? LIMIT_SETTINGS.dailyUSD : LIMIT_SETTINGS.monthlyUSD,
        limitUSD,
        spentUSD: totals.spentUSD,
        queuedUSD: totals.queuedUSD,
        leftUSD: Math.max(0, round(limitUSD - used)),
        requestUSD,
        requests,
      };
    }
  }
  return undefined;
}

/** What was spent, what is left, which setting to change. */
export function refusalMessage(refusal: Refusal): string {
  const spent = refusal.queuedUSD > 0
    ? l10n.t('{0} spent and {1} queued', formatUSD(refusal.spentUSD), formatUSD(refusal.queuedUSD))
    : l10n.t('{0} spent', formatUSD(refusal.spentUSD));
  const what = refusal.requests === 1
    ? l10n.t('this request is estimated at up to {0}', formatUSD(refusal.requestUSD))
    : l10n.t('these {0} requests are estimated at up to {1}', refusal.requests, formatUSD(refusal.requestUSD));
  return refusal.which === 'daily'
    ? l10n.t(
        'Not sent: the daily spending limit is {0}; {1} today, {2} left, and {3}. Raise or clear the setting "{4}" to go on.',
        formatUSD(refusal.limitUSD),
        spent,
        formatUSD(refusal.leftUSD),
        what,
        refusal.setting,
      )
    : l10n.t(
        'Not sent: the monthly spending limit is {0}; {1} this month, {2} left, and {3}. Raise or clear the setting "{4}" to go on.',
        formatUSD(refusal.limitUSD),
        spent,
        formatUSD(refusal.leftUSD),
        what,
        refusal.setting,
      );
}

export function modelKey(provider: ProviderId, model: string): string {
  return `${provider}/${model}`;
}

export function mostExpensive(entries: Iterable<LedgerEntry>, now: number, count: number): LedgerEntry[] {
  return [...entries]
    .filter((e) => e.usd !== undefined && e.usd > 0 && (e.state === 'settled' || holds(e, now)))
    .sort((a, b) => (b.usd ?? 0) - (a.usd ?? 0) || b.at - a.at)
    .slice(0, count);
}
