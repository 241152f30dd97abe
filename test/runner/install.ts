/**
 * Installs the extension the way a user's VS Code has it: its run-time files in the server's extensions
 * folder. `npm start` and the UI tests both run it so (VS Code web loads a development extension from the
 * URL only with the smoke-test driver, which also hides every notification toast).
 */
import * as fs from 'fs';
import * as path from 'path';
import { copyDir } from './session';
import { projectRoot } from './vscode';

export function installExtension(userDataDir: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {
    publisher: string;
    name: string;
    version: string;
  };
  const installed = path.join(userDataDir, 'extensions', `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  fs.rmSync(installed, { recursive: true, force: true });
  fs.mkdirSync(installed, { recursive: true });
  for (const entry of ['package.json', 'package.nls.json', 'l10n', 'README.md', 'CHANGELOG.md', 'LICENSE', 'dist', 'media']) {
    const source = path.join(projectRoot, entry);
    if (!fs.existsSync(source)) continue;
    if (fs.statSync(source).isDirectory()) copyDir(source, path.join(installed, entry));
    else fs.copyFileSync(source, path.join(installed, entry));
  }
  return installed;
}
