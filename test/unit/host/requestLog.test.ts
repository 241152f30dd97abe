/** FileRequestLog: the requests-a-minute budget shared by two windows through files in one folder. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ProviderAdapter } from '../../../src/core/adapters/adapter';
import { Admission } from '../../../src/core/engine/admission';
import { TaskStore } from '../../../src/core/store';
import { FileRequestLog } from '../../../src/host/requestLog';
import { ManualClock, MemoryPersistence } from '../core/fakes';

describe('host/requestLog: FileRequestLog', () => {
  let folder: string;
  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-requests-'));
  });
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  const budget = (clock: ManualClock, log: FileRequestLog) => new Admission({
    clock,
    store: new TaskStore(new MemoryPersistence()),
    adapters: new Map([['apixo', { policy: { requestsPerMinute: 10 } } as ProviderAdapter]]), // only the policy is read
    deadlineMs: () => 60_000,
    requestLog: log,
  });

  it('two logs on one folder: each place is taken once, and each sees the other\'s requests', () => {
    const [a, b] = [new FileRequestLog(folder), new FileRequestLog(folder)];
    const seen = a.read('apixo', 10);
    assert.deepStrictEqual(seen, { times: [], next: 0 });
    assert.strictEqual(a.record('apixo', 0, 100), true);
    assert.strictEqual(b.record('apixo', 0, 200), false, 'place 0 is a\'s');
    assert.deepStrictEqual(b.read('apixo', 10), { times: [100], next: 1 });
    assert.strictEqual(b.record('apixo', 1, 200), true);
    assert.deepStrictEqual(a.read('apixo', 10), { times: [100, 200], next: 2 });
    assert.deepStrictEqual(fs.readdirSync(path.join(folder, 'apixo')).sort(), ['0', '1'], 'no temporary file is left');
  });

  it('two budgets on one folder never send more than the limit in any minute together', async () => {
    // Request times in the past, so they are read back as written (a time from the future counts as now).
    const clock = new ManualClock();
    const start = Date.now() - 10 * 60_000;
    await clock.advance(start - clock.now());
    const windows = [budget(clock, new FileRequestLog(folder)), budget(clock, new FileRequestLog(folder))];
    const sent: number[] = [];
    for (let step = 0; step < 360; step++) {
      for (const window of step % 2 ? windows : [...windows].reverse())
        if (window.take('apixo', clock.now()) === undefined) sent.push(clock.now());
      await clock.advance(500);
    }
    const busiest = Math.max(...sent.map((at) => sent.filter((t) => t >= at && t < at + 60_000).length));
    assert.ok(busiest <= 10, `at most 10 requests in any minute over both windows (${busiest})`);
    assert.ok(sent.length >= 25, `the budget is used (${sent.length} in three minutes)`);
    assert.ok(fs.readdirSync(path.join(folder, 'apixo')).length <= 257, 'old places are pruned');
  });

  it('a damaged or future time counts as now; an unusable folder falls back to this window\'s own budget, logged', () => {
    fs.mkdirSync(path.join(folder, 'apixo'));
    fs.writeFileSync(path.join(folder, 'apixo', '0'), 'garbage');
    fs.writeFileSync(path.join(folder, 'apixo', '1'), String(Date.now() + 365 * 86_400_000));
    const before = Date.now();
    const { times, next } = new FileRequestLog(folder).read('apixo', 10);
    assert.strictEqual(next, 2);
    assert.ok(times.every((t) => t >= before && t <= Date.now()), `read as now (${times.join(', ')})`);
    const warnings: string[] = [];
    const file = path.join(folder, 'not-a-folder');
    fs.writeFileSync(file, '');
    const broken = new FileRequestLog(file, (line) => warnings.push(line));
    assert.strictEqual(broken.record('apixo', 0, 1), true, 'counted in this window instead');
    assert.deepStrictEqual(broken.read('apixo', 10).times, [1]);
    assert.strictEqual(warnings.length, 1);
  });
});
