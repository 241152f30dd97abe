import * as assert from 'assert';
import { screenshotOnFailure, Workbench } from './workbench';

/**
 * Opens the walkthrough before anything else, as a new user would from the Welcome page. This also starts
 * VS Code's walkthrough service, which only counts completion events from then on (desktop VS Code starts it
 * with the Welcome page; this headless workbench only when a walkthrough is first opened). 04- checks the
 * steps after 01–03 have done them.
 */
describe('UI: the Getting Started walkthrough, first visit', () => {
  let workbench: Workbench;
  before(async function () {
    // The first hook opens the workbench: page load, the server's first scan of the installed extension and the
    // Explorer. On this shared 2-core machine under load that alone has taken over the 120 s per-hook default.
    this.timeout(300_000);
    workbench = await Workbench.shared();
  });
  afterEach(async function () {
    await screenshotOnFailure(this, workbench);
  });
  after(async () => workbench?.reset());

  it('lists the five steps, none done yet', async () => {
    await workbench.openWalkthrough();
    const titles = await Promise.all(
      WALKTHROUGH_STEPS.map(async (id) => (await workbench.walkthroughStep(id).locator('.step-title').textContent())?.trim()),
    );
    assert.deepStrictEqual(titles, [
      'Choose a provider',
      'Set your API key',
      'Generate your first image',
      'Open the panel',
      'Edit an image from the Explorer',
    ]);
    for (const id of WALKTHROUGH_STEPS) assert.strictEqual(await workbench.walkthroughStep(id).getAttribute('aria-checked'), 'false', id);
    await workbench.walkthroughStep('setKey').click();
    await workbench.walkthroughStep('setKey').locator(':is(button, a)', { hasText: 'Set API Key' }).first().waitFor();
    await workbench.screenshot('walkthrough-start');
    await workbench.runCommand('View: Close Editor');
  });
});

export const WALKTHROUGH_STEPS = ['chooseProvider', 'setKey', 'generate', 'openPanel', 'editFromExplorer'];
