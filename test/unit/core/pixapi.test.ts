/** The Pixapi adapter: task parsing, validation, and submits against the emulator with the documented fields. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { SubmitContext, SubmitResult, UploadImage } from '../../../src/core/adapters/adapter';
import { listPixapiModels, parsePixapiTask, PixapiAdapter } from '../../../src/core/adapters/pixapi';
import { checkRequest } from '../../../src/core/spec/validate';
import { ApiClient, HttpError, ProtocolError } from '../../../src/core/http';
import type { Task, TaskRequest } from '../../../src/core/task';
import { ProviderEmulator } from '../../emulator';

const KEY = 'test-pixapi-key';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const FIXTURE_IMAGES = path.resolve(__dirname, '../../../../test/fixtures/workspace/images');

function request(partial: Partial<TaskRequest> = {}): TaskRequest {
  return {
    provider: 'pixapi',
    model: 'gpt-image-2',
    operation: 'generate',
    kind: 'image',
    prompt: 'a red bicycle',
    params: {},
    workspaceFolder: 'file:///ws',
    ...partial,
  };
}

function videoRequest(params: TaskRequest['params'] = {}): TaskRequest {
  return request({ model: 'veo', operation: 'video', kind: 'video', prompt: 'waves at dusk', params });
}

describe('core/adapters/pixapi', () => {
  describe('parsePixapiTask', () => {
    it('submitted → submitted', () => {
      const status = parsePixapiTask({ id: 'task_1', status: 'submitted', progress: 0, model: 'gpt-image-2', created: 1 });
      assert.deepStrictEqual(
        [status.state, status.remoteState, status.progress, status.cost, status.results],
        ['submitted', 'submitted', 0, undefined, undefined],
      );
    });

    it('processing → running with its progress', () => {
      const status = parsePixapiTask({ id: 'task_1', status: 'processing', progress: 45 });
      assert.deepStrictEqual([status.state, status.remoteState, status.progress], ['running', 'processing', 45]);
    });

    it('completed → succeeded with result.data[].url, progress 100 and the credits cost', () => {
      const status = parsePixapiTask({
        id: 'task_1', status: 'completed', progress: 100, credits_cost: 16,
        result: { type: 'image', data: [{ url: 'https://cdn.pixapi.ai/r/1.png' }, { url: 'https://cdn.pixapi.ai/r/2.png' }] },
      });
      assert.strictEqual(status.state, 'succeeded');
      assert.strictEqual(status.progress, 100);
      assert.deepStrictEqual(status.results, [{ url: 'https://cdn.pixapi.ai/r/1.png' }, { url: 'https://cdn.pixapi.ai/r/2.png' }]);
      assert.deepStrictEqual(status.cost, { amount: 16, unit: 'credits' });
    });

    it('completed with an item without url → that item carries a save error', () => {
      const status = parsePixapiTask({ status: 'completed', result: { data: [{ url: 'https://x/1.png' }, {}, { url: 42 }] } });
      assert.deepStrictEqual(status.results, [
        { url: 'https://x/1.png' },
        { saveError: 'Pixapi returned this item without a URL.' },
        { saveError: 'Pixapi returned this item without a URL.' },
      ]);
      assert.deepStrictEqual(parsePixapiTask({ status: 'completed' }).results, [], 'no result object: no items');
    });

    it('failed → failed with the error message and code', () => {
      const error = { code: 'SensitiveContentDetected', message: 'The upstream model refused the prompt' };
      const status = parsePixapiTask({ status: 'failed', progress: 100, error });
      assert.strictEqual(status.state, 'failed');
      assert.deepStrictEqual(status.error, {
        message: 'Pixapi: The upstream model refused the prompt',
        code: 'SensitiveContentDetected',
        raw: error,
      });
    });

    it('failed with an error object of unknown shape keeps it whole', () => {
      const odd = { reason: 'gpu exploded', code: 7, details: [1, 2] };
      const status = parsePixapiTask({ status: 'failed', error: odd });
      assert.deepStrictEqual(status.error, {
        message: 'Pixapi: Pixapi reported the task as failed without a reason.',
        code: '7',
        raw: odd,
      });
      assert.strictEqual(parsePixapiTask({ status: 'failed', error: 'boom' }).error?.message, 'Pixapi: boom');
      assert.strictEqual(parsePixapiTask({ status: 'failed', message: 'top-level text' }).error?.message, 'Pixapi: top-level text');
      const bare = parsePixapiTask({ status: 'failed', error: null });
      assert.strictEqual(bare.error?.message, 'Pixapi: Pixapi reported the task as failed without a reason.');
      assert.strictEqual(bare.error?.code, undefined);
    });

    it('an undocumented status word keeps polling and shows the word', () => {
      const status = parsePixapiTask({ status: 'upscaling', progress: 97 });
      assert.deepStrictEqual([status.state, status.remoteState, status.progress], ['running', 'upscaling', 97]);
    });

    it('an answer without a status is a ProtocolError', () => {
      for (const body of [undefined, null, 'completed', [], {}, { status: 3 }, { id: 'task_1' }]) {
        assert.throws(() => parsePixapiTask(body), ProtocolError, JSON.stringify(body));
      }
    });

    it('ignores a progress or cost that is not a number', () => {
      const status = parsePixapiTask({ status: 'processing', progress: '50%', credits_cost: 'lots' });
      assert.strictEqual(status.progress, undefined);
      assert.strictEqual(status.cost, undefined);
    });
  });

  describe('validate', () => {
    const adapter = new PixapiAdapter();

    it('accepts well-formed requests', () => {
      assert.strictEqual(adapter.validate(request({ params: { n: 10, size: '1024x1024', quality: 'high' } })), undefined);
      assert.strictEqual(adapter.validate(request({ operation: 'edit', images: ['file:///ws/a.png'] })), undefined);
      assert.strictEqual(adapter.validate(videoRequest({ duration: 120, input_image: 'https://x.example/a.png' })), undefined);
    });

    it('needs a model', () => {
      assert.strictEqual(adapter.validate(request({ model: '  ' })), 'Choose a Pixapi model.');
    });

    it('n must be a whole number of at least 1, with no invented maximum', () => {
      // The spec's field (integer, min 1, no max) is checked by checkRequest, which the engine runs before sending.
      for (const n of [0, 2.5, -1, '2']) {
        assert.match(
          checkRequest(request({ params: { n } })).problem ?? '',
          /n \(documented at pixapi\.ai docs\/model-catalog\) must be (a whole number|at least 1|a number)/,
          String(n),
        );
      }
      for (const n of [1, 11, 40]) assert.strictEqual(checkRequest(request({ params: { n } })).problem, undefined, String(n));
    });

    it('an edit needs at least one image', () => {
      assert.strictEqual(adapter.validate(request({ operation: 'edit' })), 'Pick at least one image to edit.');
      assert.strictEqual(adapter.validate(request({ operation: 'edit', images: [] })), 'Pick at least one image to edit.');
    });

    it("a video's input_image must be an http(s) URL", () => {
      for (const input_image of ['file:///ws/a.png', 'data:image/png;base64,AAAA', 'images/a.png', 42]) {
        assert.strictEqual(
          adapter.validate(videoRequest({ input_image })),
          'The input image for a video must be an http(s) URL.',
          String(input_image),
        );
      }
    });

    it("a video's duration must be a positive number of seconds, with no invented maximum", () => {
      for (const duration of [0, -5, Number.NaN, Number.POSITIVE_INFINITY, '5']) {
        assert.match(
          checkRequest(videoRequest({ duration })).problem ?? '',
          /duration \(documented at .*\) must be (a number|at least)/,
          String(duration),
        );
      }
      for (const duration of [0.5, 8, 121, 300])
        assert.strictEqual(checkRequest(videoRequest({ duration })).problem, undefined, String(duration));
    });

    it('quality only on models that take it', () => {
      assert.match(
        checkRequest(request({ model: 'gemini-2.5-flash-image', params: { quality: 'high' } })).problem ?? '',
        /gemini-2\.5-flash-image does not document "quality"\. Fields it takes: n, size, response_format/,
      );
      assert.strictEqual(checkRequest(request({ model: 'gpt-image-1.5', params: { quality: 'low' } })).problem, undefined);
    });
  });

  describe('against the emulator', () => {
    let emulator: ProviderEmulator;
    let api: ApiClient;
    const adapter = new PixapiAdapter();

    before(async () => {
      emulator = await ProviderEmulator.start({ timing: { image: { queueMs: 50, runMs: 150 }, video: { queueMs: 50, runMs: 300 } } });
    });
    after(async () => {
      await emulator.close();
    });
    beforeEach(() => {
      emulator.reset();
      api = new ApiClient({ baseUrl: emulator.urls.pixapi, key: KEY });
    });
    afterEach(function () {
      if (this.currentTest?.state !== 'passed') return;
      // Pixapi's async endpoints are separate paths: never an `async` field or `?async=…`.
      for (const logged of emulator.requests.filter((r) => r.origin === 'pixapi'))
        assert.ok(!/(^|&)async=/.test(logged.query), `${logged.path}?${logged.query}`);
      for (const task of emulator.tasks('pixapi'))
        assert.ok(!('async' in (task.request as Record<string, unknown>)), `task ${task.id} had an async field`);
    });

    /** Tasks created from now on finish at once (the emulator captures timing at submit). */
    function instant(): void {
      emulator.configure({ timing: { image: { queueMs: 0, runMs: 0 }, video: { queueMs: 0, runMs: 0 } } });
    }

    function context(): SubmitContext {
      return {
        api,
        openImage: async (uri: string): Promise<UploadImage> => {
          const name = uri.replace(/^fixture:/, '');
          const file = path.join(FIXTURE_IMAGES, name);
          return {
            name,
            mime: name.endsWith('.png') ? 'image/png' : name.endsWith('.webp') ? 'image/webp' : 'image/jpeg',
            size: fs.statSync(file).size,
            open: () => fs.createReadStream(file),
          };
        },
      };
    }

    function taskOf(result: SubmitResult, req: TaskRequest): Task {
      assert.strictEqual(result.kind, 'accepted');
      return {
        id: 'local-1',
        request: req,
        state: 'submitted',
        remoteId: result.remoteId,
        createdAt: Date.now(),
        origin: 'user',
        revision: 1,
      };
    }

    function emulated(remoteId: string): Record<string, unknown> {
      const task = emulator.task('pixapi', remoteId);
      assert.ok(task, `the emulator knows ${remoteId}`);
      return task.request as Record<string, unknown>;
    }

    it('async generation: POST /v1/async/images/generations with only the documented fields', async () => {
      const req = request({ params: { n: 2, size: '1536x1024', quality: 'low', response_format: 'b64_json' } });
      const result = await adapter.submit(context(), req);
      assert.strictEqual(result.kind, 'accepted');
      assert.match(result.remoteId, /^task_/);
      assert.deepStrictEqual(result.status, { state: 'submitted', remoteState: 'submitted', progress: 0 });
      assert.deepStrictEqual(emulated(result.remoteId), {
        model: 'gpt-image-2',
        prompt: 'a red bicycle',
        n: 2,
        size: '1536x1024',
        quality: 'low',
      });
      const [logged] = emulator.requests;
      assert.deepStrictEqual(
        [logged.method, logged.path, logged.query, logged.headers['content-type']],
        ['POST', '/v1/async/images/generations', '', 'application/json'],
      );
    });

    it('polls GET /v1/tasks/{id}: submitted while queued', async () => {
      emulator.configure({ timing: { image: { queueMs: 60_000, runMs: 1000 } } });
      const req = request();
      const task = taskOf(await adapter.submit(context(), req), req);
      const status = await adapter.poll(api, task);
      assert.deepStrictEqual([status.state, status.remoteState], ['submitted', 'submitted']);
      assert.ok(emulator.requests.some((r) => r.method === 'GET' && r.path === `/v1/tasks/${task.remoteId}`));
    });

    it('polls a finished task to its CDN URLs and cost', async () => {
      instant();
      const req = request({ params: { n: 2, size: '1024x1024', quality: 'low' } });
      const task = taskOf(await adapter.submit(context(), req), req);
      const status = await adapter.poll(api, task);
      assert.strictEqual(status.state, 'succeeded');
      assert.strictEqual(status.results?.length, 2);
      assert.ok(status.results?.every((r) => r.url?.startsWith(`${emulator.urls.cdn}/r/`)));
      assert.deepStrictEqual(status.cost, { amount: emulator.task('pixapi', task.remoteId ?? '')?.cost, unit: 'credits' });
    });

    it('polls a failed task to its error code', async () => {
      instant();
      const req = request({ prompt: 'a cat [fail:SensitiveContentDetected]' });
      const task = taskOf(await adapter.submit(context(), req), req);
      const status = await adapter.poll(api, task);
      assert.strictEqual(status.state, 'failed');
      assert.strictEqual(status.error?.code, 'SensitiveContentDetected');
      assert.match(status.error?.message ?? '', /^Pixapi: /);
    });

    it('refuses to poll a task without a remote id, without any request', async () => {
      await assert.rejects(
        adapter.poll(api, { id: 'x', request: request(), state: 'submitted', createdAt: 0, origin: 'user', revision: 1 }),
        /no Pixapi task id/,
      );
      assert.strictEqual(emulator.requests.length, 0);
    });

    it('sync with b64_json: POST /v1/images/generations, inline bytes that are a real PNG', async () => {
      instant();
      const req = request({
        model: 'gemini-3.1-flash-image-preview',
        sync: true,
        params: { size: '512x512', response_format: 'b64_json' },
      });
      const result = await adapter.submit(context(), req);
      assert.strictEqual(result.kind, 'completed');
      assert.deepStrictEqual([result.status.state, result.status.remoteState, result.status.progress], ['succeeded', 'completed', 100]);
      assert.deepStrictEqual(result.status.results, [{ inline: true }]);
      assert.strictEqual(result.inline?.length, 1);
      const bytes = Buffer.from(result.inline[0].bytes);
      assert.strictEqual(result.inline[0].index, 0);
      assert.ok(bytes.subarray(0, 8).equals(PNG_SIGNATURE), 'a PNG signature');
      assert.strictEqual(bytes.subarray(12, 16).toString('latin1'), 'IHDR');
      assert.deepStrictEqual([bytes.readUInt32BE(16), bytes.readUInt32BE(20)], [512, 512], 'the requested size');
      const [task] = emulator.tasks('pixapi');
      assert.deepStrictEqual(task.request, {
        model: 'gemini-3.1-flash-image-preview',
        prompt: 'a red bicycle',
        size: '512x512',
        response_format: 'b64_json',
      });
      assert.strictEqual(task.sync, true);
      assert.deepStrictEqual([emulator.requests[0].path, emulator.requests[0].query], ['/v1/images/generations', '']);
    });

    it('sync with URLs, and an item without a URL', async () => {
      instant();
      const withUrl = await adapter.submit(
        context(),
        request({ model: 'gemini-3.1-flash-image-preview', sync: true, params: { size: '512x512' } }),
      );
      assert.strictEqual(withUrl.kind, 'completed');
      assert.ok(withUrl.status.results?.[0].url?.startsWith(emulator.urls.cdn));
      assert.deepStrictEqual(withUrl.inline, []);
      const noUrl = await adapter.submit(
        context(),
        request({ model: 'gemini-3.1-flash-image-preview', prompt: 'x [nourl]', sync: true, params: { size: '512x512' } }),
      );
      assert.strictEqual(noUrl.kind, 'completed');
      assert.deepStrictEqual(noUrl.status.results, [{ saveError: 'Pixapi returned this item without a URL.' }]);
    });

    it('video with input_image: POST /v1/async/videos/generations with the documented fields', async () => {
      instant();
      const start = await adapter.submit(
        context(),
        request({ model: 'gemini-3.1-flash-image-preview', sync: true, params: { size: '512x512' } }),
      );
      const inputImage = start.kind === 'completed' ? start.status.results?.[0].url : undefined;
      assert.ok(inputImage, 'a finished image on the emulated CDN');
      const req = videoRequest({ duration: 5, size: '1280x720', input_image: inputImage });
      const result = await adapter.submit(context(), req);
      assert.strictEqual(result.kind, 'accepted');
      assert.deepStrictEqual(emulated(result.remoteId), {
        model: 'veo',
        prompt: 'waves at dusk',
        duration: 5,
        size: '1280x720',
        input_image: inputImage,
      });
      const logged = emulator.requests.find((r) => r.taskId === result.remoteId);
      assert.deepStrictEqual([logged?.path, logged?.query], ['/v1/async/videos/generations', '']);
      const status = await adapter.poll(api, taskOf(result, req));
      assert.strictEqual(status.state, 'succeeded');
      assert.match(status.results?.[0].url ?? '', /\/video\.mp4$/);
    });

    it('edit: multipart to /v1/async/images/edits with the fields and image parts in order', async () => {
      const req = request({
        operation: 'edit',
        images: ['fixture:product.png', 'fixture:sketch.jpg'],
        params: { n: 1, size: '1024x1024' },
      });
      const result = await adapter.submit(context(), req);
      assert.strictEqual(result.kind, 'accepted');
      const size = (name: string) => fs.statSync(path.join(FIXTURE_IMAGES, name)).size;
      assert.deepStrictEqual(emulated(result.remoteId), {
        model: 'gpt-image-2',
        prompt: 'a red bicycle',
        n: '1',
        size: '1024x1024',
        image: [
          { filename: 'product.png', type: 'image/png', size: size('product.png') },
          { filename: 'sketch.jpg', type: 'image/jpeg', size: size('sketch.jpg') },
        ],
      });
      const logged = emulator.requests.find((r) => r.taskId === result.remoteId);
      assert.strictEqual(logged?.path, '/v1/async/images/edits');
      assert.match(logged?.headers['content-type'] ?? '', /^multipart\/form-data; boundary=/);
    });

    it('passes a refusal through as an HttpError, creating no task', async () => {
      await assert.rejects(
        adapter.submit(context(), request({ prompt: 'x [reject]' })),
        (error: unknown) => error instanceof HttpError && error.status === 422,
      );
      assert.strictEqual(emulator.tasks('pixapi').length, 0);
    });

    it('treats an accepted answer without a task id as a ProtocolError', async () => {
      emulator.inject({ origin: 'pixapi', method: 'POST', action: { kind: 'status', status: 200, body: { status: 'submitted' } } });
      await assert.rejects(
        adapter.submit(context(), request()),
        (error: unknown) => error instanceof ProtocolError && /no task id/.test(error.message),
      );
    });

    it('lists the models of GET /v1/models by kind', async () => {
      const models = await listPixapiModels(api);
      assert.deepStrictEqual(models.find((m) => m.id === 'gpt-image-2'), { id: 'gpt-image-2', kind: 'image', edits: true });
      assert.strictEqual(models.find((m) => m.id === 'veo')?.kind, 'video');
      assert.ok(models.filter((m) => m.kind === 'video').every((m) => !m.edits));
    });
  });

  describe('found by review', () => {
    it('a duration of zero is refused, as the message says (positive)', () => {
      assert.match(checkRequest(videoRequest({ duration: 0 })).problem ?? '', /must be at least/);
    });
  });
});
