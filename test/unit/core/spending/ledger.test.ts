import * as assert from 'assert';
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { type LedgerFiles, SpendingLedger } from '../../../../src/core/spending/ledger';
import { FileLock } from '../../../../src/core/spending/lock';
import { localDay } from '../../../../src/core/spending/model';
import { ledgerAt } from '../../../../src/host/spending/files';
import { liveness, MemoryClaimFiles } from '../claims.test';

class MemoryLedgerFiles implements LedgerFiles {
  readonly files = new Map<string, string>();
  async read(day: string) { return this.files.get(day); }
  async write(day: string, text: string) { this.files.set(day, text); }
  async days() { return [...this.files.keys()]; }
  async remove(day: string) { this.files.delete(day); }
}

function memoryLedger(
  clock: { t: number },
  files = new MemoryLedgerFiles(),
  locks = new MemoryClaimFiles(),
  instance = 'a',
): SpendingLedger {
  let n = 0;
  const lock = new FileLock(
    locks,
    'ledger.lock',
    { pid: 1, instance },
    liveness(1),
    () => clock.t,
    async () => undefined,
  );
  return new SpendingLedger(files, lock, { now: () => clock.t }, () => `${instance}${++n}`);
}

const item = (usd: number | undefined) => ({ provider: 'pixapi' as const, model: 'gpt-image-2', usd, minUSD: usd, label: 'a cup' });

