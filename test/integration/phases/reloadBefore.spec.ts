import * as assert from 'assert';
import * as vscode from 'vscode';
import { testHooksOf } from '../../../src/host/testHooks';
import { activateExtension, EXTENSION_ID, setKeys } from '../helpers';
import { startResultCases } from './resultsAcrossReload';
import { startBatchSurvivors } from './batchSurvivors';
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
    const ids = await startSurvivors(api, 'reload');
    // Each one's estimate is reserved in the spending ledger, which the reloaded window reads again.
    const ledger = testHooksOf(vscode.extensions.getExtension(EXTENSION_ID)?.exports)?.spending.ledger;
    assert.ok(ledger);
    const entries = await Promise.all(ids.map((id) => ledger.entryOf(id)));
    assert.deepStrictEqual(entries.filter((e) => e?.state !== 'reserved').length, 0, 'every survivor has its reservation');
  });

  it('leaves a batch half-sent: some cells at PixAI, the rest queued', async () => {
    await startBatchSurvivors(await activateExtension());
  });
});
