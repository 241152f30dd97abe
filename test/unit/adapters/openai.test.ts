import * as assert from 'assert';
import { checkRequest } from '../../../src/core/spec/validate';
import { OpenAiAdapter, parseOpenAiImages } from '../../../src/core/adapters/openai';
import { ProtocolError } from '../../../src/core/http';
import type { Task, TaskRequest } from '../../../src/core/task';
import type { ProviderEmulator } from '../../emulator';
import { harness, type Harness, KEYS, logged, PNG_SIGNATURE, request, startEmulator } from './harness';

// The emulator's Pixapi origin is an OpenAI-compatible gateway: its models stand in for OpenAI's.
const MODEL = 'gpt-image-2';

function openai(prompt: string, extra: Partial<TaskRequest> = {}): TaskRequest {
  return request('openai', MODEL, prompt, extra);
}

describe('OpenAI-compatible adapter', () => {
  const adapter = new OpenAiAdapter();

  describe('validate', () => {
    it('takes images only, files rather than URLs, and edits only with a model that can', () => {
      assert.strictEqual(
        adapter.validate(openai('a cup', { params: { n: 2, size: '1024x1024', response_format: 'b64_json' } })),
        undefined,
      );
      assert.match(adapter.validate(openai('a clip', { kind: 'video', operation: 'video' })) ?? '', /images only/);
      assert.match(
        adapter.validate(openai('edit', { operation: 'edit', imageUrls: ['https://x.example/a.png'] })) ?? '',
        /as files, not URLs/,
      );
      assert.match(adapter.validate(openai('edit', { operation: 'edit' })) ?? '', /at least one image/);
      // The model's fields and what it can do are its spec's (checkRequest, run by the engine before sending).
      assert.match(
        checkRequest(openai('edit', { model: 'dall-e-3', operation: 'edit', images: ['fixture:product.png'] })).problem ?? '',
        /dall-e-3 cannot edit/,
      );
      assert.match(
        checkRequest(openai('a cup', { model: 'gpt-image-1', params: { n: 0 } })).problem ?? '',
        /gpt-image-1 n .* must be at least 1/,
      );
      assert.match(checkRequest(openai('a cup', { model: 'gpt-image-1', params: { n: 11 } })).problem ?? '', /must be at most 10/);
      assert.match(
        checkRequest(openai('a cup', { model: 'dall-e-3', params: { response_format: 'png' } })).problem ?? '',
        /must be one of url, b64_json/,
      );
      assert.match(
        checkRequest(openai('a cup', { model: 'gpt-image-1', params: { mask: 'file:///ws/mask.png' } })).problem ?? '',
        /does not apply to this request \(generate\)/,
      );
    });
  });

  it('reads url and b64_json items, and refuses an answer without data', () => {
    const parsed = parseOpenAiImages({
      created: 1,
      data: [{ url: 'https://cdn/a.png' }, { b64_json: Buffer.from('png!').toString('base64') }, {}],
    });
    assert.deepStrictEqual(parsed.status.results?.slice(0, 2), [{ url: 'https://cdn/a.png' }, { inline: true }]);
    assert.match(parsed.status.results?.[2].saveError ?? '', /neither url nor b64_json/);
    assert.deepStrictEqual(parsed.inline.map((i) => [i.index, Buffer.from(i.bytes).toString()]), [[1, 'png!']]);
    assert.throws(() => parseOpenAiImages({ error: 'x' }), ProtocolError);
  });

  it('is never polled: asking says why', async () => {
    await assert.rejects(adapter.poll({} as never, { id: 't1' } as Task), /synchronous images API/);
  });

  describe('multipart part names (OpenAI\'s reference)', () => {
    /** Submits an edit to a client that records the multipart body, and returns the names of its parts. */
    async function partNames(images: string[]): Promise<string[]> {
      let body = '';
      const api = {
        call: async (_method: string, _path: string, options: { form?: { body: AsyncIterable<Uint8Array> } }) => {
          for await (const chunk of options.form?.body ?? []) body += Buffer.from(chunk).toString('latin1');
          return { status: 200, headers: {}, body: { created: 1, data: [{ url: 'https://cdn.example/r.png' }] } };
        },
      };
      const openImage = async (uri: string) => ({
        name: uri,
        mime: 'image/png',
        size: 3,
        open: async function* () {
          yield Buffer.from('png');
        },
      });
      await adapter.submit({ api: api as never, openImage }, openai('edit', { operation: 'edit', images }));
      return [...body.matchAll(/name="([^"]*)"/g)].map((m) => m[1]);
    }

    it('sends one reference as `image`', async () => {
      assert.deepStrictEqual((await partNames(['a.png'])).filter((n) => n.startsWith('image')), ['image']);
    });

    it('sends several references as repeated `image[]`', async () => {
      assert.deepStrictEqual(
        (await partNames(['a.png', 'b.png', 'c.png'])).filter((n) => n.startsWith('image')),
        ['image[]', 'image[]', 'image[]'],
      );
    });
  });

  describe('against an OpenAI-compatible gateway (the emulator)', function () {
    this.timeout(30_000);
    let emulator: ProviderEmulator;
    let h: Harness;

    before(async () => {
      emulator = await startEmulator();
    });
    after(() => emulator.close());
    beforeEach(() => {
      h = harness({ provider: 'openai', adapter, baseUrl: emulator.urls.pixapi, key: KEYS.pixapi });
    });
    afterEach(() => {
      h.dispose();
      emulator.reset();
    });

    function syncTasks() {
      return emulator.tasks('pixapi').filter((t) => t.sync);
    }

    it('generates an image answered by URL; fields of other providers are refused, never sent', async () => {
      await assert.rejects(
        h.engine.submit(openai('a ceramic cup', { params: { size: '1024x1024', aspectRatio: '9:16' } })),
        /does not document "aspectRatio"\. Fields it takes: n, size, quality/,
      );
      assert.strictEqual(syncTasks().length, 0, 'nothing was sent');
      const task = await h.run(openai('a ceramic cup', { params: { size: '1024x1024', quality: 'low' } }));
      assert.strictEqual(task.state, 'succeeded');
      const [remote] = syncTasks();
      assert.deepStrictEqual(remote.request, { model: MODEL, prompt: 'a ceramic cup', size: '1024x1024', quality: 'low' });
      assert.deepStrictEqual(task.results, remote.resultUrls.map((url) => ({ url })));
      assert.deepStrictEqual(
        logged(emulator.requests, 'pixapi', /./).map((r) => `${r.method} ${r.path} ${r.status}`),
        ['POST /v1/images/generations 200'],
        'one request, no polling',
      );
      assert.strictEqual(h.saved.length, 1);
    });

    it('generates images answered as b64_json and hands the bytes to the result writer', async () => {
      const task = await h.run(openai('two cups', { params: { n: 2, response_format: 'b64_json' } }));
      assert.strictEqual(task.state, 'succeeded');
      assert.deepStrictEqual(task.results, [{ inline: true }, { inline: true }]);
      const inline = h.saved[0].inline ?? [];
      assert.deepStrictEqual(inline.map((i) => i.index), [0, 1]);
      assert.ok(inline.every((i) => Buffer.from(i.bytes).subarray(0, 8).equals(PNG_SIGNATURE)), 'real PNG bytes');
    });

    it('edits with two image parts streamed as multipart', async () => {
      const task = await h.run(
        openai('put both on a table', {
          operation: 'edit',
          images: ['fixture:product.png', 'fixture:sketch.jpg'],
          params: { n: 1, size: '1024x1024' },
        }),
      );
      assert.strictEqual(task.state, 'succeeded', task.error?.message);
      const [remote] = syncTasks();
      const sent = remote.request as { model: string; prompt: string; n: string; image: { filename: string; type: string }[] };
      assert.deepStrictEqual([sent.model, sent.prompt, sent.n], [MODEL, 'put both on a table', '1']);
      assert.deepStrictEqual(sent.image.map((i) => [i.filename, i.type]), [['product.png', 'image/png'], ['sketch.jpg', 'image/jpeg']]);
      assert.deepStrictEqual(logged(emulator.requests, 'pixapi', /./).map((r) => `${r.method} ${r.path}`), ['POST /v1/images/edits']);
    });

    it('shows 401 as a key problem and 402 as out of credits, sending nothing twice', async () => {
      emulator.inject({ origin: 'pixapi', path: '^/v1/images/generations$', action: { kind: 'status', status: 401 } });
      const badKey = await h.run(openai('a cup'));
      emulator.inject({ origin: 'pixapi', path: '^/v1/images/generations$', action: { kind: 'status', status: 402 } });
      const noCredits = await h.run(openai('a cup'));
      assert.deepStrictEqual(
        [badKey.state, badKey.error?.status, noCredits.state, noCredits.error?.status],
        ['failed', 401, 'failed', 402],
      );
      assert.match(badKey.error?.message ?? '', /OpenAI-compatible rejected the API key/);
      assert.match(noCredits.error?.message ?? '', /out of credits/);
      assert.strictEqual(logged(emulator.requests, 'pixapi', /./).length, 2);
    });

    it('sends a request refused with 429 again once Retry-After has passed', async () => {
      emulator.inject({ origin: 'pixapi', path: '^/v1/images/generations$', action: { kind: 'status', status: 429, retryAfter: 1 } });
      const task = await h.run(openai('a cup'));
      assert.strictEqual(task.state, 'succeeded');
      const sent = logged(emulator.requests, 'pixapi', /^\/v1\/images\/generations$/);
      assert.deepStrictEqual(sent.map((r) => r.status), [429, 200]);
      assert.ok(sent[1].time - sent[0].time >= 1000, `resent after ${sent[1].time - sent[0].time} ms`);
    });

    it('does not send again after a 500: the images may have been made and charged', async () => {
      emulator.inject({ origin: 'pixapi', path: '^/v1/images/generations$', action: { kind: 'status', status: 500 } });
      const submitted = await h.engine.submit(openai('a cup'));
      const task = await h.reaches(submitted.id, ['unconfirmed', 'failed', 'succeeded']);
      assert.strictEqual(task.state, 'unconfirmed');
      assert.match(task.error?.message ?? '', /will not send it again/);
      assert.strictEqual(logged(emulator.requests, 'pixapi', /./).length, 1);
    });
  });
});
