import { activateExtension, setKeys } from '../helpers';
import { startSurvivors } from './survivors';

describe('reload, before: 20 tasks running', () => {
  it('submits 20 tasks across the providers that are still running when the window reloads', async () => {
    const api = await activateExtension();
    await setKeys();
    await startSurvivors(api, 'reload');
  });
});
