/** Progress kept within 0–100; a bad base URL shows its own reason and the queue moves once it is fixed. */
import * as assert from 'assert';
import { ApiClient } from '../../../src/core/http';
import { clampProgress } from '../../../src/core/task';
import { engineSetup, imageRequest } from './fakes';

describe('TaskEngine: smaller gaps', () => {
  it('clamps a provider progress to 0–100 and ignores one that is not a number', async () => {
    assert.strictEqual(clampProgress(150), 100);
    assert.strictEqual(clampProgress(-5), 0);
    assert.strictEqual(clampProgress(NaN), undefined);
    assert.strictEqual(clampProgress(42), 42);
    const { engine, adapter, clock, store } = engineSetup();
    adapter.statuses.set('r1', [
      { state: 'running', remoteState: 'processing', progress: 250 },
      { state: 'running', remoteState: 'processing', progress: -40 },
    ]);
    const task = await engine.submit(imageRequest());
    await clock.advance(1000);
    assert.strictEqual(store.get(task.id)?.progress, 100);
    await clock.advance(5000);
    assert.strictEqual(store.get(task.id)?.progress, 0);
  });

  it('a base URL that became invalid after queueing shows its reason, and the task is sent once it is fixed', async () => {
    let broken = false;
    const client = new ApiClient({ baseUrl: 'http://127.0.0.1:9', key: 'k' });
    const { engine, adapter, clock, store } = engineSetup({
      deps: {
        api: async () => {
          if (broken) throw new Error('The base URL is not an http(s) URL. Fix the setting "mediaStudio.pixapi.baseUrl".');
          return client;
        },
      },
    });
    // Accepted while the setting was fine (the check at submit), broken before it was sent.
    const submitting = engine.submit(imageRequest());
    broken = true;
    const task = await submitting.catch(async () => {
      broken = false;
      const t = await engine.submit(imageRequest());
      broken = true;
      return t;
    });
    await clock.advance(0);
    const queued = store.get(task.id);
    assert.strictEqual(queued?.state, 'queued');
    assert.match(queued?.error?.message ?? '', /base URL.*Fix the setting/);
    assert.doesNotMatch(queued?.error?.message ?? '', /Waiting for a .* API key/);
    assert.strictEqual(adapter.submits.length, 0);
    broken = false;
    engine.keyChanged('pixapi'); // what the host calls when mediaStudio.<provider>.baseUrl changes
    await clock.advance(0);
    assert.strictEqual(adapter.submits.length, 1);
    assert.strictEqual(store.get(task.id)?.state, 'submitted');
  });
});
