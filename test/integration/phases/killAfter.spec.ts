import * as assert from 'assert';
import { activateExtension } from '../helpers';
import { finishSurvivors } from './survivors';

describe('killed extension host, after: the tasks resume', () => {
  it('finishes all 20 tasks in a new server on the same data, with no duplicate submit', async () => {
    const api = await activateExtension();
    assert.ok(await api.hasApiKey('pixapi'), 'the key survived in SecretStorage');
    await finishSurvivors(api, 'kill');
  });
});
