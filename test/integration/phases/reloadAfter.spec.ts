import * as assert from 'assert';
import { activateExtension } from '../helpers';
import { finishResultCases } from './resultsAcrossReload';
import { finishSurvivors } from './survivors';

describe('reload, after: the tasks resume', () => {
  it('finishes all 20 tasks after the reload, with no duplicate submit', async () => {
    const api = await activateExtension();
    assert.ok(await api.hasApiKey('pixapi'), 'the key survived the reload in SecretStorage');
    await finishSurvivors(api, 'reload');
  });

  it('saves the inline result once by Save Again with the task id, and finds the placed file instead of copying it', async () => {
    await finishResultCases(await activateExtension());
  });
});
