// Phase 1 of the reload test: three tasks are running when this index returns and the window reloads.
import { runMocha, writeResult } from '../../runner/mocha';

export async function run(): Promise<void> {
  const result = await runMocha('reload-before', [require.resolve('./reloadBefore.spec')], { timeout: 150_000, color: false });
  writeResult(result);
  if (result.failed) throw new Error('reload phase 1 failed');
}