describe('spending ledger', () => {
  it('reserves, binds and settles to the reported cost; a failed task without cost is released', async () => {
    const clock = { t: new Date(2026, 11, 1, 15, 0).getTime() };
    const ledger = memoryLedger(clock);
    const first = await ledger.reserve([item(0.14)], { dailyUSD: 0.3 });
    assert.ok(first.ok);
    await ledger.bind(first.ids[0], 'task-1');
    assert.deepStrictEqual([(await ledger.totals()).today.queuedUSD, (await ledger.totals()).today.spentUSD], [0.14, 0]);
    await ledger.settle('task-1', { kind: 'cost', usd: 0.13, basis: 'reported' });
    const second = await ledger.reserve([item(0.14)], { dailyUSD: 0.3 });
    assert.ok(second.ok);
    await ledger.bind(second.ids[0], 'task-2');
    await ledger.settle('task-2', { kind: 'release' });
    const { today } = await ledger.totals();
    assert.deepStrictEqual([today.spentUSD, today.queuedUSD, today.tasks], [0.13, 0, 1]);
    await ledger.settle('task-1', { kind: 'cost', usd: 99, basis: 'reported' });
    assert.strictEqual((await ledger.totals()).today.spentUSD, 0.13, 'settling again changes nothing');
  });

  it('refuses a set all or nothing, and nothing is reserved for a refused set', async () => {
    const clock = { t: new Date(2026, 11, 1, 15, 0).getTime() };
    const ledger = memoryLedger(clock);
    const refused = await ledger.reserve([item(0.14), item(0.14)], { dailyUSD: 0.2 });
    assert.ok(!refused.ok && refused.refusal.requests === 2 && refused.refusal.requestUSD === 0.28);
    assert.strictEqual((await ledger.totals()).today.tasks, 0);
    assert.ok((await ledger.reserve([item(0.14)], { dailyUSD: 0.2 })).ok);
  });

  it('an entry stays in the day it was reserved: settled after midnight, or with the clock set back, it is counted once', async () => {
    const clock = { t: new Date(2026, 11, 1, 23, 59, 50).getTime() };
    const ledger = memoryLedger(clock);
    const r = await ledger.reserve([item(0.14)], { dailyUSD: 0.2 });
    assert.ok(r.ok);
    await ledger.bind(r.ids[0], 'late');
    clock.t = new Date(2026, 11, 2, 0, 0, 30).getTime();
    await ledger.settle('late', { kind: 'cost', usd: 0.14, basis: 'reported' }, clock.t);
    assert.strictEqual((await ledger.totals()).today.tasks, 0, 'not counted in the new day');
    assert.strictEqual((await ledger.totals()).month.spentUSD, 0.14, 'counted once in the month');
    clock.t = new Date(2026, 11, 1, 23, 59, 55).getTime(); // the clock goes back across midnight
    const back = await ledger.totals();
    assert.deepStrictEqual([back.day, back.today.spentUSD, back.month.spentUSD], ['2026-12-01', 0.14, 0.14]);
    const history = await ledger.history(3);
    assert.deepStrictEqual(history.map((d) => [d.day, d.entries.length]), [['2026-11-29', 0], ['2026-11-30', 0], ['2026-12-01', 1]]);
  });

  it('remembers models of unknown price allowed for the day only', async () => {
    const clock = { t: new Date(2026, 11, 1, 10).getTime() };
    const ledger = memoryLedger(clock);
    assert.strictEqual(await ledger.allowedToday('pixai', 'm1'), false);
    await ledger.allowToday('pixai', 'm1');
    await ledger.allowToday('pixai', 'm1');
    assert.strictEqual(await ledger.allowedToday('pixai', 'm1'), true);
    assert.strictEqual(await ledger.allowedToday('pixai', 'm2'), false);
    clock.t += 24 * 3600_000;
    assert.strictEqual(await ledger.allowedToday('pixai', 'm1'), false, 'asked again the next day');
  });

  it('keeps 100 days and removes older ones', async () => {
    const clock = { t: new Date(2026, 11, 1, 10).getTime() };
    const files = new MemoryLedgerFiles();
    const ledger = memoryLedger(clock, files);
    for (const daysAgo of [0, 95, 99, 100, 200]) {
      clock.t = new Date(2026, 11, 1 - daysAgo, 10).getTime();
      await ledger.reserve([item(0.01)], {});
    }
    clock.t = new Date(2026, 11, 1, 10).getTime();
    await ledger.prune();
    assert.deepStrictEqual((await files.days()).sort(), [
      localDay(new Date(2026, 11, 1 - 99, 10).getTime()),
      localDay(new Date(2026, 11, 1 - 95, 10).getTime()),
      '2026-12-01',
    ]);
  });

  it('two ledgers on one memory folder, interleaved at random, never pass the limit together', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      let state = seed;
      const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
      const clock = { t: new Date(2026, 11, 1, 12).getTime() };
      const files = new MemoryLedgerFiles();
      const locks = new MemoryClaimFiles(random);
      const a = memoryLedger(clock, files, locks, 'a');
      const b = memoryLedger(clock, files, locks, 'b');
      const outcomes = await Promise.all([a, b, a, b, a, b].map((ledger) => ledger.reserve([item(0.14)], { dailyUSD: 0.3 })));
      assert.strictEqual(outcomes.filter((o) => o.ok).length, 2, `seed ${seed}: exactly two of six fit under $0.30`);
      assert.strictEqual((await a.totals()).today.queuedUSD, 0.28);
    }
  });

  it('two ledgers on one real folder (two windows on global storage) never pass the limit together', async () => {
    const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'ms-spending-'));
    try {
      const windows = [ledgerAt(root), ledgerAt(root)];
      const tries = Array.from({ length: 12 }, (_, i) => windows[i % 2].reserve([item(0.14)], { dailyUSD: 0.7 }));
      const outcomes = await Promise.all(tries);
      assert.strictEqual(outcomes.filter((o) => o.ok).length, 5, '5 × $0.14 = $0.70 fit, the other 7 are refused');
      const reloaded = ledgerAt(root);
      assert.strictEqual((await reloaded.totals()).today.queuedUSD, 0.7, 'a new instance (a reload) reads the same ledger');
      assert.deepStrictEqual((await fsp.readdir(root)).sort(), ['days'], 'no lock or marker left behind');
    } finally {
      await fsp.rm(root, { recursive: true, force: true });
    }
  });

  it('takes over a lock left by a process that is gone', async () => {
    const clock = { t: 50_000 };
    const locks = new MemoryClaimFiles();
    locks.files.set('ledger.lock', JSON.stringify({ pid: 77, instance: 'dead', at: 40_000 }));
    const ledger = memoryLedger(clock, new MemoryLedgerFiles(), locks);
    assert.ok((await ledger.reserve([item(0.01)], {})).ok);
    assert.deepStrictEqual([...locks.files.keys()], [], 'the dead lock and the marker are gone');
  });
});
