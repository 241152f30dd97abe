/**
 * Copies the screenshots the README shows from the last UI test run (test-results/screenshots/) into
 * docs/screenshots/, so every README image is one a UI test took. Run `npm run test:ui` first, then
 * `npm run screenshots`; a unit test checks that the README uses only images named here.
 */
import * as fs from 'fs';
import * as path from 'path';

/** docs/screenshots/<key> ← test-results/screenshots/<value> (the name a UI test gives workbench.screenshot). */
export const README_SCREENSHOTS: Readonly<Record<string, string>> = {
  'generate.png': 'generate-task-done.png',
  'edit.png': 'edit-task-done.png',
  'panel-dark.png': 'panel-result-dark.png',
  'panel-toolbar.png': 'panel-toolbar-hover.png',
  'panel-high-contrast.png': 'panel-result-hc.png',
  'explorer-menu.png': 'explorer-media-studio-submenu.png',
  'walkthrough.png': 'walkthrough-done.png',
  'spending.png': 'spending-view.png',
  'panel-advanced.png': 'panel-advanced-apixo.png',
  'batch-grid-dark.png': 'batch-grid-dark.png',
  'batch-grid-light.png': 'batch-grid-light.png',
  'quick-fix.png': 'reference-quick-fix.png',
  'reference-hover.png': 'reference-hover.png',
  'tasks-archived.png': 'tasks-archived.png',
  'search-tasks.png': 'search-tasks.png',
};

function main(): void {
  const root = path.resolve(__dirname, '../..');
  const from = path.join(root, 'test-results', 'screenshots');
  const to = path.join(root, 'docs', 'screenshots');
  const missing = Object.values(README_SCREENSHOTS).filter((name) => !fs.existsSync(path.join(from, name)));
  if (missing.length) {
    console.error(`Not in ${path.relative(root, from)}: ${missing.join(', ')}. Run the UI tests first (npm run test:ui).`);
    process.exit(1);
  }
  fs.mkdirSync(to, { recursive: true });
  for (const [target, source] of Object.entries(README_SCREENSHOTS)) {
    fs.copyFileSync(path.join(from, source), path.join(to, target));
    console.log(`docs/screenshots/${target} ← test-results/screenshots/${source}`);
  }
}

if (require.main === module) main();
