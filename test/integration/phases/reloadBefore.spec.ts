import * as assert from 'assert';
import { activateExtension, emulator, run, setKeys, waitForState } from '../helpers';

describe('reload, before: three tasks running', () => {
  it('submits three tasks that are still running when the window reloads', async () => {
    const control = emulator();
    await control.configure({ timing: { image: { queueMs: 2000, runMs: 6000 }, video: { queueMs: 2000, runMs: 8000 } } });
    const api = await activateExtension();
    await setKeys();
    const ids = [
      ...(await run('mediaStudio.generateImage', { prompt: 'reload survivor one' })),
      ...(await run('mediaStudio.generateImage', { prompt: 'reload survivor two', n: 2 })),
      ...(await run('mediaStudio.generateVideo', { prompt: 'reload survivor three', model: 'veo' })),
    ];
    for (const id of ids) await waitForState(api, id, 'submitted');
    for (const id of ids) assert.ok((await api.getTask(id))?.remoteId, 'the provider task id is known before the reload');
  });
});
