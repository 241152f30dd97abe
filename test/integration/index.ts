// The test index run inside the VS Code extension host (by code-server's smoke-test driver or @vscode/test-electron).
import * as path from 'path';
import { findTests, runMocha, writeResult } from '../runner/mocha';

export async function run(): Promise<void> {
  const only = process.env.MEDIA_STUDIO_INTEGRATION_FILES?.split(',').filter(Boolean);
  const files = findTests(__dirname)
    .filter((f) => !f.includes('/phases/'))
    .filter((f) => !only || only.some((o) => path.basename(f, '.test.js') === o));
  const result = await runMocha('integration', files, { timeout: 60_000, color: false });
  writeResult(result);
  if (result.failed > 0) throw new Error(`${result.failed} integration test(s) failed`);
}
