// Window A of the two-windows phase (see twoWindows.ts); its result goes where every phase's does.
import { runMocha, writeResult } from '../../runner/mocha';

export async function run(): Promise<void> {
  const result = await runMocha('two-windows-a', [require.resolve('./twoWindowsA.spec')], { timeout: 240_000, color: false });
  writeResult(result);
  if (result.failed) throw new Error('two windows, window A failed');
}
