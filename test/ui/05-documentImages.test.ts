import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Locator, Page } from 'playwright-core';
import { uiSession } from '../runner/ui';
import { screenshotOnFailure, Workbench } from './workbench';

/**
 * Ctrl+. until the light bulb's menu holds `fix`. While the workbench is still setting up a Markdown document
 * (its language features start with it) it cancels the first code-action requests, or answers "No code actions
 * available": each round waits for one of those answers, then asks again, a few times at most.
 */
async function askForQuickFix(page: Page, fix: Locator): Promise<void> {
  const noActions = page.locator('.monaco-editor-overlaymessage', { hasText: /code actions/i }).first();
  for (let round = 0; round < 5; round++) {
    await page.keyboard.press('Control+.');
    const answered = await fix.or(noActions).first().waitFor({ timeout: 10_000 }).then(() => true, () => false);
    if (answered && await fix.isVisible()) return;
    await page.keyboard.press('Escape');
  }
  await fix.waitFor();
}

describe('UI: images a document asks for', () => {
  let workbench: Workbench;
  before(async () => (workbench = await Workbench.shared()));
  afterEach(async function () {
    await screenshotOnFailure(this, workbench);
  });
  after(async () => workbench?.reset());

  it('offers "Generate image…" on a missing Markdown image, writes it there, and hovers the result with its prompt', async () => {
    const workspace = uiSession().workspace;
    fs.writeFileSync(path.join(workspace, 'bikes.md'), '# Bikes\n\nOur favourite:\n\n![a red bicycle](img/bike.webp)\n');
    const page = workbench.page;
    await page.keyboard.press('Control+P');
    await workbench.type('bikes.md', false);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'bikes.md' }).first().waitFor();
    await page.keyboard.press('Enter');
    const reference = page.locator('.monaco-editor .view-lines span', { hasText: 'img/bike.webp' }).last();
    await reference.waitFor();
    await reference.click();
    // The line's tokens split the path, so the click lands somewhere on the line: put the cursor inside the path.
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'Generate image…' }).first();
    await askForQuickFix(page, fix);
    await workbench.screenshot('reference-quick-fix');
    await fix.click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    assert.strictEqual(await input.inputValue(), 'a red bicycle', 'prefilled with the alt text');
    await page.keyboard.press('Enter');
    await workbench.pick('gpt-image-2');

    await workbench.openMediaStudioView();
    await page
      .locator('.part.sidebar .monaco-list-row', { hasText: 'a red bicycle' })
      .filter({ hasText: 'done' })
      .first()
      .waitFor({ timeout: 60_000 });
    const written = fs.readFileSync(path.join(workspace, 'img', 'bike.webp'));
    assert.strictEqual(written.toString('latin1', 8, 12), 'WEBP');

    await page.locator('.tabs-container .tab', { hasText: 'bikes.md' }).first().click();
    // The hover at the cursor, inside the path (Show Hover, Ctrl+K Ctrl+I), as a keyboard user gets it.
    await reference.click();
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const hover = page.locator('.monaco-hover', { hasText: 'a red bicycle' }).filter({ hasText: 'Regenerate' }).first();
    await hover.waitFor({ timeout: 15_000 });
    await hover.locator('img').first().evaluate((element) => {
      const img = element as HTMLImageElement;
      return img.complete && img.naturalWidth > 0
        ? undefined
        : new Promise((resolve) => img.addEventListener('load', resolve, { once: true }));
    });
    await workbench.screenshot('reference-hover');
  });
});
