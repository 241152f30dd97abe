import * as assert from 'assert';
import * as vscode from 'vscode';
import { testHooksOf } from '../../../src/host/testHooks';
import { activateExtension, EXTENSION_ID, setKeys } from '../helpers';
import { startSurvivors } from './survivors';

describe('reload, before: 20 tasks running', () => {
  it('submits 20 tasks across the providers that are still running when the window reloads', async () => {
    const api = await activateExtension();
    await setKeys();
    const ids = await startSurvivors(api, 'reload');
    // Each one's estimate is reserved in the spending ledger, which the reloaded window reads again.
    const ledger = testHooksOf(vscode.extensions.getExtension(EXTENSION_ID)?.exports)?.spending.ledger;
    assert.ok(ledger);
    const entries = await Promise.all(ids.map((id) => ledger.entryOf(id)));
    assert.deepStrictEqual(entries.filter((e) => e?.state !== 'reserved').length, 0, 'every survivor has its reservation');
  });
});
