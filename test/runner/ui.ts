/** Runs the UI tests: Playwright drives the real workbench in Chromium, with the extension loaded. */
import * as fs from 'fs';
import * as path from 'path';
import { findTests, runMocha, type SuiteResult } from './mocha';
import { TestSession } from './session';
import { projectRoot } from './vscode';

export const screenshotDir = path.join(projectRoot, 'test-results', 'screenshots');
let current: TestSession | undefined;

/** The session the UI tests run against; set by the runner before mocha starts. */
export function uiSession(): TestSession {
  if (!current) throw new Error('UI tests run through "npm test" (or node out/test/runner/all.js ui)');
  return current;
}

export async function runUi(log: (line: string) => void): Promise<SuiteResult> {
  fs.rmSync(screenshotDir, { recursive: true, force: true });
  fs.mkdirSync(screenshotDir, { recursive: true });
  // The demo's configuration (scripts/start.ts): the extension installed, no smoke-test driver, so notifications
  // show as toasts as they do for a user.
  current = await TestSession.start({ log, emulator: { acceptAnyKey: false }, installExtension: true });
  try {
    return await runMocha('ui', findTests(path.join(projectRoot, 'out', 'test', 'ui')), { timeout: 120_000 });
  } finally {
    await current.close();
    current = undefined;
  }
}
