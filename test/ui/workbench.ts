/** A small page object for the VS Code workbench, driven as a person would: keys, clicks, the palette. */
import * as path from 'path';
import type { Page } from 'playwright-core';
import { screenshotDir, uiSession } from '../runner/ui';
import { projectRoot } from '../runner/vscode';

export class Workbench {
  private constructor(readonly page: Page) {}

  static async open(): Promise<Workbench> {
    const session = uiSession();
    const page = await session.context.newPage();
    await page.goto(session.server.workbenchUrl({ extensionDevelopmentPath: projectRoot }));
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    // The explorer shows the folder once the remote connection is up.
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 90_000 });
    return new Workbench(page);
  }

  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
    await this.page.keyboard.press('Enter');
  }

  async pick(label: string): Promise<void> {
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().waitFor();
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().click();
  }

  async type(text: string, submit = true): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(text);
    if (submit) await this.page.keyboard.press('Enter');
  }

  async notification(text: string | RegExp): Promise<void> {
    await this.page.locator('.notification-toast', { hasText: text }).first().waitFor({ timeout: 30_000 });
  }

  async openMediaStudioView(): Promise<void> {
    await this.page.locator('.activitybar [aria-label^="Media Studio"]').first().click();
    await this.page.locator('.pane-header', { hasText: 'Tasks' }).first().waitFor();
  }

  async screenshot(name: string): Promise<string> {
    const file = path.join(screenshotDir, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  async close(): Promise<void> {
    await this.page.close();
  }
}
