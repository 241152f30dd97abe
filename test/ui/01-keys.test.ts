import * as assert from 'assert';
import * as fs from 'fs';
import { screenshotOnFailure, Workbench } from './workbench';

describe('UI: the Media Studio view in the real workbench', () => {
  let workbench: Workbench;
  before(async () => (workbench = await Workbench.shared()));
  afterEach(async function () {
    await screenshotOnFailure(this, workbench);
  });
  after(async () => workbench?.reset());

  it('shows the key prompt as the empty state, then runs Set API Key from the palette', async () => {
    await workbench.openMediaStudioView();
    const welcome = workbench.page.locator('.welcome-view-content', { hasText: 'No API key yet' });
    await welcome.waitFor();
    await workbench.screenshot('foundation-empty-state');

    await workbench.runCommand('Media Studio: Set API Key');
    await workbench.pick('Pixapi');
    await workbench.type('test-pixapi-key');
    // A toast a person sees, not only an entry in the notification centre (issue #16: the demo showed none).
    const toast = await workbench.toast('Pixapi API key saved.');
    assert.ok((await toast.boundingBox())?.height, 'the toast has a size on screen');
    await workbench.screenshot('key-saved-toast');

    // With a key, the empty state offers to generate instead.
    await workbench.page.locator('.welcome-view-content', { hasText: 'No tasks yet' }).waitFor();
    const file = await workbench.screenshot('foundation-key-set');
    assert.ok(fs.statSync(file).size > 10_000, 'a real screenshot was written');
  });
});
