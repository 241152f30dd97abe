// Window B of the two-windows phase (see twoWindows.ts). It runs while A does, so its result has a file of its own.
import * as fs from 'fs';
import * as path from 'path';
import { runMocha } from '../../runner/mocha';
import { markerFolder } from './twoWindows';

export async function run(): Promise<void> {
  const result = await runMocha('two-windows-b', [require.resolve('./twoWindowsB.spec')], { timeout: 240_000, color: false });
  fs.writeFileSync(path.join(markerFolder(), 'b-result.json'), JSON.stringify(result));
  if (result.failed) throw new Error('two windows, window B failed');
}
