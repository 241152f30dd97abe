/**
 * Every bad input of the reliability issue, in the real extension host: each gives a clear message, writes
 * nothing and loses nothing. The messages seen here are the ones the README's bad-input table lists; the
 * last test checks that the table still says exactly what the extension says.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { MediaStudioApi, Task } from '../../src/api';
import { activateExtension, emulator, freshEmulator, KEYS, run, setKeys, workspaceFolder } from './helpers';

const projectRoot = path.resolve(__dirname, '..', '..', '..');

describe('Bad input: a clear message, nothing written, nothing lost', function () {
  let api: MediaStudioApi;
  const control = emulator();
  let since = 0;
  let cdn = '';
  const seen: Array<{ input: string; message: string }> = [];
  const images = () => vscode.Uri.joinPath(workspaceFolder(), 'images');

  async function workspaceFiles(): Promise<string[]> {
    const found = await vscode.workspace.findFiles('**/*');
    return found.map((uri) => vscode.workspace.asRelativePath(uri, false)).sort();
  }

  async function setting(section: string, key: string, value: unknown): Promise<() => Promise<void>> {
    const config = vscode.workspace.getConfiguration(section);
    const before = config.inspect(key)?.globalValue;
    await config.update(key, value, vscode.ConfigurationTarget.Global);
    return async () => vscode.workspace.getConfiguration(section).update(key, before, vscode.ConfigurationTarget.Global);
  }

  /** Runs a command that must be refused before anything is sent: returns the message it gave. */
  async function refused(input: string, command: string, args: unknown): Promise<string> {
    const filesBefore = await workspaceFiles();
    const tasksBefore = (await api.listTasks()).length;
    let message: string | undefined;
    try {
      await vscode.commands.executeCommand(command, args);
    } catch (error) {
      message = (error as Error).message;
    }
    assert.ok(message, `${input}: the command was not refused`);
    assert.deepStrictEqual(await workspaceFiles(), filesBefore, `${input}: a file was written`);
    assert.strictEqual((await api.listTasks()).length, tasksBefore, `${input}: a task was created`);
    const sent = (await control.requests(since)).filter((r) => r.method === 'POST' && r.origin !== 'cdn');
    assert.deepStrictEqual(sent.map((r) => r.path), [], `${input}: something was sent to a provider`);
    for (const key of Object.values(KEYS)) assert.ok(!message.includes(key), 'the message carries no key');
    seen.push({ input, message });
    return message;
  }

  /** Runs a generation whose provider answer is hostile: returns the finished task and the message it shows. */
  async function hostileAnswer(input: string, action: unknown, pathPattern = '^/v1/tasks/'): Promise<{ task: Task; message: string }> {
    const filesBefore = await workspaceFiles();
    await control.inject({ origin: 'pixapi', method: 'GET', path: pathPattern, action: action as never, times: 1000 });
    const [id] = await run('mediaStudio.generateImage', { provider: 'pixapi', model: 'gpt-image-2', prompt: `hostile answer: ${input}` });
    const task = await api.waitForTask(id);
    await control.clearFaults();
    const message = task.results?.[0]?.saveError ?? task.error?.message ?? '';
    assert.ok(message, `${input}: no message shown (state ${task.state})`);
    const written = (await workspaceFiles()).filter((f) => !filesBefore.includes(f));
    assert.deepStrictEqual(written, [], `${input}: a file was written`);
    seen.push({ input, message });
    return { task, message };
  }

  before(async () => {
    api = await activateExtension();
    await setKeys();
    cdn = (await control.urls()).cdn;
    const product = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(images(), 'product.png'));
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(images(), 'broken.png'), product.subarray(0, product.length - 40));
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(images(), 'huge.png'), new Uint8Array(1_600_000));
  });
  after(async () => {
    for (const name of ['broken.png', 'huge.png']) await vscode.workspace.fs.delete(vscode.Uri.joinPath(images(), name));
  });
  beforeEach(async () => {
    since = await freshEmulator(control);
  });

  describe('refused before anything is sent', () => {
    const generate = (extra: object) => ({ provider: 'pixapi', model: 'gpt-image-2', prompt: 'a red bicycle', ...extra });
    const edit = (image: string, extra: object = {}) => ({
      provider: 'pixapi',
      model: 'gpt-image-2',
      prompt: 'make it blue',
      images: [`images/${image}`],
      ...extra,
    });

    it('an empty or whitespace-only prompt', async () => {
      assert.match(await refused('Empty prompt', 'mediaStudio.generateImage', generate({ prompt: '' })), /The prompt is empty/);
      assert.match(
        await refused('Whitespace-only prompt', 'mediaStudio.generateImage', generate({ prompt: ' \n\t ' })),
        /The prompt is empty/,
      );
    });

    it("a prompt over the model's limit", async () => {
      assert.match(
        await refused('Prompt over the limit (32,001 characters)', 'mediaStudio.generateImage', generate({ prompt: 'x'.repeat(32_001) })),
        /32,001 characters long; gpt-image-2 takes at most 32,000/,
      );
    });

    it('a file that is not an image, a damaged image, an SVG', async () => {
      assert.match(
        await refused('A text file picked for editing', 'mediaStudio.editImage', { ...edit('x'), images: ['notes.txt'] }),
        /not a PNG, JPEG or WebP image/,
      );
      assert.match(
        await refused('A PNG cut short', 'mediaStudio.editImage', edit('broken.png')),
        /damaged PNG image: its end \(IEND\) is missing/,
      );
      assert.match(await refused('An SVG', 'mediaStudio.editImage', edit('vector.svg')), /is an SVG/);
    });

    it('an image outside the workspace, by URI or by a path with ..', async () => {
      assert.match(
        await refused('An image outside the workspace (file:///home/user/private.png)', 'mediaStudio.editImage', {
          ...edit('x'),
          images: ['file:///home/user/private.png'],
        }),
        /is not in the workspace/,
      );
      assert.match(
        await refused('An image path with .. (../private.png)', 'mediaStudio.editImage', { ...edit('x'), images: ['../private.png'] }),
        /points outside the workspace folder/,
      );
    });

    it('an image over the size cap (setting mediaStudio.maxImageSizeMB)', async () => {
      const restore = await setting('mediaStudio', 'maxImageSizeMB', 1);
      try {
        assert.match(
          await refused('An image over the size cap (1 MB set)', 'mediaStudio.editImage', edit('huge.png')),
          /1\.5 MB, over the 1 MB limit \(setting "mediaStudio\.maxImageSizeMB"\)/,
        );
      } finally {
        await restore();
      }
    });

    it('0 and 100 images', async () => {
      assert.match(await refused('n = 0', 'mediaStudio.generateImage', generate({ n: 0 })), /"n" must be a whole number of at least 1/);
      // OpenAI documents n from 1 to 10; Pixapi documents no maximum, so only OpenAI refuses 100.
      assert.match(
        await refused(
          'n = 100 (OpenAI-compatible)',
          'mediaStudio.generateImage',
          generate({ provider: 'openai', model: 'gpt-image-1', n: 100 }),
        ),
        /must be at most 10; 100 was given/,
      );
    });

    it('an invalid base URL', async () => {
      const restore = await setting('mediaStudio', 'pixapi.baseUrl', 'ftp://api.pixapi.ai');
      try {
        assert.match(
          await refused('Base URL ftp://api.pixapi.ai', 'mediaStudio.generateImage', generate({})),
          /must start with https:\/\/.*mediaStudio\.pixapi\.baseUrl/,
        );
      } finally {
        await restore();
      }
    });

    it('a plain http:// base URL to another machine', async () => {
      const restore = await setting('mediaStudio', 'pixapi.baseUrl', 'http://api.pixapi.ai');
      try {
        const message = await refused('Base URL http://api.pixapi.ai', 'mediaStudio.generateImage', generate({}));
        assert.match(
          message,
          /must start with https:\/\/ \(plain http:\/\/ is allowed only for 127\.0\.0\.1, ::1 or localhost\).*mediaStudio\.pixapi\.baseUrl/,
        );
      } finally {
        await restore();
      }
    });

    it('a key with spaces or line breaks', async () => {
      const message = await refused('A key with a space and a line break', 'mediaStudio.setApiKey', {
        provider: 'pixai',
        key: 'abc def\nsecret-part',
      });
      assert.match(message, /spaces or line breaks/);
      assert.ok(!message.includes('secret-part'));
      assert.strictEqual(await api.hasApiKey('pixai'), true, 'the key already set is kept');
    });

    it('output folders outside the workspace folder', async () => {
      assert.match(await refused('Output folder ../../etc', 'mediaStudio.generateImage', generate({ outputFolder: '../../etc' })), /\.\./);
      assert.match(
        await refused('Output folder /etc (absolute)', 'mediaStudio.generateImage', generate({ outputFolder: '/etc' })),
        /absolute|inside/i,
      );
      assert.match(await refused('Output folder a/../../b', 'mediaStudio.generateImage', generate({ outputFolder: 'a/../../b' })), /\.\./);
    });

    it('an unknown provider and an unknown argument', async () => {
      assert.match(
        await refused('Unknown provider "nope"', 'mediaStudio.generateImage', generate({ provider: 'nope' })),
        /"provider" must be one of pixapi, pixai, apixo, openai/,
      );
      assert.match(
        await refused('Unknown argument "colour"', 'mediaStudio.generateImage', generate({ colour: 'red' })),
        /unknown argument "colour"/,
      );
    });
  });

  describe('hostile or oversized provider answers', () => {
    it('an unknown model: the provider says so, and nothing is resent', async () => {
      const [id] = await run('mediaStudio.generateImage', { provider: 'pixapi', model: 'no-such-model', prompt: 'a red bicycle' });
      const task = await api.waitForTask(id);
      assert.strictEqual(task.state, 'failed');
      const submits = (await control.requests(since)).filter((r) => r.method === 'POST');
      assert.strictEqual(submits.length, 1);
      seen.push({ input: 'Unknown model "no-such-model"', message: task.error?.message ?? '' });
      assert.match(task.error?.message ?? '', /no-such-model/);
    });

    for (const [input, url, expected] of [
      ['Result URL with file:', 'file:///etc/passwd', /file:/],
      ['Result URL with data:', 'data:image/png;base64,iVBORw0KGgo=', /data:/],
      ['Result URL on a private address (10.0.0.7)', 'http://10.0.0.7/result.png', /private|local network/i],
    ] as const) {
      it(`${input}: not followed, the task says why`, async () => {
        const before = (await control.requests(since)).length;
        const { task, message } = await hostileAnswer(input, { kind: 'rewriteResultUrls', url });
        assert.strictEqual(task.state, 'succeeded', 'the provider did the work; the task is not lost');
        assert.match(message, expected);
        assert.ok(!message.includes(url), 'the URL (which may be signed) is not repeated');
        assert.ok((await control.requests(since)).slice(before).every((r) => r.origin !== 'cdn'), 'nothing was fetched');
      });
    }

    it('a download over the cap (setting mediaStudio.maxDownloadSizeMB): stopped, the URL kept for Save Again', async () => {
      const restore = await setting('mediaStudio', 'maxDownloadSizeMB', 1);
      let task: Task;
      try {
        ({ task } = await hostileAnswer('A 3 MB result with a 1 MB cap', { kind: 'rewriteResultUrls', url: `${cdn}/blob/3000000` }));
        assert.match(task.results?.[0]?.saveError ?? '', /3 MB, over the 1 MB limit \(setting "mediaStudio\.maxDownloadSizeMB"\)/);
        assert.strictEqual(task.results?.[0]?.url, `${cdn}/blob/3000000`, 'the result URL is kept for Save Again');
      } finally {
        await restore();
      }
      // With the cap back at its default, Save Again fetches the URL again; this blob is not a picture, so the
      // content check refuses it in turn, and still nothing is written.
      const fetchesBefore = (await control.requests(since)).filter((r) => r.origin === 'cdn').length;
      const filesBefore = await workspaceFiles();
      await vscode.commands.executeCommand('mediaStudio.saveAgain', task.id);
      assert.strictEqual((await control.requests(since)).filter((r) => r.origin === 'cdn').length, fetchesBefore + 1);
      assert.match((await api.getTask(task.id))?.results?.[0]?.saveError ?? '', /did not return an image or a video/);
      assert.deepStrictEqual(await workspaceFiles(), filesBefore);
    });

    it('a JSON bomb as the answer to a submit: not read past the cap, the task is kept and not resent', async () => {
      await control.inject({ origin: 'pixapi', method: 'POST', action: { kind: 'jsonBomb', bytes: 64 * 1024 * 1024 } });
      const [id] = await run('mediaStudio.generateImage', { provider: 'pixapi', model: 'gpt-image-2', prompt: 'a bomb answer' });
      const task = await new Promise<Task>((resolve) => {
        const done = (t: Task | undefined) => t && t.id === id && !['queued', 'submitting'].includes(t.state) && resolve(t);
        const subscription = api.onDidChangeTask((t) => done(t) && subscription.dispose());
        void api.getTask(id).then(done);
      });
      assert.strictEqual(task.state, 'unconfirmed', 'the server got the submit: it is not sent again');
      assert.match(task.error?.message ?? '', /larger than 4096 KiB; refusing to read it/);
      assert.strictEqual((await control.requests(since)).filter((r) => r.method === 'POST').length, 1);
      seen.push({ input: 'A 64 MiB JSON bomb answering a submit', message: task.error?.message ?? '' });
      await vscode.commands.executeCommand('mediaStudio.remove', id);
    });
  });

  // A suite of its own: mocha runs a suite's own tests before its child suites, and this one must come last.
  describe('README', () => it("the README's bad-input table lists every case with the message seen here", () => {
    const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8').replace(/\\\|/g, '|');
    const missing = seen.filter(({ message }) => !readme.includes(message.replace(/`/g, '')));
    const table = seen.map(({ input, message }) => `| ${input} | ${message.replace(/\|/g, '\\|')} |`).join('\n');
    fs.mkdirSync(path.join(projectRoot, 'test-results'), { recursive: true });
    fs.writeFileSync(path.join(projectRoot, 'test-results', 'bad-input.md'), `| Input | Message |\n|---|---|\n${table}\n`);
    assert.ok(seen.length >= 20, `only ${seen.length} cases ran`);
    assert.deepStrictEqual(missing.map((m) => m.message), [], 'README.md lacks these messages (test-results/bad-input.md has the table)');
  }));
});
