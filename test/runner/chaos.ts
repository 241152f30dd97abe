/**
 * `npm run test:chaos`: the long chaos profile (100 tasks under seeded faults) in a real extension host
 * against the emulator; writes test-results/chaos-report.md and exits non-zero if any figure misses its target.
 */
import * as path from 'path';
import { runIntegration } from './integration';
import { projectRoot } from './vscode';

async function main(): Promise<void> {
  const reportFile = path.join(projectRoot, 'test-results', 'chaos-report.md');
  const result = await runIntegration((line) => console.log(line), {
    suite: 'chaos',
    indexes: ['index.js'],
    env: { MEDIA_STUDIO_CHAOS: 'long', MEDIA_STUDIO_INTEGRATION_FILES: 'chaos', MEDIA_STUDIO_CHAOS_REPORT: reportFile },
  });
  console.log(`\n=== chaos: passed ${result.passed}, failed ${result.failed}`);
  for (const failure of result.failures) console.log(`  ✖ ${failure}`);
  console.log(`report: ${path.relative(projectRoot, reportFile)}`);
  process.exitCode = result.failed > 0 || result.passed === 0 ? 1 : 0;
}

void main();
