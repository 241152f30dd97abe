import * as assert from 'assert';
import { activateExtension } from './helpers';

describe('startup timings (the API field the activation benchmark reads)', () => {
  it('reports the time in activate() and when the stored tasks were read, in order', async () => {
    const api = await activateExtension();
    await api.listTasks(); // resolves once the stored tasks are read
    const { activateMs, tasksLoadedMs, tasksLoaded } = api.startup;
    assert.ok(Number.isFinite(activateMs) && activateMs > 0, `activateMs ${activateMs}`);
    assert.ok(tasksLoadedMs !== undefined && tasksLoadedMs >= activateMs, `tasksLoadedMs ${tasksLoadedMs} after activateMs ${activateMs}`);
    assert.ok(Number.isInteger(tasksLoaded) && (tasksLoaded as number) >= 0, `tasksLoaded ${tasksLoaded}`);
  });
});
