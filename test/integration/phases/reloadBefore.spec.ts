import { activateExtension, setKeys } from '../helpers';
import { startBatchSurvivors } from './batchSurvivors';
import { startSurvivors } from './survivors';

describe('reload, before: 20 tasks running', () => {
  it('submits 20 tasks across the providers that are still running when the window reloads', async () => {
    const api = await activateExtension();
    await setKeys();
    await startSurvivors(api, 'reload');
  });

  it('leaves a batch half-sent: some cells at PixAI, the rest queued', async () => {
    await startBatchSurvivors(await activateExtension());
  });
});
