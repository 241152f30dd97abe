/**
 * `npm start`: the provider emulator (demo timings, any key accepted) and a real VS Code (code-server)
 * with Media Studio installed and pointed at the emulator, on a demo workspace. Prints the URL to open.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ProviderEmulator } from '../test/emulator';
import { demoWorkspaceDir } from './demo';
import { copyDir, fixtureWorkspace } from '../test/runner/session';
import { installExtension } from '../test/runner/install';
import { cacheDir, VSCodeServer } from '../test/runner/vscode';

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 8080);
  const demoRoot = path.join(cacheDir, 'demo');
  const workspace = demoWorkspaceDir();
  if (!fs.existsSync(workspace)) copyDir(fixtureWorkspace, workspace);

  // Installed the way a user installs it: the extension's run-time files in the extensions folder.
  const userDataDir = path.join(demoRoot, 'user-data');
  installExtension(userDataDir);

  const emulator = await ProviderEmulator.start({
    acceptAnyKey: true,
    timing: { image: { queueMs: 1500, runMs: 4000 }, video: { queueMs: 3000, runMs: 12_000 } },
  });
  console.log('Provider emulator (any API key is accepted):');
  for (const [name, url] of Object.entries(emulator.urls)) console.log(`  ${name.padEnd(8)} ${url}`);
  console.log('Starting VS Code (the first run installs it into .vscode-test/, which takes a few minutes)…');
  // No smoke-test driver (the default): the workbench shows its notifications as a user's VS Code does.
  const server = await VSCodeServer.start({
    workspace,
    userDataDir,
    port,
    log: (line) => console.log(line),
    settings: {
      'mediaStudio.pixapi.baseUrl': emulator.urls.pixapi,
      'mediaStudio.pixai.baseUrl': emulator.urls.pixai,
      'mediaStudio.apixo.baseUrl': emulator.urls.apixo,
      'mediaStudio.openai.baseUrl': emulator.urls.pixapi,
    },
  });
  console.log(`\nDemo workspace: ${workspace} (delete it to start afresh)`);
  console.log(`Media Studio is ready: open ${server.url}/?folder=${encodeURIComponent(workspace)}`);
  console.log('Run "Media Studio: Set API Key" and type any key (for example "demo-key"), then "Media Studio: Generate Image".');
  console.log('Press Ctrl+C to stop.');
  const stop = async () => {
    await server.stop();
    await emulator.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
