/** Runs the integration suites inside a real VS Code extension host (code-server) against the emulator. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { keyLeaks } from './keyAudit';
import { type SuiteResult } from './mocha';
import { TestSession } from './session';
import { projectRoot, runExtensionTests } from './vscode';

const testsRoot = path.join(projectRoot, 'out', 'test', 'integration');
const KILL_PHASE = 'phases/killBefore.js';
/** Window A of the two-windows phase; window B (phases/twoWindowsB.js) opens beside it once A's tasks run. */
const TWO_WINDOWS_PHASE = 'phases/twoWindowsA.js';

/** Resolves once a phase has left its marker (the kill phase: just before it SIGKILLs its own extension host). */
function markerWritten(file: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (fs.existsSync(file) || Date.now() - started > timeoutMs) {
        clearInterval(timer);
        resolve(fs.existsSync(file) ? 0 : 124);
      }
    }, 200);
  });
}

export interface IntegrationOptions {
  /** Test indexes run one after another in the same session; default: the suites, then the reload phases. */
  indexes?: string[];
  /** Extra environment for the extension host (e.g. the chaos profile). */
  env?: Record<string, string>;
  suite?: string;
}

export async function runIntegration(log: (line: string) => void, options: IntegrationOptions = {}): Promise<SuiteResult> {
  const killMarker = path.join(os.tmpdir(), `media-studio-kill-${process.pid}-${Date.now()}.json`);
  const twoWindowsDir = path.join(os.tmpdir(), `media-studio-two-windows-${process.pid}-${Date.now()}`);
  const session = await TestSession.start({
    log,
    smokeTestDriver: true,
    env: { MEDIA_STUDIO_KILL_MARKER: killMarker, MEDIA_STUDIO_TWO_WINDOWS_DIR: twoWindowsDir, ...options.env },
  });
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
  const result: SuiteResult = { suite: options.suite ?? 'integration', passed: 0, failed: 0, skipped: 0, failures: [] };
  try {
    const runIndex = (index: string) => runExtensionTests({
      server: session.server,
      context: session.context,
      extensionDevelopmentPath: projectRoot,
      extensionTestsPath: path.join(testsRoot, index),
      onLog: (line) => {
        hostLog.push(line);
        if (!isWorkbenchNoise(line)) log(line);
      },
    });
    const addResult = (file: string, index: string, code: number) => {
      if (fs.existsSync(file)) {
        const part = JSON.parse(fs.readFileSync(file, 'utf8')) as SuiteResult;
        result.passed += part.passed;
        result.failed += part.failed;
        result.skipped += part.skipped;
        result.failures.push(...part.failures);
      } else {
        result.failed += 1;
        result.failures.push(
          `${index}: the extension host exited with ${code} before reporting results.\n${session.server.output.slice(-30).join('\n')}`,
        );
      }
    };
    // The main suites, then a window reload in the middle of running tasks (two test indexes, one profile),
    // then two windows on one workspace at once, then an extension host killed in the middle of running
    // tasks (a new server on the same data).
    // Task files where earlier versions kept them (the workspace storage), planted while the server is down.
    const legacyFolders: string[] = [];
    const indexes = options.indexes ?? [
      'index.js',
      'phases/reloadBefore.js',
      'phases/reloadAfter.js',
      TWO_WINDOWS_PHASE,
      KILL_PHASE,
      'phases/killAfter.js',
    ];
    for (const index of indexes) {
      fs.rmSync(session.resultFile, { force: true });
      if (index === KILL_PHASE) {
        fs.rmSync(killMarker, { force: true });
        await runExtensionTests({
          server: session.server,
          context: session.context,
          extensionDevelopmentPath: projectRoot,
          extensionTestsPath: path.join(testsRoot, index),
          timeoutMs: 120_000,
          until: markerWritten(killMarker, 120_000),
          onLog: (line) => hostLog.push(line),
        });
        if (fs.existsSync(killMarker)) {
          const { tasks, storage } = JSON.parse(fs.readFileSync(killMarker, 'utf8')) as { tasks: number; storage?: string };
          await session.killAndRestartServer(() => legacyFolders.push(...plantLegacyTask(storage)));
          result.passed += 1;
          log(`  ✔ kill: ${tasks} tasks running, extension host and server killed with SIGKILL, new server started on the same data`);
        } else {
          result.failed += 1;
          result.failures.push(`${index}: the phase never got its tasks running.\n${hostLog.slice(-30).join('\n')}`);
        }
        continue;
      }
      if (index === TWO_WINDOWS_PHASE) {
        // A second page in the same browser profile is a second window on the same workspace, with the same keys.
        fs.rmSync(twoWindowsDir, { recursive: true, force: true });
        fs.mkdirSync(twoWindowsDir, { recursive: true });
        const second = 'phases/twoWindowsB.js';
        const [codeA, codeB] = await Promise.all([
          runIndex(index),
          markerWritten(path.join(twoWindowsDir, 'a-submitted'), 180_000).then((found) => (found === 0 ? runIndex(second) : found)),
        ]);
        addResult(session.resultFile, index, codeA);
        addResult(path.join(twoWindowsDir, 'b-result.json'), second, codeB);
        fs.rmSync(twoWindowsDir, { recursive: true, force: true });
        continue;
      }
      addResult(session.resultFile, index, await runIndex(index));
      if (index === 'phases/killAfter.js') {
        const left = legacyFolders.filter((folder) => fs.readdirSync(folder).some((name) => name.endsWith('.json')));
        if (legacyFolders.length > 0 && left.length === 0) {
          result.passed += 1;
          log('  ✔ runner: the task file left in the workspace storage by an earlier version was moved out of it');
        } else {
          result.failed += 1;
          result.failures.push(
            `runner: legacy task files: planted in ${legacyFolders.length} folder(s), still there in ${left.join(', ')}`,
          );
        }
      }
    }
    // Checked from outside the extension host: no key in any file VS Code wrote (settings, state, logs at
    // debug level, the workspace), and in the emulator's record of every request only where it belongs.
    const audits: Array<[string, () => string[]]> = [
      ['the API keys appear in no settings, state or log file', () => session.filesContaining(audited.map(({ key }) => key))],
      [
        "each key went only to its own provider's API host, only in the Authorization header",
        () => keyLeaks(session.emulator.requests, audited),
      ],
    ];
    for (const [title, audit] of audits) {
      let leaks: string[] = [];
      try {
        leaks = audit();
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

/** The id and prompt of the task an earlier version left in the workspace storage (killAfter looks for it). */
const LEGACY_TASK = { id: 'legacy-task-from-workspace-storage', prompt: 'legacy task kept in workspace storage' };

/**
 * Writes a finished task file, as earlier versions kept them, into the workspace storage of the killed window
 * (the folder it reported): the next extension host on the same workspace gets that folder again. Found by
 * the window itself, not by searching the profile, whose layout differs between VS Code builds.
 */
function plantLegacyTask(storage: string | undefined): string[] {
  if (!storage) return [];
  const task = {
    id: LEGACY_TASK.id,
    request: {
      provider: 'pixapi',
      model: 'gpt-image-1',
      operation: 'generate',
      kind: 'image',
      prompt: LEGACY_TASK.prompt,
      params: {},
      workspaceFolder: 'file:///legacy',
    },
    state: 'failed',
    createdAt: Date.now(),
    endedAt: Date.now(),
    origin: 'user',
    revision: 3,
    error: { message: 'Failed before the move.' },
  };
  const folder = path.join(storage, 'tasks');
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, `${LEGACY_TASK.id}.json`), JSON.stringify(task));
  return [folder];
}

/** The workbench's own chatter in a sandbox without internet (gallery and sign-in look-ups), kept out of the test output. */
function isWorkbenchNoise(line: string): boolean {
  return /ENOTFOUND|open-vsx|authentication provider|AccountPolicyGate|AgentHost|^\s+at |socket \(renderer|connection token|grace time|Service Worker|builtin extensions cache/.test(
    line,
  );
}
