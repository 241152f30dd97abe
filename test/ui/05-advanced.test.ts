import * as assert from 'assert';
import { screenshotOnFailure, Workbench } from './workbench';

describe('UI: the panel\'s form drawn from the model specs, with its Advanced section', () => {
  let workbench: Workbench;
  before(async () => (workbench = await Workbench.shared()));
  afterEach(async function () {
    await screenshotOnFailure(this, workbench);
  });
  after(async () => workbench?.reset());

  it('shows each model\'s own fields on three providers, the documented extras under Advanced, and free rows for extra', async () => {
    await workbench.runCommand('Media Studio: Open Panel');
    await workbench.panel().locator('#prompt').waitFor({ timeout: 30_000 });
    const cases = [
      { provider: 'pixapi', model: 'gpt-image-2', main: ['n', 'size', 'quality'], advanced: ['response_format'] },
      {
        provider: 'apixo',
        model: 'veo-3-1',
        main: ['mode', 'generationType', 'aspect_ratio'],
        advanced: ['seed', 'watermark', 'enableTranslation', 'provider'],
      },
      { provider: 'pixai', model: '1983308862240288769', main: ['aspectRatio', 'mode', 'style'], advanced: ['strength'] },
    ];
    for (const { provider, model, main, advanced } of cases) {
      await workbench.panel().locator('#provider').selectOption(provider);
      await workbench.panel().locator(`#model option[value="${model}"]`).waitFor({ state: 'attached', timeout: 30_000 });
      await workbench.panel().locator('#model').selectOption(model);
      const mainFields = await workbench.panel()
        .locator('#params [data-param]')
        .evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).dataset.param));
      assert.deepStrictEqual(mainFields, main, `${provider}/${model}: the main row`);
      const details = workbench.panel().locator('#advanced');
      if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await details.locator('summary').click();
      const advancedFields = await workbench.panel()
        .locator('#advanced-params [data-param]')
        .evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).dataset.param));
      assert.deepStrictEqual(advancedFields, advanced, `${provider}/${model}: Advanced`);
      await workbench.panel().locator('#model-rules').filter({ hasText: 'documented at' }).waitFor();
      if (provider === 'pixai') {
        // A free row for a field PixAI documents only in its SDK, with the SDK's names suggested.
        await workbench.panel().locator('#add-extra').click();
        await workbench.panel().locator('.extra-row .extra-name').last().fill('lora');
        await workbench.panel().locator('.extra-row .extra-value').last().fill('{"1648918127446573124": 0.7}');
        assert.ok(await workbench.panel().locator('#extra-names option[value="lora"]').count(), 'SDK names are suggested');
      }
      await details.scrollIntoViewIfNeeded();
      // The README shows Apixo's (veo-3-1: a model rule and Advanced fields); the others are kept beside it.
      if (provider === 'apixo') await workbench.screenshot('panel-advanced-apixo');
      else await workbench.screenshot(`panel-advanced-${provider}`);
    }
  });
});
