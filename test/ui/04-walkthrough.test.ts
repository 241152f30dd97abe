import * as assert from 'assert';
import { WALKTHROUGH_STEPS } from './00-walkthrough-start.test';
import { screenshotOnFailure, Workbench } from './workbench';

describe('UI: the Getting Started walkthrough, after using Media Studio', () => {
  let workbench: Workbench;
  // Runs after 01–03 in the same page: a key was set, an image generated and one edited from the Explorer, and
  // the panel opened, so those steps must show as done; choosing a provider is the one left to do here.
  before(async () => (workbench = await Workbench.shared()));
  afterEach(async function () {
    await screenshotOnFailure(this, workbench);
  });
  after(async () => workbench?.reset());

  it('shows the steps done by 01–03 as checked, and checks "Choose a provider" once its button runs', async () => {
    await workbench.openWalkthrough();
    for (const id of WALKTHROUGH_STEPS.slice(1)) {
      assert.strictEqual(
        await workbench.walkthroughStep(id).getAttribute('aria-checked'),
        'true',
        `${id} was done by the earlier UI tests`,
      );
    }
    assert.strictEqual(
      await workbench.walkthroughStep('chooseProvider').getAttribute('aria-checked'),
      'false',
      'choosing a provider is not done yet',
    );

    await workbench.walkthroughStep('chooseProvider').click();
    const button = workbench.walkthroughStep('chooseProvider').locator(':is(button, a)', { hasText: 'Choose Default Provider' }).first();
    await button.waitFor();
    await button.click();
    // The button opens the Settings editor on the default provider setting, which completes the step.
    await workbench.page.locator('.settings-editor').first().waitFor({ timeout: 30_000 });

    await workbench.openWalkthrough();
    await workbench.page
      .locator('button.getting-started-step[data-step-id$="#chooseProvider"][aria-checked="true"]')
      .waitFor({ timeout: 15_000 });
    for (const id of WALKTHROUGH_STEPS) assert.strictEqual(await workbench.walkthroughStep(id).getAttribute('aria-checked'), 'true', id);
    await workbench.walkthroughStep('openPanel').click();
    await workbench.screenshot('walkthrough-done');
  });
});
