import * as assert from 'assert';
import { activateExtension } from '../helpers';
import { finishSurvivors } from './survivors';

describe('killed extension host, after: the tasks resume', () => {
  it('finishes all 20 tasks in a new server on the same data, with no duplicate submit', async () => {
    const api = await activateExtension();
    assert.ok(await api.hasApiKey('pixapi'), 'the key survived in SecretStorage');
    await finishSurvivors(api, 'kill');
  });

  it('lists a task that an earlier version kept in the workspace storage (moved to the shared task folder)', async () => {
    const api = await activateExtension();
    const task = await api.getTask('legacy-task-from-workspace-storage');
    assert.strictEqual(task?.request.prompt, 'legacy task kept in workspace storage');
    assert.strictEqual(task?.state, 'failed');
    assert.strictEqual(task?.revision, 3);
  });
});
