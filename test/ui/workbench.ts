/** A small page object for the VS Code workbench, driven as a person would: keys, clicks, the palette. */
import * as path from 'path';
import type { FrameLocator, Page } from 'playwright-core';
import type { TestSession } from '../runner/session';
import { screenshotDir, uiSession } from '../runner/ui';

export class Workbench {
  private constructor(readonly page: Page) {}

  private static current: Promise<Workbench> | undefined;

  /**
   * The one workbench page of a UI run. A second page on the same folder does not get keyboard focus in
   * headless Chromium, and one page is also how a person works.
   */
  static shared(): Promise<Workbench> {
    Workbench.current ??= Workbench.open();
    return Workbench.current;
  }

  /** A new page on the session's workbench (the benchmarks pass a URL that loads the development build). */
  static async open(session: TestSession = uiSession(), url = session.server.workbenchUrl()): Promise<Workbench> {
    const page = await session.context.newPage();
    await page.bringToFront();
    // Wait for the workbench element below (90 s), not for the page's "load" event, which on a loaded machine
    // comes after page.goto's default 30 s (all of the workbench's scripts and fonts must arrive first).
    // The extension is installed in the server's extensions folder, as `npm start` has it (test/runner/install.ts).
    await page.goto(url, { waitUntil: 'commit' });
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    const workbench = new Workbench(page);
    try {
      // The Explorer lists the folder once the connection to the server is up.
      await workbench.showExplorer();
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 90_000 });
      // An installed extension's contributions (its view container, walkthrough, commands) arrive once the
      // server has scanned the extensions folder: its activity-bar entry says they are there.
      await page.locator('.activitybar [aria-label^="Media Studio"]').first().waitFor({ timeout: 90_000 });
    } catch (error) {
      await workbench.screenshot('failed-open-workbench');
      throw error;
    }
    return workbench;
  }

  /**
   * Runs a command from the palette. Focus can move under the palette while it is open (an image preview
   * that finishes loading takes it, and the palette closes on blur), so the whole open-type-choose sequence
   * is repeated until it goes through, each step with a short timeout.
   */
  async runCommand(title: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    const entry = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    let lastError: unknown;
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        if (!(await input.isVisible())) {
          // A webview (the image preview) keeps F1 to itself; clicking the side bar's title gives focus back.
          if (attempt > 0)
            await this.page
              .locator('.part.sidebar .composite.title')
              .first()
              .click({ position: { x: 10, y: 10 }, timeout: 2000 })
              .catch(() => undefined);
          await this.page.keyboard.press('F1');
          await input.waitFor({ state: 'visible', timeout: 3000 });
        }
        await input.fill(`>${title}`, { timeout: 3000 });
        await entry.waitFor({ timeout: 5000 });
        // The row with this title, not whichever ranks first (another command's title may match the words too).
        await entry.click({ timeout: 3000 });
        return;
      } catch (error) {
        lastError = error;
        await this.page.keyboard.press('Escape');
      }
    }
    throw lastError;
  }

  async pick(label: string): Promise<void> {
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().waitFor();
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().click();
  }

  /** Waits until the open quick input's title reads `title` (a step counter such as "Generate Image (2/5)"). */
  async quickInputTitle(title: string): Promise<void> {
    await this.page.locator('.quick-input-widget .quick-input-title', { hasText: title }).first().waitFor({ state: 'visible' });
    const shown = (await this.page.locator('.quick-input-widget .quick-input-title').first().textContent())?.trim();
    if (shown !== title) throw new Error(`The quick input's title is "${shown}", not "${title}".`);
  }

  /** The open quick input's Back button (absent on a flow's first step). */
  quickInputBackButton() {
    return this.page.locator('.quick-input-widget .quick-input-titlebar .codicon-quick-input-back');
  }

  /** The text in the open quick input's box. */
  async quickInputValue(): Promise<string> {
    return this.page.locator('.quick-input-widget input').inputValue();
  }

  async type(text: string, submit = true): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(text);
    if (submit) await this.page.keyboard.press('Enter');
  }

  /** Waits for a notification: as a toast, or in the notification center if the toast has already gone. */
  async notification(text: string | RegExp): Promise<void> {
    const toast = this.page.locator('.notifications-toasts .notification-list-item', { hasText: text }).first();
    try {
      await toast.waitFor({ timeout: 10_000 });
    } catch {
      await this.page.locator('.statusbar-item[id="status.notifications"]').first().click();
      await this.page.locator('.notifications-center .notification-list-item', { hasText: text }).first().waitFor({ timeout: 10_000 });
      await this.page.keyboard.press('Escape');
    }
  }

  /**
   * Waits for a notification toast to be on screen (no fallback to the notification centre): the UI tests
   * run the workbench as `npm start` does, without the smoke-test driver that would hide every toast.
   */
  async toast(text: string | RegExp) {
    const toast = this.page
      .locator('.notifications-toasts .notification-toast-container .notification-list-item', { hasText: text })
      .first();
    await toast.waitFor({ state: 'visible', timeout: 15_000 });
    return toast;
  }

  /** Shows the Tasks view (clicking the icon of the view already shown would hide the side bar instead). */
  async openMediaStudioView(): Promise<void> {
    const title = this.page.locator('.part.sidebar .title-label', { hasText: 'Media Studio' }).first();
    if (!(await title.isVisible())) await this.page.locator('.activitybar [aria-label^="Media Studio"]').first().click();
    await title.waitFor();
  }

  /** The Tasks view row whose label starts with `label`. */
  taskRow(label: string) {
    return this.page.locator('.part.sidebar .monaco-list-row', { hasText: label }).first();
  }

  /** Expands a folder in the Explorer and waits for a row of it. */
  async explorerRow(name: string | RegExp) {
    return this.page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
  }

  /** Expands a folder row of the Explorer unless it is expanded already (a click would collapse it). */
  async expandFolder(name: string | RegExp): Promise<void> {
    const row = await this.explorerRow(name);
    await row.waitFor();
    const expanded = this.page.locator('.explorer-folders-view .monaco-list-row[aria-expanded="true"]', { hasText: name }).first();
    // A click that lands while the tree is re-rendering (a file just appeared) only selects the row: click again.
    for (let attempt = 0; attempt < 5; attempt++) {
      if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
      if (await expanded.waitFor({ timeout: 3000 }).then(() => true, () => false)) return;
    }
    await expanded.waitFor();
  }

  /**
   * Runs an item of an Explorer row's context menu. The menu can still be laying itself out when the first
   * click lands (more entries arrive as extensions contribute them), so the click is repeated, or the
   * highlighted item chosen with Enter, until the menu has closed.
   */
  async explorerContextMenu(row: string | RegExp, item: string, submenu = 'Media Studio'): Promise<void> {
    const menu = this.page.locator('.context-view');
    await this.openExplorerSubmenu(row, submenu);
    const entry = this.page.locator('.context-view .monaco-submenu .action-label', { hasText: item }).first();
    await entry.waitFor();
    for (let attempt = 0; attempt < 5; attempt++) {
      if (attempt < 3) await entry.click().catch(() => undefined);
      else await this.page.keyboard.press('Enter');
      if (await menu.waitFor({ state: 'hidden', timeout: 2000 }).then(() => true, () => false)) return;
      await entry.hover().catch(() => undefined);
    }
    throw new Error(`The context menu item "${item}" did not run.`);
  }

  /**
   * Right-clicks an Explorer row and opens a submenu of its context menu (clicking a submenu entry opens it,
   * as hovering does); the submenu's entries are then `.context-view .monaco-submenu .action-label`.
   */
  async openExplorerSubmenu(row: string | RegExp, submenu: string): Promise<void> {
    const target = await this.explorerRow(row);
    await target.click({ button: 'right' });
    const parent = this.page.locator('.context-view .action-label', { hasText: new RegExp(`^${submenu}$`) }).first();
    await parent.waitFor();
    const opened = this.page.locator('.context-view .monaco-submenu').first();
    for (let attempt = 0; attempt < 5; attempt++) {
      await parent.hover().catch(() => undefined);
      await parent.click().catch(() => undefined);
      if (await opened.waitFor({ timeout: 2000 }).then(() => true, () => false)) return;
    }
    await opened.waitFor();
  }

  /** The labels of the entries of the submenu open now. */
  async submenuLabels(): Promise<string[]> {
    const labels = await this.page.locator('.context-view .monaco-submenu .action-label').allTextContents();
    return labels.map((l) => l.trim()).filter(Boolean);
  }

  /** Opens Media Studio's walkthrough through "Welcome: Open Walkthrough...", as a person finds it. */
  async openWalkthrough(): Promise<void> {
    await this.runCommand('Welcome: Open Walkthrough...');
    await this.pick('Get Started with Media Studio');
    await this.walkthroughStep('chooseProvider').waitFor({ timeout: 30_000 });
  }

  /** A step of the walkthrough by its id in package.json; `aria-checked` says whether it is done. */
  walkthroughStep(id: string) {
    return this.page.locator(`button.getting-started-step[data-step-id$="#${id}"]`).first();
  }

  async showExplorer(): Promise<void> {
    await this.runCommand('View: Show Explorer');
    await this.page.locator('.explorer-folders-view').first().waitFor();
  }

  /** The Media Studio panel's document: webviews are an outer iframe (ours, by extension id) around the active frame. */
  panel(): FrameLocator {
    return this.page.frameLocator('iframe.webview[src*="extensionId=media-studio.media-studio"]').frameLocator('iframe#active-frame');
  }

  /** Picks a theme with "Preferences: Color Theme" (clicked, not Enter: the marketplace entry can rank first). */
  async colorTheme(name: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    for (let attempt = 0; attempt < 10 && !(await input.isVisible()); attempt++) {
      // A webview keeps F1 to itself; clicking the side bar's title gives focus back to the workbench.
      if (attempt > 0) {
        await this.page.locator('.part.sidebar .composite.title').first().click({ position: { x: 10, y: 10 } }).catch(() => undefined);
      }
      await this.page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 3000 }).catch(() => undefined);
    }
    await input.fill('>Preferences: Color Theme');
    await this.pick('Preferences: Color Theme');
    await input.fill(name);
    await this.pick(name);
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  async screenshot(name: string): Promise<string> {
    const file = path.join(screenshotDir, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Leaves the workbench tidy for the next test: no quick input, notification or menu left open. */
  async reset(): Promise<void> {
    for (let i = 0; i < 3; i++) await this.page.keyboard.press('Escape');
  }
}

/** Saves a screenshot of the page when the current test failed (call from afterEach). */
export async function screenshotOnFailure(context: Mocha.Context, workbench: Workbench | undefined): Promise<void> {
  const test = context.currentTest;
  if (test?.state === 'failed') await workbench?.screenshot(`failed-${test.title.slice(0, 40).replace(/\W+/g, '-')}`);
}
