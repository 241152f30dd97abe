// Phase 2 of the reload test: a new extension host picks the three tasks up and finishes them.
import { runMocha, writeResult } from '../../runner/mocha';

export async function run(): Promise<void> {
  const result = await runMocha('reload-after', [require.resolve('./reloadAfter.spec')], { timeout: 120_000, color: false });
  writeResult(result);
  if (result.failed) throw new Error('reload phase 2 failed');
}
