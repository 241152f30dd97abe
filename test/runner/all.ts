/**
 * `npm test`: unit tests in plain Node, integration tests in a real VS Code extension host, UI tests in a
 * real workbench; prints one closing line that adds them all up and exits non-zero on any failure.
 */
import * as path from 'path';
import { findTests, runMocha, type SuiteResult } from './mocha';
import { projectRoot } from './vscode';

type SuiteName = 'unit' | 'integration' | 'ui';
const all: SuiteName[] = ['unit', 'integration', 'ui'];

async function runSuite(name: SuiteName): Promise<SuiteResult> {
  const log = (line: string) => console.log(line);
  const started = Date.now();
  console.log(`\n=== ${name} tests`);
  try {
    switch (name) {
      case 'unit':
        return await runMocha('unit', findTests(path.join(projectRoot, 'out', 'test', 'unit')), { timeout: 20_000 });
      case 'integration':
        return await (await import('./integration')).runIntegration(log);
      case 'ui':
        return await (await import('./ui')).runUi(log);
    }
  } catch (error) {
    return { suite: name, passed: 0, failed: 1, skipped: 0, failures: [`${name} suite could not run: ${(error as Error).stack ?? error}`] };
  } finally {
    console.log(`=== ${name} finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

async function main(): Promise<void> {
  const requested = process.argv.slice(2).filter((a): a is SuiteName => (all as string[]).includes(a));
  const results: SuiteResult[] = [];
  for (const name of requested.length ? requested : all) results.push(await runSuite(name));
  console.log('\n=== summary');
  for (const r of results) {
    console.log(`  ${r.suite} suite: passed ${r.passed}, failed ${r.failed}${r.skipped ? `, skipped ${r.skipped}` : ''}`);
    for (const failure of r.failures) console.log(`  ✖ ${failure}`);
  }
  const sum = (key: 'passed' | 'failed' | 'skipped') => results.reduce((n, r) => n + r[key], 0);
  const skipped = sum('skipped');
  console.log(`${sum('passed')} passed, ${sum('failed')} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exitCode = sum('failed') > 0 || sum('passed') === 0 ? 1 : 0;
}

void main();
