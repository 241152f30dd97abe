import * as assert from 'assert';
import { activateExtension, DEFAULT_TIMING, emulator, exists, fileOf } from '../helpers';

describe('reload, after: the tasks resume', () => {
  it('finishes all three tasks after the reload, with no duplicate submit', async () => {
    const api = await activateExtension();
    assert.ok(await api.hasApiKey('pixapi'), 'the key survived the reload in SecretStorage');
    const survivors = (await api.listTasks()).filter((t) => t.request.prompt.startsWith('reload survivor'));
    assert.strictEqual(survivors.length, 3, 'all three tasks were restored from storage');
    assert.deepStrictEqual(survivors.filter((t) => !['submitted', 'running', 'succeeded'].includes(t.state)).map((t) => `${t.request.prompt}: ${t.state} rev ${t.revision} remote ${t.remoteId}`), []);
    for (const task of survivors) {
      const done = await api.waitForTask(task.id);
      assert.strictEqual(done.state, 'succeeded', done.error?.message);
      for (const result of done.results ?? []) assert.ok(await exists(fileOf(result.file)));
    }
    const remote = (await emulator().tasks('pixapi')).filter((t) => t.prompt.startsWith('reload survivor'));
    assert.strictEqual(remote.length, 3, 'the provider received each task exactly once');
    await emulator().configure({ timing: DEFAULT_TIMING });
  });
});
