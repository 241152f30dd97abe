/** Runs the integration suites inside a real VS Code extension host (code-server) against the emulator. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { keyLeaks } from './keyAudit';
import { SuiteResult } from './mocha';
import { TestSession } from './session';
import { projectRoot, runExtensionTests } from './vscode';

const testsRoot = path.join(projectRoot, 'out', 'test', 'integration');

export async function runIntegration(log: (line: string) => void): Promise<SuiteResult> {
  const session = await TestSession.start({ log });
  const leakProbe = `leak-probe-key-${session.runId}`;
  // The keys of test/integration/helpers.ts (the OpenAI-compatible tests use Pixapi's origin and key).
  const audited = [
    { key: 'test-pixapi-key', origins: ['pixapi'] as const },
    { key: 'test-pixai-key', origins: ['pixai'] as const },
    { key: 'test-apixo-key', origins: ['apixo'] as const },
    { key: leakProbe, origins: ['pixai'] as const },
  ];
  session.emulator.watchForSecrets(audited.map((a) => a.key));
  const hostLog: string[] = [];
  const result: SuiteResult = { suite: 'integration', passed: 0, failed: 0, skipped: 0, failures: [] };
  try {
    // The main suites, then a window reload in the middle of running tasks (two test indexes, one profile).
    for (const index of ['index.js', 'phases/reloadBefore.js', 'phases/reloadAfter.js']) {
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
    // Checked from outside the extension host: no key in any file VS Code wrote (settings, state, logs at
    // debug level, the workspace), and in the emulator's record of every request only where it belongs.
    const audits: Array<[string, () => string[]]> = [
      ['the API keys appear in no settings, state or log file', () => audited.flatMap(({ key }) => session.filesContaining(key))],
      ['each key went only to its own provider\'s API host, only in the Authorization header', () => keyLeaks(session.emulator.requests, audited)],
    ];
    for (const [title, audit] of audits) {
      const leaks = audit();
      try {
        assert.deepStrictEqual(leaks, [], 'an API key leaked');
        result.passed += 1;
        log(`  ✔ runner: ${title}`);
      } catch (error) {
        result.failed += 1;
        result.failures.push(`runner: ${title}: ${(error as Error).message} ${leaks.slice(0, 20).join('; ')}`);
      }
    }
    const requests = session.emulator.requests.length;
    log(`  (key audit: ${requests} emulator requests and every file under the profile and workspace searched for ${audited.length} keys)`);
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
