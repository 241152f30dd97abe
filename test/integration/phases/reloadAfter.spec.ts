import * as assert from 'assert';
import { activateExtension } from '../helpers';
import { finishBatchSurvivors } from './batchSurvivors';
import { finishSurvivors } from './survivors';

describe('reload, after: the tasks resume', () => {
  it('finishes all 20 tasks after the reload, with no duplicate submit', async () => {
    const api = await activateExtension();
    assert.ok(await api.hasApiKey('pixapi'), 'the key survived the reload in SecretStorage');
    await finishSurvivors(api, 'reload');
  });

  it('resumes the half-sent batch: the queued cells go out, every cell once', async function () {
    this.timeout(240_000);
    await finishBatchSurvivors(await activateExtension());
  });
});
