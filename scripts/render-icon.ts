/**
 * Renders media/icon.svg to media/icon.png (256×256, transparent corners) with the Chromium the UI tests use,
 * because no image tools are installed. Run after changing the SVG: npm run compile-tests && node out/scripts/render-icon.js
 */
import * as fs from 'fs';
import * as path from 'path';
import { launchBrowser, projectRoot } from '../test/runner/vscode';

async function main(): Promise<void> {
  const svg = fs.readFileSync(path.join(projectRoot, 'media', 'icon.svg'), 'utf8');
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 256, height: 256 });
    await page.setContent(`<!DOCTYPE html><html><body style="margin:0;background:transparent">${svg}</body></html>`);
    const target = path.join(projectRoot, 'media', 'icon.png');
    await page.locator('svg').screenshot({ path: target, omitBackground: true });
    console.log(`wrote ${path.relative(projectRoot, target)} (${fs.statSync(target).size} bytes)`);
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
