import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { FrameLocator } from 'playwright-core';
import { uiSession } from '../runner/ui';
import { screenshotOnFailure, Workbench } from './workbench';

describe('UI: the Media Studio panel', () => {
  let workbench: Workbench;
  // Runs after 01- and 02- in the same page: the Pixapi key is already set.
  before(async () => (workbench = await Workbench.shared()));
  afterEach(async function () {
    await screenshotOnFailure(this, workbench);
  });
  after(async () => workbench?.reset());

  it('composes with a reference image from the Explorer, submits with Ctrl+Enter and shows the result in the gallery', async () => {
    await workbench.runCommand('Media Studio: Open Panel');
    const prompt = workbench.panel().locator('#prompt');
    await prompt.waitFor({ timeout: 30_000 });
    await workbench.panel().locator('#model option[value="gemini-3-pro-image-preview"]').waitFor({ state: 'attached', timeout: 30_000 });
    await workbench.panel().locator('#model').selectOption('gemini-3-pro-image-preview');
    await prompt.fill('A paper plane over a bay, from the panel');
    await workbench.screenshot('panel-compose');

    // The reference comes from the Explorer's context menu, as a person adds one.
    await workbench.showExplorer();
    await workbench.expandFolder(/^images$/);
    await workbench.explorerContextMenu('product.png', 'Use as Reference');
    const reference = workbench.panel().locator('.reference', { hasText: 'images/product.png' });
    await reference.waitFor({ timeout: 30_000 });
    // The thumbnail really loads (CSP and localResourceRoots allow it).
    await assertImageLoaded(reference.locator('img'));
    assert.strictEqual(
      await workbench.panel().locator('#prompt').inputValue(),
      'A paper plane over a bay, from the panel',
      'the compose area kept its prompt',
    );
    assert.strictEqual(
      await workbench.panel().locator('#prompt').getAttribute('maxlength'),
      '32000',
      'the prompt cannot outgrow what the host accepts',
    );

    // A model that takes images only as URLs says so beside the reference, before anything is sent.
    const note = workbench.panel().locator('#model-note');
    await workbench.panel().locator('#model').selectOption('veo');
    await note.filter({ hasText: 'only as public URLs' }).waitFor({ state: 'visible' });
    await workbench.panel().locator('#model').selectOption('gemini-3-pro-image-preview');
    await note.waitFor({ state: 'hidden' });

    await workbench.panel().locator('#prompt').press('Control+Enter');
    const result = workbench.panel().locator('.result img[alt^="A paper plane over a bay"]').first();
    await result.waitFor({ timeout: 90_000 });
    await assertImageLoaded(result);
    const card = workbench.panel().locator('.card', { hasText: 'A paper plane over a bay' }).first();
    assert.match((await card.locator('.state').textContent()) ?? '', /done/);
    const request = uiSession().emulator.tasks('pixapi').find((t) => t.prompt === 'A paper plane over a bay, from the panel');
    assert.ok(request, 'the emulator received the request');
    const uploaded = (request.request as { image?: { filename: string; type: string; size: number }[] }).image ?? [];
    assert.strictEqual(uploaded.length, 1, 'the request carried the reference image');
    assert.strictEqual(uploaded[0].filename, 'product.png');
    assert.strictEqual(uploaded[0].size, fs.statSync(path.join(uiSession().workspace, 'images', 'product.png')).size);
    // The card shows what the task really cost, as the provider reported it.
    assert.match((await card.locator('.meta').textContent()) ?? '', /cost \d+ credits/);

    // Layout (issue #16): one Ctrl+Enter hint, beside the Generate button with the transient status; the
    // parameter boxes on the pickers' grid; a finished card has Open; results carry a hover toolbar of icons.
    assert.strictEqual(await workbench.panel().locator('text=/Ctrl\\+Enter/').count(), 1, 'the Ctrl+Enter hint appears once');
    assert.doesNotMatch((await workbench.panel().locator('#prompt').getAttribute('placeholder')) ?? '', /Ctrl/);
    const button = await workbench.panel().locator('#submit').boundingBox();
    const status = await workbench.panel().locator('#status').boundingBox();
    assert.ok(
      button && status && Math.abs(status.y + status.height / 2 - (button.y + button.height / 2)) < button.height / 2,
      "the status sits on the Generate button's line",
    );
    const providerBox = await workbench.panel().locator('#provider').boundingBox();
    const firstParam = await workbench.panel().locator('#params .field').first().boundingBox();
    assert.ok(
      providerBox && firstParam && Math.abs(providerBox.x - firstParam.x) < 1 && Math.abs(providerBox.width - firstParam.width) < 1,
      'the parameter boxes line up with the pickers',
    );
    await card.locator('[data-action="open"]').waitFor({ state: 'attached' });
    const item = workbench.panel().locator('.result', { has: workbench.panel().locator('img[alt^="A paper plane over a bay"]') }).first();
    const tools = item.locator('.toolbar[role="toolbar"] button');
    assert.deepStrictEqual(await tools.evaluateAll((buttons) => buttons.map((b) => b.getAttribute('title'))), [
      'Open',
      'Reveal in Explorer',
      'Copy Prompt',
      'Use as Reference',
      'Animate',
      'Regenerate',
    ]);
    assert.strictEqual(
      await item.locator('.toolbar').evaluate((bar) => getComputedStyle(bar).opacity),
      '0',
      'the toolbar hides until hover or focus',
    );
    await item.hover();
    assert.strictEqual(await item.locator('.toolbar').evaluate((bar) => getComputedStyle(bar).opacity), '1', 'hovering shows the toolbar');
    await workbench.screenshot('panel-toolbar-hover');
    // Keyboard: one tab stop, arrows move along the toolbar.
    await tools.first().focus();
    await tools.first().press('ArrowRight');
    assert.strictEqual(await tools.nth(1).evaluate((b) => b === document.activeElement), true, 'ArrowRight moves to Reveal');
    assert.deepStrictEqual(
      await tools.evaluateAll((buttons) => buttons.map((b) => (b as HTMLButtonElement).tabIndex)),
      [-1, 0, -1, -1, -1, -1],
    );

    await workbench.colorTheme('Dark High Contrast');
    await workbench.panel().locator('body.vscode-high-contrast').waitFor();
    await result.waitFor();
    await workbench.screenshot('panel-result-hc');
    await workbench.colorTheme('Dark Modern');
    await workbench.panel().locator('body.vscode-dark').waitFor();
    await result.waitFor();
    await workbench.screenshot('panel-result-dark');
    await workbench.colorTheme('Light Modern');
    await workbench.panel().locator('body.vscode-light').waitFor();
    assert.strictEqual(await workbench.panel().locator('body.vscode-dark').count(), 0, 'the dark theme is gone');
    await result.waitFor();
    await workbench.screenshot('panel-result-light');
  });
});

async function assertImageLoaded(image: ReturnType<FrameLocator['locator']>): Promise<void> {
  await image.waitFor();
  await image.evaluate((element) => {
    const img = element as HTMLImageElement;
    return img.complete ? undefined : new Promise((resolve) => img.addEventListener('load', resolve, { once: true }));
  });
  const width = await image.evaluate((element) => (element as HTMLImageElement).naturalWidth);
  assert.ok(width > 0, 'the image did not load');
}
