import * as assert from 'assert';
import { type Claim, type ClaimFiles, judgeClaim, type Liveness, needsOwner, parseClaim, TaskClaims } from '../../../src/core/claims';
import type { Task } from '../../../src/core/task';
import { imageRequest } from './fakes';
import { seededRandom } from '../../support/random';

/**
 * The claims folder in memory, with the same atomicity as the disk: create fails when the name exists. Every operation
 * yields first, in an order `random` decides,
 * so racing claimants interleave differently from seed to seed.
 */
export class MemoryClaimFiles implements ClaimFiles {
  readonly files = new Map<string, string>();
  constructor(private readonly random: () => number = () => 0) {}
  private async yieldSome(): Promise<void> {
    const turns = Math.floor(this.random() * 4);
    for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
  }
  async create(name: string, text: string): Promise<boolean> {
    await this.yieldSome();
    if (this.files.has(name)) return false;
    this.files.set(name, text);
    return true;
  }
  async read(name: string): Promise<string | undefined> {
    await this.yieldSome();
    return this.files.get(name);
  }
  async remove(name: string): Promise<void> {
    await this.yieldSome();
    this.files.delete(name);
  }
}

/** Processes by pid; a test ends one by deleting it. */
export function liveness(...pids: number[]): Liveness & { alive: Set<number> } {
  const alive = new Set(pids);
  return { alive, isAlive: (pid) => alive.has(pid), bootedAt: 1000 };
}

const window = (pid: number, id: string): Claim => ({ pid, window: id, at: 5000 });

