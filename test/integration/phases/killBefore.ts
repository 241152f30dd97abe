// Phase 1 of the kill test: 20 tasks are running, then this extension host kills itself with SIGKILL
// (no deactivate, no flush). The runner then kills the server too and starts a new one on the same data.
import * as fs from 'fs';
import { testHooksOf } from '../../../src/host/testHooks';
import { activateExtension, setKeys } from '../helpers';
import { startSurvivors } from './survivors';

export async function run(): Promise<void> {
  const marker = process.env.MEDIA_STUDIO_KILL_MARKER;
  if (!marker) throw new Error('MEDIA_STUDIO_KILL_MARKER is not set: run through the test runner');
  const api = await activateExtension();
  await setKeys();
  const ids = await startSurvivors(api, 'kill');
  // The runner plants an earlier version's task file in this window's own workspace storage while the server is down.
  const storage = testHooksOf(api)?.workspaceStorage?.fsPath;
  fs.writeFileSync(marker, JSON.stringify({ pid: process.pid, tasks: ids.length, storage }));
  process.kill(process.pid, 'SIGKILL');
}
