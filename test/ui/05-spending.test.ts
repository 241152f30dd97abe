import * as assert from 'assert';
import { screenshotOnFailure, Workbench } from './workbench';

describe('UI: Show Spending', () => {
  let workbench: Workbench;
  // Runs after 01–04 in the same page: images were generated and edited with Pixapi, so there is spending to show.
  before(async () => (workbench = await Workbench.shared()));
  afterEach(async function () {
    await screenshotOnFailure(this, workbench);
  });
  after(async () => workbench?.reset());

  it('opens its own webview with 30 days by provider, the month against the limit and the most expensive tasks', async () => {
    await workbench.runCommand('Media Studio: Show Spending');
    // Webviews are an outer iframe (ours, by extension id) around the active frame; the last one opened is this one.
    const view = workbench.page
      .frameLocator('iframe.webview[src*="extensionId=media-studio.media-studio"]')
      .last()
      .frameLocator('iframe#active-frame');
    await view.locator('h2', { hasText: 'Most expensive tasks' }).waitFor({ timeout: 30_000 });
    assert.strictEqual(await view.locator('svg.chart rect').count() >= 30, true, 'a bar (or an empty mark) for each of the 30 days');
    assert.match(await view.locator('.total').first().innerText(), /Today/);
    const rows = view.locator('tbody tr');
    assert.ok((await rows.count()) > 0, 'the tasks the earlier UI tests ran are listed');
    assert.match(await rows.first().innerText(), /Pixapi/);
    await workbench.screenshot('spending-view');
  });
});
