import { activateExtension, setKeys } from '../helpers';
import { startResultCases } from './resultsAcrossReload';
import { startSurvivors } from './survivors';

// First, on the emulator's short timings: the survivors below then set long ones and must still be running at the reload.
describe('reload, before: results not saved yet', () => {
  it('leaves an inline result its folder blocked and a save stopped right after placing its file', async () => {
    const api = await activateExtension();
    await setKeys();
    await startResultCases(api);
  });
});

describe('reload, before: 20 tasks running', () => {
  it('submits 20 tasks across the providers that are still running when the window reloads', async () => {
    const api = await activateExtension();
    await setKeys();
    await startSurvivors(api, 'reload');
  });
});
