import * as assert from 'assert';
import {
  checkLimits,
  lastDays,
  type LedgerEntry,
  localDay,
  parseDay,
  parseLimits,
  refusalMessage,
  totalsOf,
  UNBOUND_RESERVATION_TTL_MS,
} from '../../../../src/core/spending/model';

const NOW = new Date(2026, 11, 1, 15, 0).getTime();

function entry(partial: Partial<LedgerEntry>): LedgerEntry {
  return {
    id: Math.random().toString(36),
    provider: 'pixapi',
    model: 'gpt-image-2',
    day: localDay(NOW),
    at: NOW,
    state: 'settled',
    usd: 0.14,
    basis: 'reported',
    taskId: 't',
    ...partial,
  };
}

describe('spending: ledger arithmetic and limits', () => {
  it('totals spent, estimated, queued and unknown per provider; released and abandoned reservations count nothing', () => {
    const totals = totalsOf([
      entry({ usd: 0.14 }),
      entry({ provider: 'apixo', model: 'nano-banana', usd: 0.03, basis: 'estimated' }),
      entry({ state: 'reserved', usd: 0.14 }),
      entry({ provider: 'pixai', model: 'm', usd: undefined, basis: 'unknown' }),
      entry({ state: 'released', usd: 1 }),
      entry({ state: 'reserved', usd: 5, taskId: undefined, at: NOW - UNBOUND_RESERVATION_TTL_MS - 1 }),
      entry({ state: 'reserved', usd: 0.5, taskId: undefined, at: NOW - 1000 }),
    ], NOW);
    assert.strictEqual(totals.spentUSD, 0.17);
    assert.strictEqual(totals.estimatedUSD, 0.03);
    assert.strictEqual(totals.queuedUSD, 0.64);
    assert.strictEqual(totals.unknownTasks, 1);
    assert.strictEqual(totals.tasks, 5);
    assert.deepStrictEqual(totals.byProvider.pixapi, { spentUSD: 0.14, estimatedUSD: 0, queuedUSD: 0.64, unknownTasks: 0, tasks: 3 });
    assert.strictEqual(totals.byProvider.pixai?.unknownTasks, 1);
  });

  it('refuses when spent + queued + the estimate would pass a limit; exactly reaching it passes', () => {
    const today = totalsOf([entry({ usd: 0.06 })], NOW);
    assert.strictEqual(checkLimits(today, today, 0.14, { dailyUSD: 0.2 }), undefined, '$0.06 + $0.14 is exactly $0.20');
    const queued = totalsOf([entry({ usd: 0.14 }), entry({ state: 'reserved', usd: 0.14 })], NOW);
    const refusal = checkLimits(queued, queued, 0.14, { dailyUSD: 0.3 });
    assert.deepStrictEqual(refusal && [refusal.which, refusal.leftUSD, refusal.spentUSD, refusal.queuedUSD], ['daily', 0.02, 0.14, 0.14]);
    assert.strictEqual(
      refusalMessage(refusal!),
      'Not sent: the daily spending limit is $0.30; $0.14 spent and $0.14 queued today, $0.02 left, and this request is estimated at up to $0.14. Raise or clear the setting "mediaStudio.spending.dailyLimitUSD" to go on.',
    );
    const month = totalsOf([entry({ usd: 9.9 })], NOW);
    const monthly = checkLimits(totalsOf([], NOW), month, 0.14, { dailyUSD: 1, monthlyUSD: 10 });
    assert.strictEqual(monthly?.which, 'monthly');
    assert.match(
      refusalMessage(monthly!),
      /monthly spending limit is \$10\.00; \$9\.90 spent this month, \$0\.10 left.*"mediaStudio\.spending\.monthlyLimitUSD"/,
    );
    assert.strictEqual(checkLimits(month, month, 100, {}), undefined, 'no limit set');
  });

  it('treats negative, non-numeric and non-finite settings as unset and names them', () => {
    const values: Record<string, unknown> = {
      'mediaStudio.spending.dailyLimitUSD': -1,
      'mediaStudio.spending.monthlyLimitUSD': 'ten',
      'mediaStudio.spending.confirmAboveUSD': 0.5,
    };
    const { limits, invalid } = parseLimits((s) => values[s]);
    assert.deepStrictEqual(limits, { confirmAboveUSD: 0.5 });
    assert.deepStrictEqual(invalid.map((i) => i.setting), ['mediaStudio.spending.dailyLimitUSD', 'mediaStudio.spending.monthlyLimitUSD']);
    assert.deepStrictEqual(parseLimits(() => Number.POSITIVE_INFINITY).limits, {});
    assert.deepStrictEqual(parseLimits(() => null).invalid, []);
  });

  it('days are local calendar days, counted across month ends and daylight-saving changes', () => {
    assert.strictEqual(localDay(new Date(2026, 0, 1, 0, 0, 1).getTime()), '2026-01-01');
    assert.strictEqual(localDay(new Date(2025, 11, 31, 23, 59, 59).getTime()), '2025-12-31');
    const days = lastDays(new Date(2026, 2, 31, 23, 30).getTime(), 40);
    assert.strictEqual(days.length, 40);
    assert.strictEqual(new Set(days).size, 40, 'no day twice');
    assert.deepStrictEqual([days[0], days[39]], ['2026-02-20', '2026-03-31']);
  });

  it('reads a damaged or foreign day file as empty, and drops entries that are not entries', () => {
    assert.deepStrictEqual(parseDay('{"version":1,"entries":[', '2026-12-01').entries, []);
    assert.deepStrictEqual(parseDay('{"version":2,"entries":[]}', '2026-12-01').entries, []);
    const kept = parseDay(
      JSON.stringify({ version: 1, entries: [entry({}), { id: 'x', usd: -5 }, { ...entry({}), usd: -1 }], allowedUnknown: ['pixai/m', 3] }),
      '2026-12-01',
    );
    assert.strictEqual(kept.entries.length, 1);
    assert.deepStrictEqual(kept.allowedUnknown, ['pixai/m']);
  });
});
