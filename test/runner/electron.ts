/**
 * `npm run test:electron`: the same integration suites through @vscode/test-electron, for machines that can
 * download VS Code (desktop Electron). Offline, `npm test` runs them in code-server instead.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';
import { ProviderEmulator } from '../emulator';
import { copyDir, fixtureWorkspace } from './session';
import { projectRoot } from './vscode';

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'media-studio-electron-'));
  const workspace = path.join(root, 'workspace');
  copyDir(fixtureWorkspace, workspace);
  const userDataDir = path.join(root, 'user-data');
  const emulator = await ProviderEmulator.start();
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({
    'mediaStudio.pixapi.baseUrl': emulator.urls.pixapi,
    'mediaStudio.pixai.baseUrl': emulator.urls.pixai,
    'mediaStudio.apixo.baseUrl': emulator.urls.apixo,
    'mediaStudio.openai.baseUrl': emulator.urls.pixapi,
  }));
  let failed = false;
  try {
    await runTests({
      extensionDevelopmentPath: projectRoot,
      extensionTestsPath: path.join(projectRoot, 'out', 'test', 'integration', 'index.js'),
      launchArgs: [workspace, '--user-data-dir', userDataDir, '--disable-extensions', '--disable-workspace-trust'],
      extensionTestsEnv: {
        MEDIA_STUDIO_EMULATOR_CONTROL: emulator.urls.control,
        MEDIA_STUDIO_TEST_RUN_ID: `${Date.now()}`,
        MEDIA_STUDIO_TEST_FIRST_CHECK_CAP_MS: '15000',
      },
    });
  } catch (error) {
    failed = true;
    console.error(error instanceof Error ? error.message : error);
  } finally {
    await emulator.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
  process.exitCode = failed ? 1 : 0;
}

void main();