describe('task claims', () => {
  it('judges a claim: none, ours, a live window, a gone window, one from before the machine started', () => {
    const probe = liveness(10, 20);
    const me = window(10, 'me');
    assert.strictEqual(judgeClaim(undefined, me, probe), 'free');
    assert.strictEqual(judgeClaim(window(10, 'me'), me, probe), 'mine');
    assert.strictEqual(judgeClaim(window(20, 'other'), me, probe), 'live');
    assert.strictEqual(judgeClaim(window(30, 'closed'), me, probe), 'stale');
    assert.strictEqual(
      judgeClaim({ pid: 20, window: 'before reboot', at: 999 }, me, probe),
      'stale',
      'the pid now belongs to another process',
    );
    assert.strictEqual(judgeClaim(window(10, 'earlier activation'), me, probe), 'stale', 'same host, an activation that was disposed');
    assert.deepStrictEqual(parseClaim('{"pid":'), { pid: 0, window: '', at: 0 }, 'a damaged claim is nobody\'s');
  });

  it('tells which tasks need an owner: unfinished ones and successes with results left to download', () => {
    const task = (changes: Partial<Task>): Task => ({
      id: 't',
      request: imageRequest(),
      state: 'queued',
      createdAt: 1,
      origin: 'user',
      revision: 1,
      ...changes,
    });
    for (const state of ['queued', 'submitting', 'submitted', 'running', 'stale'] as const) assert.ok(needsOwner(task({ state })), state);
    for (const state of ['failed', 'cancelled', 'unconfirmed'] as const) assert.ok(!needsOwner(task({ state })), state);
    assert.ok(needsOwner(task({ state: 'succeeded', results: [{ url: 'https://cdn/a.png' }] })));
    assert.ok(!needsOwner(task({ state: 'succeeded', results: [{ url: 'https://cdn/a.png', file: 'file:///a.png' }] })));
    assert.ok(
      !needsOwner(task({ state: 'succeeded', results: [{ url: 'https://cdn/a.png', saveError: 'disk full' }] })),
      'waits for Save Again',
    );
  });

  it('gives a free task to the first window, refuses it to a second live one, and frees it on release', async () => {
    const files = new MemoryClaimFiles();
    const probe = liveness(1, 2);
    const a = new TaskClaims(files, window(1, 'a'), probe);
    const b = new TaskClaims(files, window(2, 'b'), probe);
    assert.strictEqual(await a.claim('task/1'), true);
    assert.strictEqual(await a.claim('task/1'), true, 'claiming again is harmless');
    assert.strictEqual(await b.claim('task/1'), false);
    assert.strictEqual(b.owns('task/1'), false);
    assert.strictEqual((await b.liveOwner('task/1'))?.window, 'a');
    assert.deepStrictEqual([...files.files.keys()], ['task%2F1']);
    await a.release('task/1');
    assert.strictEqual(files.files.size, 0);
    assert.strictEqual(await b.claim('task/1'), true);
    assert.strictEqual(await a.confirm('task/1'), false);
    assert.strictEqual(await b.confirm('task/1'), true);
  });

  it('takes over the claim of a window whose process has gone, and leaves no stale file behind', async () => {
    const files = new MemoryClaimFiles();
    const probe = liveness(1, 2);
    const a = new TaskClaims(files, window(1, 'a'), probe);
    const b = new TaskClaims(files, window(2, 'b'), probe);
    await a.claim('t');
    probe.alive.delete(1);
    assert.strictEqual(await b.claim('t'), true);
    assert.deepStrictEqual([...files.files.keys()], ['t'], 'no takeover marker is left');
    assert.strictEqual(parseClaim(files.files.get('t'))?.window, 'b');
    assert.strictEqual(await a.confirm('t'), false, 'the old owner, were it to wake up, sees the claim is no longer its own');
    await a.release('t');
    assert.strictEqual(parseClaim(files.files.get('t'))?.window, 'b', 'releasing a lost claim leaves the new owner\'s alone');
  });

  it('lets exactly one of several windows racing for a stale claim win, whatever the interleaving', async () => {
    for (let seed = 1; seed <= 300; seed++) {
      const files = new MemoryClaimFiles(seededRandom(seed));
      const probe = liveness(2, 3, 4);
      files.files.set('t', JSON.stringify(window(1, 'closed')));
      const racers = [2, 3, 4].map((pid) => new TaskClaims(files, window(pid, `w${pid}`), probe));
      const won = await Promise.all(racers.map((r) => r.claim('t')));
      assert.strictEqual(won.filter(Boolean).length, 1, `seed ${seed}: ${won.join(', ')}`);
      const winner = racers[won.indexOf(true)];
      assert.strictEqual(parseClaim(files.files.get('t'))?.window, winner.me.window, `seed ${seed}: the file names the winner`);
      assert.deepStrictEqual([...files.files.keys()], ['t'], `seed ${seed}: no takeover marker is left in the folder`);
      for (const racer of racers) assert.strictEqual(await racer.confirm('t'), racer === winner, `seed ${seed}`);
    }
  });

  it('clears the takeover marker of a window that died while taking over, then takes the task', async () => {
    const files = new MemoryClaimFiles();
    const probe = liveness(2);
    const stale = JSON.stringify(window(1, 'closed'));
    files.files.set('t', stale);
    const claimer = new TaskClaims(files, window(2, 'b'), probe);
    // What a window (pid 3, now gone) leaves when it dies between creating the marker and replacing the claim.
    const { createHash } = await import('crypto');
    files.files.set(`t.takeover-${createHash('sha256').update(stale).digest('hex').slice(0, 16)}`, JSON.stringify(window(3, 'died')));
    assert.strictEqual(await claimer.claim('t'), true);
    assert.deepStrictEqual([...files.files.keys()], ['t']);
  });

  it('lets exactly one of two windows racing for a free task win', async () => {
    for (let seed = 1; seed <= 100; seed++) {
      const files = new MemoryClaimFiles(seededRandom(seed));
      const probe = liveness(1, 2);
      const won = await Promise.all([
        new TaskClaims(files, window(1, 'a'), probe).claim('t'),
        new TaskClaims(files, window(2, 'b'), probe).claim('t'),
      ]);
      assert.strictEqual(won.filter(Boolean).length, 1, `seed ${seed}`);
    }
  });
});
