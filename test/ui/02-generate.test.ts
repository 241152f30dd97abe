import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { uiSession } from '../runner/ui';
import { screenshotOnFailure, Workbench } from './workbench';

describe('UI: generate and edit from the workbench', () => {
  let workbench: Workbench;
  // The key set through the palette by the first UI test is in this browser profile's secret storage.
  before(async () => (workbench = await Workbench.shared()));
  afterEach(async function () {
    await screenshotOnFailure(this, workbench);
  });
  after(async () => workbench?.reset());

  it('runs Generate Image from the palette, watches the task finish, and finds the file in the Explorer', async () => {
    await workbench.openMediaStudioView();
    await workbench.runCommand('Media Studio: Generate Image');
    // Only Pixapi has a key, so there is no provider step; gpt-image-2 has size, quality and count: 5 steps,
    // each numbered once (issue #16: size and count both said "3/3").
    // Until a model is picked the total is the default model's (gemini-3.1: size and count, 4 steps).
    await workbench.quickInputTitle('Generate Image (1/4)');
    assert.strictEqual(await workbench.quickInputBackButton().count(), 0, 'no Back on the first step');
    await workbench.pick('gpt-image-2');
    await workbench.quickInputTitle('Generate Image (2/5)');
    await workbench.type('A lighthouse at dawn, watercolor');
    await workbench.quickInputTitle('Generate Image (3/5)');
    await workbench.screenshot('generate-step-size');
    // Back (issue #16): one step back, the prompt as it was typed; Enter keeps it and goes on.
    await workbench.quickInputBackButton().click();
    await workbench.quickInputTitle('Generate Image (2/5)');
    assert.strictEqual(await workbench.quickInputValue(), 'A lighthouse at dawn, watercolor');
    await workbench.page.keyboard.press('Enter');
    await workbench.quickInputTitle('Generate Image (3/5)');
    await workbench.pick('1024x1024');
    await workbench.quickInputTitle('Generate Image (4/5)');
    await workbench.pick('low');
    await workbench.quickInputTitle('Generate Image (5/5)');
    // Back from the count to quality, whose earlier answer is the highlighted row.
    await workbench.quickInputBackButton().click();
    await workbench.quickInputTitle('Generate Image (4/5)');
    // The earlier answer is the highlighted row (it is set just after the list is drawn: waited for, not read at once).
    await workbench.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'low' }).waitFor({ timeout: 10_000 });
    await workbench.pick('low');
    await workbench.quickInputTitle('Generate Image (5/5)');
    await workbench.pick('1');
    const row = workbench.taskRow('A lighthouse at dawn');
    await row.waitFor({ timeout: 30_000 });
    await workbench.screenshot('generate-task-running');
    await workbench.page
      .locator('.part.sidebar .monaco-list-row', { hasText: 'A lighthouse at dawn' })
      .filter({ hasText: 'done' })
      .first()
      .waitFor({ timeout: 60_000 });
    // Clicking a finished task opens its result.
    await workbench.taskRow('A lighthouse at dawn').click();
    await workbench.page.locator('.tabs-container .tab', { hasText: 'a-lighthouse-at-dawn-watercolor-' }).first().waitFor();
    // The image preview is a webview that loads the file after the tab appears: the README screenshot must show it.
    const preview = workbench.page
      .frameLocator('iframe.webview[src*="extensionId=vscode.media-preview"]')
      .frameLocator('iframe#active-frame')
      .locator('img')
      .first();
    await preview.waitFor({ timeout: 30_000 });
    await preview.evaluate((element) => {
      const img = element as HTMLImageElement;
      return img.complete && img.naturalWidth > 0
        ? undefined
        : new Promise((resolve) => img.addEventListener('load', resolve, { once: true }));
    });
    await workbench.screenshot('generate-task-done');

    const generated = path.join(uiSession().workspace, 'generated');
    const files = fs.readdirSync(generated).filter((f) => f.startsWith('a-lighthouse-at-dawn-watercolor-') && f.endsWith('.png'));
    assert.strictEqual(files.length, 1, `files: ${fs.readdirSync(generated).join(', ')}`);
    await workbench.showExplorer();
    await workbench.expandFolder('generated');
    await (await workbench.explorerRow(files[0])).waitFor();
    await workbench.screenshot('generate-file-in-explorer');

    // Media Studio's Explorer entries sit in their own submenu; Regenerate only on a file with a sidecar
    // (the context key is kept current by a file watcher, so it may take a moment after the file appears).
    let labels: string[] = [];
    for (let attempt = 0; attempt < 10 && !labels.includes('Regenerate'); attempt++) {
      await workbench.reset();
      await workbench.openExplorerSubmenu(files[0], 'Media Studio');
      labels = await workbench.submenuLabels();
    }
    assert.deepStrictEqual(labels, ['Edit Image', 'Use as Reference', 'Regenerate']);
    await workbench.screenshot('explorer-media-studio-submenu');
    await workbench.reset();
    await workbench.expandFolder(/^images$/);
    await workbench.openExplorerSubmenu('product.png', 'Media Studio');
    assert.deepStrictEqual(
      await workbench.submenuLabels(),
      ['Edit Image', 'Use as Reference'],
      'no Regenerate on a file without a sidecar',
    );
    await workbench.reset();
  });

  it('edits an image from the Explorer context menu', async () => {
    await workbench.showExplorer();
    await workbench.expandFolder(/^images$/);
    await workbench.explorerContextMenu('product.png', 'Edit Image');
    await workbench.pick('gemini-3-pro-image-preview');
    // This model takes no quality: one step fewer than gpt-image-2 (it said "(3/3)" twice before).
    await workbench.quickInputTitle('Edit images/product.png (2/4)');
    await workbench.type('Put the product on a marble table');
    await workbench.quickInputTitle('Edit images/product.png (3/4)');
    await workbench.pick('auto');
    await workbench.quickInputTitle('Edit images/product.png (4/4)');
    await workbench.pick('1');
    await workbench.openMediaStudioView();
    await workbench.page
      .locator('.part.sidebar .monaco-list-row', { hasText: 'Put the product on a marble' })
      .filter({ hasText: 'done' })
      .first()
      .waitFor({ timeout: 60_000 });
    await workbench.screenshot('edit-task-done');
    const files = fs
      .readdirSync(path.join(uiSession().workspace, 'generated'))
      .filter((f) => f.startsWith('put-the-product-on-a-marble-table-'));
    assert.strictEqual(files.filter((f) => f.endsWith('.png')).length, 1);
    assert.strictEqual(files.filter((f) => f.endsWith('.png.json')).length, 1);
    const request = uiSession().emulator.tasks('pixapi').find((t) => t.prompt === 'Put the product on a marble table');
    assert.ok(request, 'the emulator received the edit');
  });
});
