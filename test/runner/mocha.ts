/** Runs mocha programmatically and returns its counts; used in plain Node and inside the extension host. */
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

export interface SuiteResult { suite: string; passed: number; failed: number; skipped: number; failures: string[] }

export function findTests(dir: string, suffix = '.test.js'): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return findTests(full, suffix);
    return entry.name.endsWith(suffix) ? [full] : [];
  }).sort();
}

export function runMocha(suite: string, files: string[], options: Mocha.MochaOptions = {}): Promise<SuiteResult> {
  const mocha = new Mocha({ ui: 'bdd', color: true, timeout: 30_000, forbidOnly: true, forbidPending: true, ...options });
  for (const file of files) mocha.addFile(file);
  return new Promise((resolve, reject) => {
    try {
      const failures: string[] = [];
      const runner = mocha.run(() => {
        const stats = runner.stats;
        resolve({ suite, passed: stats?.passes ?? 0, failed: stats?.failures ?? 0, skipped: stats?.pending ?? 0, failures });
      });
      runner.on('fail', (test, error: Error) => failures.push(`${test.fullTitle()}: ${error.message}`));
    } catch (error) {
      reject(error);
    }
  });
}

/** Where a suite that runs in another process leaves its counts for the runner to add up. */
export function writeResult(result: SuiteResult): void {
  const file = process.env.MEDIA_STUDIO_RESULT_FILE;
  if (file) fs.writeFileSync(file, JSON.stringify(result));
}
