/** Status checks have a pool of their own: downloads (their own pool) and long submits never take it. */
import * as assert from 'assert';
import type { Task } from '../../../src/core/task';
import { engineSetup, imageRequest } from './fakes';

const DONE = { state: 'succeeded', remoteState: 'completed', results: [{ url: 'https://cdn.example/r.png' }] } as const;

describe('TaskEngine: check pool and download pool', () => {
  it('eight hung downloads stop no status check and no submit; at most four download at once', async () => {
    const pending: { task: Task; release: () => void }[] = [];
    const { engine, adapter, clock, store } = engineSetup({
      deps: { saveResults: (task) => new Promise<void>((resolve) => pending.push({ task, release: resolve })) },
    });
    for (let i = 0; i < 8; i++) adapter.statuses.set(`r${i + 1}`, [DONE]);
    const finished = [];
    for (let i = 0; i < 8; i++) finished.push(await engine.submit(imageRequest(`done ${i}`)));
    await clock.advance(1000);
    assert.ok(finished.every((t) => store.get(t.id)?.state === 'succeeded'));
    assert.strictEqual(pending.length, 4, 'the download pool holds four at once');

    const later = await engine.submit(imageRequest('later'));
    await clock.advance(0);
    assert.strictEqual(store.get(later.id)?.state, 'submitted', 'sent while eight results wait to download');
    const before = adapter.polls.length;
    await clock.advance(20_000);
    assert.ok(adapter.polls.length - before >= 3, `checked ${adapter.polls.length - before} times while downloads hang`);

    // The hung downloads end one by one; each frees room for the next.
    while (pending.length) {
      pending.shift()?.release();
      await clock.advance(0);
    }
    const results = await Promise.all(finished.map((t) => engine.waitFor(t.id)));
    assert.strictEqual(results.length, 8);
  });
});
