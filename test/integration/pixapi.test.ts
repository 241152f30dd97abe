import * as assert from 'assert';
import * as vscode from 'vscode';
import type { MediaStudioApi } from '../../src/api';
import { readPngTextChunks } from '../../src/core/files/pngText';
import { imageDimensions, sniffMediaType } from '../../src/core/files/sniff';
import {
  activateExtension,
  emulator,
  freshEmulator,
  waitForTask,
  waitForState,
  fileOf,
  KEYS,
  readFile,
  run,
  setKeys,
  workspaceFolder,
} from './helpers';

describe('Pixapi end to end in the real extension host', function () {
  let api: MediaStudioApi;
  const control = emulator();
  let since = 0;

  before(async () => {
    api = await activateExtension();
    await setKeys();
  });
  beforeEach(async () => {
    since = await freshEmulator(control);
  });

  async function submitsSince(pathPart: string) {
    return (await control.requests(since)).filter((r) => r.method === 'POST' && r.path.includes(pathPart));
  }

  it('generates an image through the async endpoint and saves it with a sidecar and PNG text', async () => {
    const [id] = await run('mediaStudio.generateImage', {
      prompt: 'A ceramic coffee cup on oak',
      model: 'gpt-image-2',
      size: '1024x1024',
      quality: 'low',
    });
    const task = await api.waitForTask(id);
    assert.strictEqual(task.state, 'succeeded', task.error?.message);
    assert.ok(task.remoteId?.startsWith('task_'));
    assert.ok(task.cost && task.cost.unit === 'credits' && task.cost.amount > 0);
    const file = fileOf(task.results?.[0].file);
    assert.ok(file.path.includes('/generated/a-ceramic-coffee-cup-on-oak-'), file.path);
    assert.ok(file.path.endsWith('.png'));
    const bytes = await readFile(file);
    assert.deepStrictEqual(imageDimensions(bytes), { width: 1024, height: 1024 });
    assert.strictEqual(readPngTextChunks(bytes).Description, 'A ceramic coffee cup on oak');
    const sidecar = JSON.parse((await readFile(file.with({ path: `${file.path}.json` }))).toString());
    assert.strictEqual(sidecar.prompt, 'A ceramic coffee cup on oak');
    assert.strictEqual(sidecar.provider, 'pixapi');
    assert.strictEqual(sidecar.remoteTaskId, task.remoteId);
    assert.ok(sidecar.sourceUrl.startsWith('http://127.0.0.1:'));
    assert.strictEqual((await submitsSince('/v1/async/images/generations')).length, 1);
    const polls = (await control.requests(since)).filter((r) => r.path.startsWith('/v1/tasks/'));
    assert.ok(polls.length >= 1 && polls.length <= 6, `polled ${polls.length} times for a sub-second task`);
  });

  it('uses the synchronous endpoint when asked, with url and b64_json answers', async () => {
    const [urlTask] = await run('mediaStudio.generateImage', { prompt: 'sync url', model: 'gemini-2.5-flash-image', sync: true });
    const [b64Task] = await run('mediaStudio.generateImage', {
      prompt: 'sync inline',
      model: 'gemini-2.5-flash-image',
      sync: true,
      n: 2,
      params: { response_format: 'b64_json' },
    });
    for (const id of [urlTask, b64Task]) {
      const task = await api.waitForTask(id);
      assert.strictEqual(task.state, 'succeeded', task.error?.message);
      for (const result of task.results ?? []) assert.ok(sniffMediaType(await readFile(fileOf(result.file)))?.mime === 'image/png');
    }
    assert.strictEqual((await api.getTask(b64Task))?.results?.length, 2);
    assert.strictEqual((await submitsSince('/v1/images/generations')).length, 2);
    assert.strictEqual((await submitsSince('/v1/async/')).length, 0);
  });

  it('edits with two workspace images sent as two multipart image parts', async () => {
    const images = ['images/product.png', 'images/sketch.jpg'];
    const [id] = await run('mediaStudio.editImage', {
      prompt: 'Place the product on a warm studio background',
      images,
      model: 'gemini-3-pro-image-preview',
    });
    const task = await api.waitForTask(id);
    assert.strictEqual(task.state, 'succeeded', task.error?.message);
    const remote = await control.task('pixapi', task.remoteId as string);
    const request = remote?.request as { image?: { filename: string; size: number }[] } | undefined;
    assert.deepStrictEqual(request?.image?.map((i) => i.filename), ['product.png', 'sketch.jpg']);
    assert.strictEqual(request?.image?.[0].size, (await readFile(vscode.Uri.joinPath(workspaceFolder(), 'images/product.png'))).length);
    assert.strictEqual((await submitsSince('/v1/async/images/edits')).length, 1);
  });

  it('makes a text-to-video and an image-to-video from a previous result URL', async () => {
    const [imageId] = await run('mediaStudio.generateImage', { prompt: 'a robot portrait' });
    const image = await api.waitForTask(imageId);
    const url = image.results?.[0].url;
    assert.ok(url);
    const [textVideo] = await run('mediaStudio.generateVideo', {
      prompt: 'a cinematic reveal',
      model: 'veo',
      duration: 5,
      size: '1280x720',
    });
    const [imageVideo] = await run('mediaStudio.generateVideo', { prompt: 'the robot waves', model: 'wan', inputImage: url });
    for (const id of [textVideo, imageVideo]) {
      const task = await api.waitForTask(id);
      assert.strictEqual(task.state, 'succeeded', task.error?.message);
      const file = fileOf(task.results?.[0].file);
      assert.ok(file.path.endsWith('.mp4'), file.path);
      assert.strictEqual(sniffMediaType(await readFile(file))?.kind, 'video');
    }
    const animate = (await submitsSince('/v1/async/videos/generations'));
    assert.strictEqual(animate.length, 2);
    const remote = await control.task('pixapi', (await api.getTask(imageVideo))?.remoteId as string);
    assert.strictEqual((remote?.request as { input_image?: string }).input_image, url);
  });

  it('never sends the key to the CDN and never overwrites an existing file', async () => {
    const [id] = await run('mediaStudio.generateImage', { prompt: 'collision test' });
    const queued = await api.getTask(id);
    assert.ok(queued);
    // Occupy the name the result would get, before it arrives.
    const stamp = new Date(queued.createdAt).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    const taken = vscode.Uri.joinPath(workspaceFolder(), 'generated', `collision-test-${stamp}.png`);
    await vscode.workspace.fs.writeFile(taken, Buffer.from('my own file'));
    const task = await api.waitForTask(id);
    assert.strictEqual(task.state, 'succeeded', task.error?.message);
    assert.strictEqual((await readFile(taken)).toString(), 'my own file', 'the user\'s file is untouched');
    assert.ok(fileOf(task.results?.[0].file).path.endsWith(`collision-test-${stamp}-1.png`));
    const cdn = (await control.requests()).filter((r) => r.origin === 'cdn');
    assert.ok(cdn.length > 0);
    for (const request of cdn)
      assert.strictEqual(request.headers.authorization, undefined, `Authorization reached the CDN: ${request.path}`);
    const everywhere = await control.requests();
    for (const request of everywhere.filter((r) => r.headers.authorization?.includes(KEYS.pixapi)))
      assert.strictEqual(request.origin, 'pixapi');
    const files = await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(workspaceFolder(), 'generated'));
    assert.deepStrictEqual(files.filter(([name]) => name.endsWith('.part')), [], 'no partial files are left');
  });

  describe('errors', () => {
    async function failedWith(args: object, fault?: Parameters<typeof control.inject>[0]) {
      if (fault) await control.inject(fault);
      const [id] = await run('mediaStudio.generateImage', args);
      const task = await api.waitForTask(id);
      return task;
    }

    it('401: the key was rejected, nothing is sent again', async () => {
      const task = await failedWith(
        { prompt: 'auth' },
        { origin: 'pixapi', method: 'POST', path: '^/v1/async/images/generations$', action: { kind: 'status', status: 401 } },
      );
      assert.strictEqual(task.state, 'failed');
      assert.match(task.error?.message ?? '', /rejected the API key.*Set API Key/);
      assert.strictEqual((await submitsSince('/v1/async/images/generations')).length, 1);
    });

    it('402: out of credits', async () => {
      const task = await failedWith({ prompt: 'credits' }, { origin: 'pixapi', method: 'POST', action: { kind: 'status', status: 402 } });
      assert.strictEqual(task.state, 'failed');
      assert.match(task.error?.message ?? '', /out of credits/);
    });

    it('422: the prompt was rejected, with the provider\'s message', async () => {
      const task = await failedWith({ prompt: 'something [reject]' });
      assert.strictEqual(task.state, 'failed');
      assert.match(task.error?.message ?? '', /rejected the prompt\. Pixapi said: ".+"/);
    });

    it('429 with Retry-After, then 500, then a dropped connection while polling: the task still finishes', async () => {
      await control.inject({
        origin: 'pixapi',
        method: 'GET',
        path: '^/v1/tasks/',
        action: { kind: 'status', status: 429, retryAfter: 1 },
      });
      await control.inject({ origin: 'pixapi', method: 'GET', path: '^/v1/tasks/', action: { kind: 'status', status: 500 } });
      await control.inject({ origin: 'pixapi', method: 'GET', path: '^/v1/tasks/', action: { kind: 'drop' } });
      const [id] = await run('mediaStudio.generateImage', { prompt: 'resilient' });
      const task = await api.waitForTask(id);
      assert.strictEqual(task.state, 'succeeded', task.error?.message);
      const polls = (await control.requests(since)).filter((r) => r.path.startsWith('/v1/tasks/'));
      assert.deepStrictEqual(polls.slice(0, 2).map((p) => p.status), [429, 500]);
      assert.match(polls[2].fault ?? '', /drop/);
      const afterRetry = polls[1].time - polls[0].time;
      assert.ok(afterRetry >= 1000, `waited ${afterRetry} ms after Retry-After: 1`);
      assert.strictEqual((await submitsSince('/v1/async/images/generations')).length, 1, 'no duplicate submit');
    });

    it('401 while checking: the task stays tracked, is checked at once when the key is set again, and finishes', async () => {
      await control.inject({ origin: 'pixapi', method: 'GET', path: '^/v1/tasks/', times: 2, action: { kind: 'status', status: 401 } });
      const [id] = await run('mediaStudio.generateImage', { prompt: 'key revoked mid-task' });
      const first = await waitForTask(api, id, (t) => t.error?.status === 401);
      assert.ok(first.state === 'submitted' || first.state === 'running', `still tracked, not ${first.state}`);
      assert.match(first.error?.message ?? '', /rejected the API key.*Set API Key/);
      const setKeyAgain = async () => {
        await vscode.commands.executeCommand('mediaStudio.clearApiKey', { provider: 'pixapi' });
        await vscode.commands.executeCommand('mediaStudio.setApiKey', { provider: 'pixapi', key: KEYS.pixapi });
      };
      await setKeyAgain();
      const second = await waitForTask(api, id, (t) => t.error?.status === 401 && (t.lastCheckedAt ?? 0) > (first.lastCheckedAt ?? 0));
      assert.ok(second.state === 'submitted' || second.state === 'running', `still tracked, not ${second.state}`);
      const keySetAt = Date.now();
      await setKeyAgain();
      const task = await api.waitForTask(id);
      assert.strictEqual(task.state, 'succeeded', task.error?.message);
      assert.strictEqual(task.error, undefined);
      const polls = (await control.requests(since)).filter((r) => r.method === 'GET' && r.path.startsWith('/v1/tasks/'));
      assert.deepStrictEqual(polls.map((p) => p.status), [401, 401, 200], 'checked once per key, never hammered');
      assert.ok(polls[2].time - keySetAt < 10_000, `checked ${polls[2].time - keySetAt} ms after the key was set, not at the slow pace`);
      for (let i = 1; i < polls.length; i++)
        assert.ok(polls[i].time - polls[i - 1].time >= 1000, `checks ${polls[i].time - polls[i - 1].time} ms apart`);
      assert.strictEqual((await submitsSince('/v1/async/images/generations')).length, 1, 'never sent again');
    });

    it('a 500 on submit leaves the task unconfirmed and is not resent', async () => {
      await control.inject({ origin: 'pixapi', method: 'POST', action: { kind: 'status', status: 500 } });
      const [id] = await run('mediaStudio.generateImage', { prompt: 'maybe sent' });
      const task = await waitForState(api, id, 'unconfirmed');
      assert.match(task.error?.message ?? '', /will not send it again/);
      assert.strictEqual((await submitsSince('/v1/async/images/generations')).length, 1);
      await vscode.commands.executeCommand('mediaStudio.cancel', id);
      assert.strictEqual((await api.getTask(id))?.state, 'cancelled', 'an unconfirmed task is dropped without asking');
      await vscode.commands.executeCommand('mediaStudio.remove', id);
      assert.strictEqual(await api.getTask(id), undefined);
    });
  });
});
