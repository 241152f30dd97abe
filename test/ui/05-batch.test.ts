import * as assert from 'assert';
import { uiSession } from '../runner/ui';
import { screenshotOnFailure, Workbench } from './workbench';

describe('UI: batch mode in the panel', () => {
  let workbench: Workbench;
  // Runs after 01-: the Pixapi key is set.
  before(async () => (workbench = await Workbench.shared()));
  afterEach(async function () {
    await screenshotOnFailure(this, workbench);
  });
  after(async () => workbench?.reset());

  it('expands a template over values and two models with a live count and estimate, then shows the batch as a grid of thumbnails', async () => {
    await workbench.runCommand('Media Studio: Open Panel');
    await workbench.panel().locator('#mode-batch').click();
    const template = workbench.panel().locator('#batch-template');
    await template.waitFor({ timeout: 30_000 });
    await template.fill('a {colour} paper {thing}');
    assert.deepStrictEqual(
      await workbench.panel().locator('#batch-highlight mark.variable').allTextContents(),
      ['{colour}', '{thing}'],
      'the variables are highlighted',
    );
    await workbench.panel().locator('#batch-value-colour').fill('red, blue');
    await workbench.panel().locator('#batch-value-thing').fill('plane, boat');
    const models = workbench.panel().locator('#batch-models label.check');
    await models.filter({ hasText: 'gpt-image-2' }).waitFor({ timeout: 30_000 });
    const wanted = /^Pixapi (gpt-image-2|gemini-2\.5-flash-image)(\s|$)/;
    for (const label of await models.all()) {
      const box = label.locator('input');
      const want = wanted.test(((await label.textContent()) ?? '').trim());
      if (want !== (await box.isChecked())) await box.setChecked(want);
    }
    const count = workbench.panel().locator('#batch-count');
    await count.filter({ hasText: '8 tasks (4 prompts × 2 models)' }).waitFor();
    // Both models have documented Pixapi prices (gemini-2.5-flash-image: 2 credits an image): a total, nothing unknown.
    assert.match((await count.textContent()) ?? '', /estimate: \$\d+\.\d\d/);
    assert.doesNotMatch((await count.textContent()) ?? '', /unknown/);
    assert.deepStrictEqual(await workbench.panel().locator('#batch-prompts li').allTextContents(), [
      'a red paper plane',
      'a red paper boat',
      'a blue paper plane',
      'a blue paper boat',
    ]);
    await workbench.screenshot('batch-compose');

    await workbench.panel().locator('#batch-generate').click();
    const grid = workbench.panel()
      .locator('.batch-grid', { has: workbench.panel().locator('th', { hasText: 'Pixapi gemini-2.5-flash-image' }) })
      .first();
    await grid.waitFor({ timeout: 30_000 });
    const thumbs = grid.locator('.thumb img');
    for (let i = 0; i < 8; i++) await thumbs.nth(i).waitFor({ timeout: 120_000 });
    assert.strictEqual(await grid.locator('tbody tr').count(), 4, 'one row per combination');
    assert.deepStrictEqual(await grid.locator('tbody tr').first().locator('th').allTextContents(), ['red', 'plane']);
    for (const image of await thumbs.all()) {
      await image.evaluate((element) => {
        const img = element as HTMLImageElement;
        return img.complete ? undefined : new Promise((resolve) => img.addEventListener('load', resolve, { once: true }));
      });
      assert.ok((await image.evaluate((element) => (element as HTMLImageElement).naturalWidth)) > 0, 'the thumbnail loaded');
    }
    const sent = uiSession()
      .emulator.tasks('pixapi')
      .filter((t) => /^a (red|blue) paper (plane|boat)$/.test(t.prompt));
    assert.strictEqual(sent.length, 8, 'each cell sent once');
    assert.match((await grid.locator('td.cell').first().locator('.meta').textContent()) ?? '', /^done · \d+ s/);

    await workbench.colorTheme('Dark Modern');
    await workbench.panel().locator('body.vscode-dark').waitFor();
    await grid.scrollIntoViewIfNeeded();
    await workbench.screenshot('batch-grid-dark');
    await workbench.colorTheme('Light Modern');
    await workbench.panel().locator('body.vscode-light').waitFor();
    await grid.scrollIntoViewIfNeeded();
    await workbench.screenshot('batch-grid-light');
  });
});
