/**
 * The model specs in the real extension host: what reaches the emulator is what each model's page documents
 * (veo-3-1's generationType, kling-2-1's mode), undocumented fields are refused unless sent in `extra` (and
 * then recorded in the sidecar), objects reach the provider intact, and bad input is refused before sending.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { MediaStudioApi } from '../../src/api';
import { activateExtension, emulator, fileOf, freshEmulator, KEYS, readFile, run, setKeys } from './helpers';

describe('Model specs end to end in the real extension host', function () {
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

  /** The body the emulator recorded for a task (Apixo: `{request_type, input}`). */
  async function sentBody(provider: 'pixapi' | 'pixai' | 'apixo', remoteId: string | undefined): Promise<Record<string, unknown>> {
    assert.ok(remoteId, 'the task has a provider id');
    const task = await control.task(provider, remoteId);
    assert.ok(task, `${provider} knows task ${remoteId}`);
    return task.request as Record<string, unknown>;
  }

  /** Runs a command that must be refused before anything is sent; returns its message. */
  async function refused(command: string, args: unknown): Promise<string> {
    const tasksBefore = (await api.listTasks()).length;
    let message = '';
    try {
      await vscode.commands.executeCommand(command, args);
    } catch (error) {
      message = (error as Error).message;
    }
    assert.ok(message, `${JSON.stringify(args)} was not refused`);
    assert.strictEqual((await api.listTasks()).length, tasksBefore, 'no task was created');
    const sent = (await control.requests(since)).filter((r) => r.method === 'POST' && r.origin !== 'cdn');
    assert.deepStrictEqual(sent.map((r) => `${r.origin} ${r.path}`), [], 'nothing was sent to a provider');
    for (const key of Object.values(KEYS)) assert.ok(!message.includes(key));
    return message;
  }

  it('animates an image on Apixo veo-3-1 as FIRST_AND_LAST_FRAMES_2_VIDEO with the image URL', async () => {
    const [imageId] = await run('mediaStudio.generateImage', {
      provider: 'apixo',
      model: 'nano-banana',
      prompt: 'spec test: a lighthouse',
    });
    const image = await api.waitForTask(imageId);
    assert.strictEqual(image.state, 'succeeded', image.error?.message);
    const url = image.results?.[0].url;
    assert.ok(url, 'the image result has a URL to animate');
    const [videoId] = await api.submit({
      operation: 'video',
      provider: 'apixo',
      model: 'veo-3-1',
      prompt: 'spec test: the lighthouse at dusk',
      inputImage: url,
    });
    const video = await api.waitForTask(videoId);
    assert.strictEqual(video.state, 'succeeded', video.error?.message);
    const input = (await sentBody('apixo', video.remoteId)).input as Record<string, unknown>;
    assert.strictEqual(input.generationType, 'FIRST_AND_LAST_FRAMES_2_VIDEO');
    assert.deepStrictEqual(input.image_urls, [url]);
    assert.strictEqual(video.request.params.generationType, 'FIRST_AND_LAST_FRAMES_2_VIDEO', 'the stored request is what was sent');
  });

  it('sends kling-2-1 image-to-video a mode its page documents', async () => {
    const [id] = await api.submit({
      operation: 'video',
      provider: 'apixo',
      model: 'kling-2-1',
      prompt: 'spec test: a kite',
      inputImage: 'https://files.example/kite.png',
      duration: 5,
    });
    const task = await api.waitForTask(id);
    assert.strictEqual(task.state, 'succeeded', task.error?.message);
    const input = (await sentBody('apixo', task.remoteId)).input as Record<string, unknown>;
    assert.strictEqual(input.mode, 'standard-image-to-video');
    assert.strictEqual(input.duration, 5);
  });

  it('refuses a seed Pixapi does not document for the model, listing its fields; the same seed in extra is sent and recorded', async () => {
    const message = await refused('mediaStudio.generateImage', {
      provider: 'pixapi',
      model: 'gpt-image-2',
      prompt: 'spec test: seed',
      params: { seed: 42 },
    });
    assert.match(
      message,
      /gpt-image-2 does not document "seed"\. Fields it takes: n, size, quality, response_format\. To send "seed" anyway, put it in "extra"/,
    );

    const [id] = await run('mediaStudio.generateImage', {
      provider: 'pixapi',
      model: 'gpt-image-2',
      prompt: 'spec test: seed in extra',
      extra: { seed: 42 },
    });
    const task = await api.waitForTask(id);
    assert.strictEqual(task.state, 'succeeded', task.error?.message);
    assert.strictEqual((await sentBody('pixapi', task.remoteId)).seed, 42);
    const file = fileOf(task.results?.[0].file);
    const sidecar = JSON.parse((await readFile(file.with({ path: `${file.path}.json` }))).toString());
    assert.deepStrictEqual(sidecar.extra, { seed: 42 });
    assert.strictEqual(sidecar.extraNote, 'not documented for this model: sent as given');
    assert.strictEqual(sidecar.parameters.seed, undefined, 'not among the documented parameters');
  });

  it('sends PixAI a lora object intact (through extra)', async () => {
    const lora = { '1648918127446573124': 0.7, '1700000000000000000': 0.35 };
    const [id] = await run('mediaStudio.generateImage', {
      provider: 'pixai',
      prompt: 'spec test: lora',
      params: { aspectRatio: '9:16' },
      extra: { lora },
    });
    const task = await api.waitForTask(id);
    assert.strictEqual(task.state, 'succeeded', task.error?.message);
    const body = await sentBody('pixai', task.remoteId);
    assert.deepStrictEqual(body.lora, lora);
    assert.strictEqual(body.aspectRatio, '9:16');
  });

  it('refuses bad input with the limit and where it is documented, sending and writing nothing', async () => {
    const cases: [string, unknown, RegExp][] = [
      [
        'mediaStudio.generateImage',
        { provider: 'apixo', model: 'nano-banana', prompt: 'x', params: { negativePrompts: 'blurry' } },
        /does not document "negativePrompts"\. Fields it takes: mode, aspect_ratio, output_format, provider/,
      ],
      [
        'mediaStudio.generateImage',
        { provider: 'pixapi', model: 'gpt-image-2', prompt: 'x', params: { n: 2.5 } },
        /gpt-image-2 n \(documented at pixapi\.ai docs\/model-catalog\) must be a whole number/,
      ],
      [
        'mediaStudio.generateImage',
        { provider: 'apixo', model: 'nano-banana-2', prompt: 'x', params: { resolution: '2K' } },
        /must be one of 1k, 2k, 4k; "2K" is not among them/,
      ],
      [
        'mediaStudio.generateVideo',
        { provider: 'apixo', model: 'kling-2-1', prompt: 'x', duration: 8 },
        /kling-2-1 duration \(documented at apixo\.ai docs\/ru\/models\/video\/kling-2-1\) must be one of 5, 10/,
      ],
      [
        'mediaStudio.generateVideo',
        { provider: 'apixo', model: 'kling-2-1', prompt: 'x', params: { cfg_scale: 2 } },
        /cfg_scale .* must be at most 1; 2 was given/,
      ],
      [
        'mediaStudio.generateImage',
        { provider: 'apixo', model: 'midjourney', prompt: 'x', imageUrls: ['https://files.example/a.png', 'https://files.example/b.png'] },
        /midjourney takes at most 1 reference image\(s\) \(documented at apixo\.ai/,
      ],
      [
        'mediaStudio.generateVideo',
        { provider: 'apixo', model: 'sora-2-pro', prompt: 'x', inputImage: 'https://files.example/a.png' },
        /sora-2-pro takes no reference images/,
      ],
    ];
    for (const [command, args, expected] of cases) assert.match(await refused(command, args), expected, JSON.stringify(args));
  });
});
