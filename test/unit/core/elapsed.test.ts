import * as assert from 'assert';
import { elapsedMs, formatElapsed, runningMs } from '../../../src/core/elapsed';

describe('core/elapsed: one elapsed time for tree, panel, tooltip, sidecar and notification', () => {
  const created = 1_000_000;

  it('counts from submission, not from the provider starting it, so "waiting · 4 s" never becomes "running · 0 s"', () => {
    const waiting = { createdAt: created, submittedAt: created + 500 };
    assert.strictEqual(elapsedMs(waiting, created + 4_500), 4_000);
    const running = { ...waiting, startedAt: created + 4_400 };
    assert.strictEqual(elapsedMs(running, created + 5_500), 5_000, 'the clock runs on through the state change');
    assert.strictEqual(runningMs(running, created + 5_500), 1_100, 'the state\'s own duration is separate');
  });

  it('counts a task not yet sent from its creation, and stops at its end', () => {
    assert.strictEqual(elapsedMs({ createdAt: created }, created + 2_000), 2_000);
    const done = { createdAt: created, submittedAt: created + 200, startedAt: created + 1_000, endedAt: created + 7_200 };
    assert.strictEqual(elapsedMs(done, created + 60_000), 7_000);
    assert.strictEqual(runningMs(done, created + 60_000), 6_200);
    assert.strictEqual(formatElapsed(done, created + 60_000), '7 s');
  });

  it('never goes negative when clocks disagree, and has no running time before the start', () => {
    assert.strictEqual(elapsedMs({ createdAt: created, submittedAt: created + 5_000 }, created), 0);
    assert.strictEqual(runningMs({ createdAt: created }, created + 9_000), undefined);
  });
});
