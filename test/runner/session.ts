/**
 * One test session against a real VS Code: the provider emulator, a code-server pointed at it, a fresh
 * copy of the fixture workspace and one persistent browser profile. Shared by integration and UI tests.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ProviderEmulator, type EmulatorOptions } from '../emulator';
import { launchBrowser, projectRoot, type BrowserContext, type ServerOptions, VSCodeServer } from './vscode';

export const fixtureWorkspace = path.join(projectRoot, 'test', 'fixtures', 'workspace');

export function copyDir(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copyDir(source, target);
    else fs.copyFileSync(source, target);
  }
}

export interface SessionOptions {
  emulator?: EmulatorOptions;
  settings?: Record<string, unknown>;
  env?: Record<string, string>;
  log?: (line: string) => void;
  /** See ServerOptions.smokeTestDriver: integration tests need it; UI tests run as the demo does, without. */
  smokeTestDriver?: boolean;
  /** Installs the built extension into the server's extensions folder before it starts, as `npm start` does. */
  installExtension?: boolean;
}

export class TestSession {
  private constructor(
    readonly root: string,
    readonly workspace: string,
    readonly emulator: ProviderEmulator,
    private currentServer: VSCodeServer,
    private readonly serverOptions: ServerOptions,
    readonly context: BrowserContext,
    private readonly closeBrowser: () => Promise<void>,
    readonly runId: string,
    readonly resultFile: string,
  ) {}

  static async start(options: SessionOptions = {}): Promise<TestSession> {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'media-studio-test-'));
    const workspace = path.join(root, 'workspace');
    copyDir(fixtureWorkspace, workspace);
    const runId = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    const resultFile = path.join(root, 'result.json');
    const emulator = await ProviderEmulator.start(options.emulator);
    let server: VSCodeServer | undefined;
    try {
      const serverOptions: ServerOptions = {
        workspace,
        userDataDir: path.join(root, 'user-data'),
        log: options.log,
        smokeTestDriver: options.smokeTestDriver,
        settings: {
          'mediaStudio.pixapi.baseUrl': emulator.urls.pixapi,
          'mediaStudio.pixai.baseUrl': emulator.urls.pixai,
          'mediaStudio.apixo.baseUrl': emulator.urls.apixo,
          // Pixapi is an OpenAI-compatible gateway, so it stands in for the `openai` provider.
          'mediaStudio.openai.baseUrl': emulator.urls.pixapi,
          ...options.settings,
        },
        env: {
          MEDIA_STUDIO_EMULATOR_CONTROL: emulator.urls.control,
          MEDIA_STUDIO_RESULT_FILE: resultFile,
          MEDIA_STUDIO_TEST_RUN_ID: runId,
          // Apixo advises a first video check after a minute; the emulator is done in seconds (see extension.ts testTuning).
          MEDIA_STUDIO_TEST_FIRST_CHECK_CAP_MS: '15000',
          ...options.env,
        },
      };
      if (options.installExtension) (await import('./install')).installExtension(path.join(root, 'user-data'));
      server = await VSCodeServer.start(serverOptions);
      const browser = await launchBrowser(path.join(root, 'chromium-profile'));
      return new TestSession(
        root,
        workspace,
        emulator,
        server,
        { ...serverOptions, userDataDir: server.userDataDir, port: server.port },
        browser.context,
        browser.close,
        runId,
        resultFile,
      );
    } catch (error) {
      await server?.stop();
      await emulator.close();
      throw error;
    }
  }

  get server(): VSCodeServer {
    return this.currentServer;
  }

  /**
   * Kills the server and its extension host with SIGKILL and starts a new one on the same port, user data
   * and workspace (the browser profile keeps the secrets per origin, so the port must stay).
   */
  async killAndRestartServer(whileDown?: () => void): Promise<void> {
    await this.currentServer.kill();
    whileDown?.();
    this.currentServer = await VSCodeServer.start(this.serverOptions);
  }

  /**
   * Files under the user data folder (settings, state, logs) and the workspace that contain any of `needles`.
   * The server is still running, so a file may vanish between listing and reading (lock files): it is skipped.
   */
  filesContaining(needles: readonly string[]): string[] {
    const hits: string[] = [];
    const gone = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';
    const visit = (dir: string) => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch (error) {
        if (gone(error)) return;
        throw error;
      }
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) visit(full);
        else if (entry.isFile()) {
          try {
            if (fs.statSync(full).size >= 64 * 1024 * 1024) continue;
            const bytes = fs.readFileSync(full);
            if (needles.some((needle) => bytes.includes(needle))) hits.push(full);
          } catch (error) {
            if (!gone(error)) throw error;
          }
        }
      }
    };
    visit(this.server.userDataDir);
    visit(this.workspace);
    return hits;
  }

  /** Copies the extension's own log files (the "Media Studio" output channel) for reading after a run. */
  copyLogs(target: string): void {
    fs.rmSync(target, { recursive: true, force: true });
    fs.mkdirSync(target, { recursive: true });
    const logs = path.join(this.server.userDataDir, 'logs');
    const visit = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) visit(full);
        else if (/Media Studio|exthost|remoteagent/i.test(entry.name))
          fs.copyFileSync(full, path.join(target, path.relative(logs, full).replace(/[\\/]/g, '_')));
      }
    };
    if (fs.existsSync(logs)) visit(logs);
  }

  async close(keepFiles = false): Promise<void> {
    await this.closeBrowser().catch(() => undefined);
    await this.server.stop();
    await this.emulator.close();
    if (!keepFiles) fs.rmSync(this.root, { recursive: true, force: true });
  }
}
