/** nextPollDelay: how long to wait before checking a task again. */
import * as assert from 'assert';
import type { PollPolicy } from '../../../src/core/adapters/adapter';
import { PixapiAdapter } from '../../../src/core/adapters/pixapi';
import { DEFAULT_TUNING, nextPollDelay, type PollMoment } from '../../../src/core/backoff';
import type { MediaKind } from '../../../src/core/task';
import { seededRandom } from '../../support/random';

/** PixAI documents "no more often than once every 1.5 s" per task. */
const PIXAI_LIKE: PollPolicy = { floorMs: 1500, firstCheckMs: { image: 1500, video: 1500 }, minIntervalMs: { image: 2000, video: 2000 } };
const PIXAPI: PollPolicy = new PixapiAdapter().policy;
const NO_JITTER = () => 0;
const MOST_JITTER = () => 0.999999;

function moment(partial: Partial<PollMoment>): PollMoment {
  return { kind: 'image', ageMs: 0, checks: 0, errorStreak: 0, ...partial };
}


describe('core/backoff: nextPollDelay', () => {
  it('waits firstCheckMs of the media kind before the first check, without jitter', () => {
    for (const random of [NO_JITTER, MOST_JITTER]) {
      assert.strictEqual(nextPollDelay(PIXAPI, moment({ kind: 'image' }), random), PIXAPI.firstCheckMs.image);
      assert.strictEqual(nextPollDelay(PIXAPI, moment({ kind: 'video' }), random), PIXAPI.firstCheckMs.video);
    }
    assert.strictEqual(nextPollDelay(PIXAI_LIKE, moment({ kind: 'image' }), NO_JITTER), 1500);
  });

  it('grows ×1.5 per check for an old task, up to maxIntervalMs', () => {
    const old = 24 * 3600_000; // the age bound does not bind
    const waits = Array.from({ length: 12 }, (_, i) =>
      nextPollDelay(PIXAPI, moment({ kind: 'video', ageMs: old, checks: i + 1 }), NO_JITTER),
    );
    assert.deepStrictEqual(waits.slice(0, 4), [7500, 11250, 16875, 25313]);
    for (let i = 1; i < waits.length; i++) assert.ok(waits[i] >= waits[i - 1], `not shrinking at ${i}`);
    assert.strictEqual(waits[waits.length - 1], DEFAULT_TUNING.maxIntervalMs);
    assert.ok(waits.every((w) => w <= DEFAULT_TUNING.maxIntervalMs));
  });

  it('never waits longer than a tenth of the task age once that exceeds the minimum interval', () => {
    // 40 s old after many checks: exponential says 30 s, the age bound says 4 s.
    assert.strictEqual(nextPollDelay(PIXAPI, moment({ ageMs: 40_000, checks: 20 }), NO_JITTER), 4000);
    assert.strictEqual(nextPollDelay(PIXAPI, moment({ ageMs: 123_000, checks: 20 }), NO_JITTER), 12_300);
    // Young task: the age bound is the kind's minimum interval (2 s for Pixapi images), not 10 % of 5 s.
    assert.strictEqual(nextPollDelay(PIXAPI, moment({ ageMs: 5000, checks: 20 }), NO_JITTER), PIXAPI.minIntervalMs.image);
    assert.strictEqual(nextPollDelay(PIXAPI, moment({ kind: 'video', ageMs: 5000, checks: 20 }), NO_JITTER), PIXAPI.minIntervalMs.video);
  });

  it('notices a finished task within about 10 % of its run time, in a few dozen checks for a long video', () => {
    const random = seededRandom(7);
    for (const kind of ['image', 'video'] as MediaKind[]) {
      for (const doneAt of [3000, 20_000, 95_000, 10 * 60_000, 40 * 60_000]) {
        let now = 0;
        let checks = 0;
        while (now < doneAt) {
          now += nextPollDelay(PIXAPI, moment({ kind, ageMs: now, checks }), random);
          checks += 1;
        }
        const late = now - doneAt;
        const allowed = Math.max(PIXAPI.minIntervalMs[kind], PIXAPI.firstCheckMs[kind], 0.1 * doneAt);
        assert.ok(late <= allowed, `${kind} done at ${doneAt} ms noticed ${late} ms late (allowed ${allowed})`);
        if (doneAt === 10 * 60_000) assert.ok(checks <= 60, `${checks} checks for a 10-minute ${kind}`);
      }
    }
  });

  it('never goes below the provider floor, even with the most jitter', () => {
    const heavyJitter = { ...DEFAULT_TUNING, jitter: 0.9 };
    for (let checks = 1; checks < 20; checks++) {
      for (const ageMs of [0, 1000, 15_000, 600_000]) {
        const wait = nextPollDelay(PIXAI_LIKE, moment({ ageMs, checks }), MOST_JITTER, heavyJitter);
        assert.ok(wait >= 1500, `checks ${checks}, age ${ageMs}: ${wait} ms`);
      }
    }
    // Later checks never go below the minimum interval either (2000 ms here), jitter or not.
    assert.strictEqual(nextPollDelay(PIXAI_LIKE, moment({ ageMs: 0, checks: 1 }), MOST_JITTER, heavyJitter), 2000);
  });

  it('uses jitter only to shorten a wait', () => {
    const m = moment({ kind: 'video', ageMs: 600_000, checks: 5 });
    const base = nextPollDelay(PIXAPI, m, NO_JITTER);
    for (const r of [0.1, 0.5, 0.9, 0.999999]) {
      const wait = nextPollDelay(PIXAPI, m, () => r);
      assert.ok(wait <= base, `r=${r}: ${wait} > ${base}`);
      assert.ok(wait >= base * (1 - DEFAULT_TUNING.jitter) - 1, `r=${r}: shortened by more than the jitter share`);
    }
    assert.ok(nextPollDelay(PIXAPI, m, () => 0.5) < base, 'jitter does shorten');
  });

  it('honours Retry-After on a normal check', () => {
    assert.strictEqual(nextPollDelay(PIXAPI, moment({ ageMs: 600_000, checks: 3, retryAfterMs: 20_000 }), NO_JITTER), 20_000);
    assert.strictEqual(nextPollDelay(PIXAPI, moment({ checks: 0, retryAfterMs: 9000 }), NO_JITTER), 9000);
  });

  describe('after failed checks', () => {
    it('backs off 0.5 s·2^n, growing with the streak', () => {
      const waits = [1, 2, 3, 4, 5].map((errorStreak) =>
        nextPollDelay(PIXAPI, moment({ ageMs: 60_000, checks: 4, errorStreak }), NO_JITTER),
      );
      assert.deepStrictEqual(waits, [1000, 2000, 4000, 8000, 16_000]);
    });

    it('adds at most 250 ms of jitter on top', () => {
      const wait = nextPollDelay(PIXAPI, moment({ errorStreak: 2 }), MOST_JITTER);
      assert.ok(wait > 2000 && wait <= 2250, String(wait));
    });

    it('stops growing at the cap in a long outage', () => {
      assert.strictEqual(nextPollDelay(PIXAPI, moment({ errorStreak: 30 }), NO_JITTER), DEFAULT_TUNING.maxIntervalMs);
      assert.strictEqual(nextPollDelay(PIXAPI, moment({ errorStreak: 5000 }), NO_JITTER), DEFAULT_TUNING.maxIntervalMs);
    });

    it('waits at least as long as Retry-After says, even beyond the cap', () => {
      assert.strictEqual(nextPollDelay(PIXAPI, moment({ errorStreak: 1, retryAfterMs: 7000 }), NO_JITTER), 7000);
      assert.strictEqual(nextPollDelay(PIXAPI, moment({ errorStreak: 1, retryAfterMs: 120_000 }), MOST_JITTER), 120_000);
    });

    it('never goes below the provider floor', () => {
      assert.strictEqual(nextPollDelay(PIXAI_LIKE, moment({ errorStreak: 1 }), NO_JITTER), 1500);
    });

  });

  it('property: over many random moments, waits are whole, at least the floor, at most the cap or Retry-After', () => {
    const random = seededRandom(20240611);
    const policies = [PIXAPI, PIXAI_LIKE];
    for (let i = 0; i < 5000; i++) {
      const policy = policies[i % policies.length];
      const kind: MediaKind = random() < 0.5 ? 'image' : 'video';
      const checks = Math.floor(random() * 40);
      const ageMs = Math.floor(random() * 2 * 3600_000);
      const retryAfterMs = random() < 0.2 ? Math.floor(random() * 90_000) : undefined;
      const m = moment({ kind, checks, ageMs, retryAfterMs });
      const wait = nextPollDelay(policy, m, random);
      const label = JSON.stringify({ floor: policy.floorMs, ...m, wait });
      assert.ok(Number.isInteger(wait), label);
      assert.ok(wait >= policy.floorMs, `below floor: ${label}`);
      assert.ok(wait >= (retryAfterMs ?? 0), `before Retry-After: ${label}`);
      assert.ok(wait <= Math.max(DEFAULT_TUNING.maxIntervalMs, retryAfterMs ?? 0), `above cap: ${label}`);
      if (checks > 0) {
        assert.ok(wait >= policy.minIntervalMs[kind], `below the minimum interval: ${label}`);
        const bound = Math.max(policy.floorMs, policy.minIntervalMs[kind], DEFAULT_TUNING.ageFraction * ageMs, retryAfterMs ?? 0);
        assert.ok(wait <= Math.ceil(bound), `above the age bound: ${label}`);
      }
    }
  });

  it('property: after failed checks, waits are at least the floor and Retry-After and grow with the streak', () => {
    const random = seededRandom(99);
    for (let i = 0; i < 3000; i++) {
      const policy = i % 2 ? PIXAPI : PIXAI_LIKE;
      const errorStreak = 1 + Math.floor(random() * 12);
      const retryAfterMs = random() < 0.3 ? Math.floor(random() * 60_000) : undefined;
      const m = moment({
        kind: random() < 0.5 ? 'image' : 'video',
        checks: Math.floor(random() * 20),
        ageMs: Math.floor(random() * 3600_000),
        errorStreak,
        retryAfterMs,
      });
      const wait = nextPollDelay(policy, m, random);
      const label = JSON.stringify({ floor: policy.floorMs, ...m, wait });
      assert.ok(wait >= policy.floorMs && wait >= (retryAfterMs ?? 0), label);
      assert.ok(wait >= Math.min(DEFAULT_TUNING.maxIntervalMs, 500 * 2 ** errorStreak), `shorter than the backoff: ${label}`);
      const next = nextPollDelay(policy, { ...m, errorStreak: errorStreak + 1, retryAfterMs: undefined }, NO_JITTER);
      const thisOne = nextPollDelay(policy, { ...m, retryAfterMs: undefined }, NO_JITTER);
      assert.ok(next >= thisOne, `streak ${errorStreak + 1} waits less than ${errorStreak}`);
    }
  });

  describe('found by review', () => {
    it('never waits longer than maxIntervalMs (a cap on any single wait) without a Retry-After', () => {
      const wait = nextPollDelay(PIXAPI, moment({ errorStreak: 10 }), MOST_JITTER);
      assert.ok(wait <= DEFAULT_TUNING.maxIntervalMs, `${wait} ms > ${DEFAULT_TUNING.maxIntervalMs} ms`);
    });
  });
});
