/** Every wait the engine computes is bounded: a huge Retry-After, a NaN or future time read from disk. */
import * as assert from 'assert';
import { PixapiAdapter } from '../../../src/core/adapters/pixapi';
import { nextPollDelay } from '../../../src/core/backoff';
import { HttpError } from '../../../src/core/http';
import type { Task } from '../../../src/core/task';
import { boundedRetryAfter, dueTime, MAX_RETRY_AFTER_MS, MAX_TIMER_MS, pastMoment, timerDelay } from '../../../src/core/waits';
import { engineSetup, imageRequest, ManualClock } from './fakes';

const RUNNING = { state: 'running', remoteState: 'processing' } as const;
const HUGE_RETRY_AFTER_MS = 99_999_999 * 1000;

/** A manual clock that also remembers every delay a timer was asked for (Node runs one over 2³¹−1 ms after 1 ms). */
class RecordingClock extends ManualClock {
  readonly delays: number[] = [];
  override setTimer(callback: () => void, ms: number): unknown {
    this.delays.push(ms);
    return super.setTimer(callback, ms);
  }
}

describe('core/waits: bounded waits', () => {
  it('cuts Retry-After to an hour and says so; timers get a finite delay a Node timer can hold', () => {
    assert.deepStrictEqual(boundedRetryAfter(HUGE_RETRY_AFTER_MS), { ms: MAX_RETRY_AFTER_MS, clamped: true });
    assert.deepStrictEqual(boundedRetryAfter(Infinity), { ms: MAX_RETRY_AFTER_MS, clamped: true });
    assert.deepStrictEqual(boundedRetryAfter(2000), { ms: 2000, clamped: false });
    assert.deepStrictEqual(boundedRetryAfter(undefined), { ms: undefined, clamped: false });
    assert.strictEqual(timerDelay(1e15), MAX_TIMER_MS);
    assert.strictEqual(timerDelay(Infinity), MAX_TIMER_MS);
    assert.strictEqual(timerDelay(NaN), 0);
    assert.strictEqual(timerDelay(-5), 0);
    assert.strictEqual(dueTime(NaN, 42), 42);
    assert.strictEqual(dueTime(Infinity, 42), 42);
    assert.strictEqual(pastMoment(NaN, 42), 42);
    assert.strictEqual(pastMoment(1e15, 42), 42, 'a last check "in the future" counts as now');
  });

  it('nextPollDelay never returns more than an hour of Retry-After, nor NaN for a NaN age', () => {
    const policy = new PixapiAdapter().policy;
    assert.strictEqual(
      nextPollDelay(policy, { kind: 'image', ageMs: 0, checks: 0, errorStreak: 1, retryAfterMs: HUGE_RETRY_AFTER_MS }, () => 0),
      MAX_RETRY_AFTER_MS,
    );
    const nanAge = nextPollDelay(policy, { kind: 'image', ageMs: NaN, checks: 3, errorStreak: 0 }, () => 0);
    assert.ok(Number.isFinite(nanAge) && nanAge > 0 && nanAge <= 30_000, `waited ${nanAge}`);
  });

  it('a 429 with Retry-After 99999999 on a check: logged, checked again after an hour, every timer delay holdable', async () => {
    const clock = new RecordingClock();
    const lines: string[] = [];
    const { engine, adapter, store } = engineSetup({ deps: { clock, log: (line) => lines.push(line) } });
    adapter.statuses.set('r1', [
      new HttpError(429, { error: { message: 'slow down' } }, HUGE_RETRY_AFTER_MS, 'GET', '/v1/tasks/r1'),
      { state: 'succeeded', remoteState: 'completed', results: [{ url: 'https://cdn.example/done.png' }] },
    ]);
    const task = await engine.submit(imageRequest());
    await clock.advance(1000);
    assert.strictEqual(adapter.polls.length, 1);
    assert.ok(lines.some((line) => /Retry-After.*at most an hour/.test(line)), lines.join('\n'));
    assert.ok(clock.delays.every((ms) => Number.isFinite(ms) && ms >= 0 && ms <= MAX_TIMER_MS), `delays ${clock.delays.join(', ')}`);
    await clock.advance(MAX_RETRY_AFTER_MS - 1000);
    assert.strictEqual(adapter.polls.length, 1, 'the hour is honoured');
    await clock.advance(2000);
    assert.strictEqual(adapter.polls.length, 2, 'checked again after an hour, not in 3 years');
    assert.strictEqual(store.get(task.id)?.state, 'succeeded');
  });

  it('a task read back with a NaN submit time and a last check far in the future is still checked at once', async () => {
    const { engine, adapter, clock, store, persistence } = engineSetup();
    const stored: Task = {
      id: 'damaged', request: imageRequest(), state: 'running', remoteId: 'r9', createdAt: NaN, submittedAt: NaN,
      lastCheckedAt: clock.now() + 10 * 365 * 24 * 3600_000, origin: 'user', revision: 1,
    };
    await persistence.save(stored);
    await store.load();
    adapter.statuses.set('r9', [RUNNING]);
    await engine.resume();
    await clock.advance(1500);
    assert.strictEqual(adapter.polls.length, 1, 'checked within the floor, not in ten years');
    await clock.advance(60_000);
    assert.ok(adapter.polls.length >= 3, `kept checking at a normal pace (${adapter.polls.length} checks)`);
  });
});
