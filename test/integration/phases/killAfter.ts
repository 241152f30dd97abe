// Phase 2 of the kill test: a new server and extension host pick the 20 tasks up and finish them.
import { runMocha, writeResult } from '../../runner/mocha';

export async function run(): Promise<void> {
  const result = await runMocha('kill-after', [require.resolve('./killAfter.spec')], { timeout: 120_000, color: false });
  writeResult(result);
  if (result.failed) throw new Error('kill phase 2 failed');
}
