/** Runs the integration suites inside a real VS Code extension host (code-server) against the emulator. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { SuiteResult } from './mocha';
import { TestSession } from './session';
import { projectRoot, runExtensionTests } from './vscode';

const testsRoot = path.join(projectRoot, 'out', 'test', 'integration');

export interface IntegrationOptions {
  /** Test indexes run one after another in the same session; default: the suites, then the reload phases. */
  indexes?: string[];
  /** Extra environment for the extension host (e.g. the chaos profile). */
  env?: Record<string, string>;
  suite?: string;
}

export async function runIntegration(log: (line: string) => void, options: IntegrationOptions = {}): Promise<SuiteResult> {
  const session = await TestSession.start({ log, env: options.env });
  const hostLog: string[] = [];
  const result: SuiteResult = { suite: options.suite ?? 'integration', passed: 0, failed: 0, skipped: 0, failures: [] };
  try {
    // The main suites, then a window reload in the middle of running tasks (two test indexes, one profile).
    for (const index of options.indexes ?? ['index.js', 'phases/reloadBefore.js', 'phases/reloadAfter.js']) {
      fs.rmSync(session.resultFile, { force: true });
      const code = await runExtensionTests({
        server: session.server,
        context: session.context,
        extensionDevelopmentPath: projectRoot,
        extensionTestsPath: path.join(testsRoot, index),
        onLog: (line) => {
          hostLog.push(line);
          if (!isWorkbenchNoise(line)) log(line);
        },
      });
      if (fs.existsSync(session.resultFile)) {
        const part = JSON.parse(fs.readFileSync(session.resultFile, 'utf8')) as SuiteResult;
        result.passed += part.passed;
        result.failed += part.failed;
        result.skipped += part.skipped;
        result.failures.push(...part.failures);
      } else {
        result.failed += 1;
        result.failures.push(`${index}: the extension host exited with ${code} before reporting results.\n${session.server.output.slice(-30).join('\n')}`);
      }
    }
    // Checked from outside the extension host: the key a test left set must not be in any file VS Code wrote.
    const leaks = session.filesContaining(`leak-probe-key-${session.runId}`);
    try {
      assert.deepStrictEqual(leaks, [], 'an API key was written to disk outside SecretStorage');
      result.passed += 1;
      log('  ✔ runner: the API key appears in no settings, state or log file');
    } catch (error) {
      result.failed += 1;
      result.failures.push(`runner: key leak check: ${(error as Error).message} ${leaks.join(', ')}`);
    }
  } finally {
    fs.mkdirSync(path.join(projectRoot, 'test-results'), { recursive: true });
    fs.writeFileSync(path.join(projectRoot, 'test-results', 'integration-host.log'), hostLog.join('\n'));
    session.copyLogs(path.join(projectRoot, 'test-results', 'integration-logs'));
    await session.close(result.failed > 0 && process.env.KEEP_TEST_FILES === '1');
  }
  return result;
}

/** The workbench's own chatter in a sandbox without internet (gallery and sign-in look-ups), kept out of the test output. */
function isWorkbenchNoise(line: string): boolean {
  return /ENOTFOUND|open-vsx|authentication provider|AccountPolicyGate|AgentHost|^\s+at |socket \(renderer|connection token|grace time|Service Worker|builtin extensions cache/.test(line);
}
