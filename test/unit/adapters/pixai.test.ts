import * as assert from 'assert';
import { checkRequest } from '../../../src/core/spec/validate';
import { parseModelVersionId, parsePixaiTask, PixaiAdapter } from '../../../src/core/adapters/pixai';
import { openDownload } from '../../../src/core/download';
import { HttpError } from '../../../src/core/http';
import type { TaskRequest } from '../../../src/core/task';
import type { ProviderEmulator } from '../../emulator';
import { assertCheckSpacing, harness, type Harness, KEYS, logged, PNG_SIGNATURE, request, startEmulator } from './harness';

const MODEL = '1983308862240288769';
const TASK_PATH = /^\/v1\/task\//;

/**
 * Runs `work` with uncaught exceptions collected instead of failing the running test, and returns them.
 * Mocha's own handlers are put back afterwards.
 */
async function collectingStrayErrors<T>(work: () => Promise<T>): Promise<{ value: T; strays: unknown[] }> {
  const strays: unknown[] = [];
  const previous = process.listeners('uncaughtException');
  const collect = (error: unknown) => strays.push(error);
  process.removeAllListeners('uncaughtException');
  process.on('uncaughtException', collect);
  try {
    const value = await work();
    await new Promise((resolve) => setImmediate(resolve)); // an error emitted from a destroyed stream comes a tick later
    return { value, strays };
  } finally {
    process.off('uncaughtException', collect);
    for (const listener of previous) process.on('uncaughtException', listener);
  }
}

function pixai(prompt: string, extra: Partial<TaskRequest> = {}): TaskRequest {
  return request('pixai', MODEL, prompt, extra);
}

describe('PixAI adapter', () => {
  describe('parseModelVersionId', () => {
    it('takes a bare id or the last segment of a model page address', () => {
      const accepted: Record<string, string> = {
        '1983308862240288769': '1983308862240288769',
        '  1983308862240288769\n': '1983308862240288769',
        'https://pixai.art/model/1648918127446573124/1983308862240288769': '1983308862240288769',
        'http://www.pixai.art/model/1648918127446573124/1983308862240288769/': '1983308862240288769',
        'pixai.art/model/1648918127446573124/1983308862240288769': '1983308862240288769',
        'www.pixai.art/model/1648918127446573124/1983308862240288769?utm_source=share': '1983308862240288769',
        'https://PixAI.art/model/abc/42/#gallery': '42',
      };
      for (const [input, id] of Object.entries(accepted)) assert.strictEqual(parseModelVersionId(input), id, input);
    });

    it('refuses anything else', () => {
      for (const input of [
        '',
        'abc',
        '12a',
        'https://pixai.art/model/1648918127446573124',
        'https://pixai.art/artwork/1/2',
        'https://evil.example/pixai.art/model/1/2',
        'https://pixai.art.evil.example/model/1/2',
        'pixai.art/model/1/x',
      ]) {
        assert.strictEqual(parseModelVersionId(input), undefined, input);
      }
    });
  });

  describe('validate', () => {
    const adapter = new PixaiAdapter();
    it('accepts the documented example and a model page address', () => {
      assert.strictEqual(
        adapter.validate(pixai('a fox', { params: { aspectRatio: '9:16', mode: 'standard', style: 'anything' } })),
        undefined,
      );
      assert.strictEqual(adapter.validate(pixai('a fox', { model: 'https://pixai.art/model/1/2/' })), undefined);
    });
    it('explains a model that is not a version id', () => {
      assert.match(
        adapter.validate(pixai('a fox', { model: 'anime-v2' })) ?? '',
        /Paste the number, or a model page address pixai\.art\/model\/<id>\/<version>/,
      );
    });
    it('says that PixAI has no video, and takes a reference image only as one public URL', () => {
      assert.match(adapter.validate(pixai('a fox', { kind: 'video', operation: 'video' })) ?? '', /no videos/);
      assert.match(
        adapter.validate(pixai('a fox', { operation: 'edit', images: ['file:///a.png'] })) ?? '',
        /only as a public URL \(its mediaUrl\), not as a file/,
      );
      assert.match(
        adapter.validate(pixai('a fox', { operation: 'edit', imageUrls: ['https://x.example/a.png', 'https://x.example/b.png'] })) ?? '',
        /PixAI takes one reference image; 2 were given/,
      );
      assert.match(
        adapter.validate(pixai('a fox', { operation: 'edit', imageUrls: ['ftp://x.example/a.png'] })) ?? '',
        /"ftp:\/\/x\.example\/a\.png" is not an http\(s\) URL/,
      );
      assert.match(adapter.validate(pixai('a fox', { operation: 'edit' })) ?? '', /give one image URL/);
      assert.match(
        checkRequest(pixai('a fox', { params: { mediaUrl: 'https://x.example/a.png' } })).problem ?? '',
        /"mediaUrl" is set by Media Studio from the request itself/,
      );
    });
    it('accepts one reference URL with or without a numeric strength', () => {
      assert.strictEqual(adapter.validate(pixai('a fox', { operation: 'edit', imageUrls: ['https://x.example/a.png'] })), undefined);
      assert.strictEqual(
        checkRequest(pixai('a fox', { operation: 'edit', imageUrls: ['https://x.example/a.png'], params: { strength: 0.4 } })).problem,
        undefined,
      );
      assert.match(
        checkRequest(pixai('a fox', { operation: 'edit', imageUrls: ['https://x.example/a.png'], params: { strength: 'strong' } }))
          .problem ?? '',
        /strength .* must be a number/,
      );
      assert.match(
        checkRequest(pixai('a fox', { params: { strength: 0.4 } })).problem ?? '',
        /strength applies only with a reference image/,
      );
    });
    it('wants text for aspectRatio, mode and style, and names the SDK-only fields as extra', () => {
      assert.match(checkRequest(pixai('a fox', { params: { aspectRatio: 1.5 } })).problem ?? '', /aspectRatio .* must be text/);
      assert.match(
        checkRequest(pixai('a fox', { params: { negativePrompts: 'blurry' } })).problem ?? '',
        /does not document "negativePrompts" for this endpoint \(it is named in github\.com\/pixai-art\/pixai-client-js/,
      );
      assert.strictEqual(checkRequest({ ...pixai('a fox'), extra: { negativePrompts: 'blurry', lora: { '7': 0.5 } } }).problem, undefined);
    });
  });

  describe('parsePixaiTask', () => {
    const media = (id: string) => `https://api.example/v1/media/${id}/image`;
    it('maps the documented states and keeps an unknown word', () => {
      const states = {
        waiting: 'submitted',
        running: 'running',
        completed: 'succeeded',
        failed: 'failed',
        cancelled: 'cancelled',
        paused: 'running',
      };
      for (const [word, state] of Object.entries(states)) {
        const status = parsePixaiTask({ id: '1', status: word, outputs: { mediaUrls: ['https://cdn/x.png'] } }, media);
        assert.strictEqual(status.state, state, word);
        assert.strictEqual(status.remoteState, word);
      }
    });
    it('prefers mediaUrls, falls back to the media route per image, and reads the older shapes', () => {
      assert.deepStrictEqual(
        parsePixaiTask({ status: 'completed', outputs: { mediaIds: ['a', 'b'], mediaUrls: ['https://cdn/a.png'] } }, media).results,
        [{ url: 'https://cdn/a.png' }, { url: media('b') }],
      );
      assert.deepStrictEqual(parsePixaiTask({ status: 'completed', outputs: { mediaId: 'x' } }, media).results, [{ url: media('x') }]);
      assert.deepStrictEqual(
        parsePixaiTask({ status: 'completed', outputs: { batch: [{ mediaId: 'p' }, { mediaId: 'q' }] } }, media).results,
        [{ url: media('p') }, { url: media('q') }],
      );
      assert.match(parsePixaiTask({ status: 'completed', outputs: {} }, media).results?.[0].saveError ?? '', /named no images/);
    });
    it('reads startedAt and refuses an answer without a status', () => {
      assert.strictEqual(
        parsePixaiTask({ status: 'running', startedAt: '2026-03-04T04:32:10.635Z' }, media).startedAt,
        Date.parse('2026-03-04T04:32:10.635Z'),
      );
      assert.throws(() => parsePixaiTask({ id: '1' }, media), /no "status"/);
    });
  });

  describe('against the emulator', function () {
    this.timeout(30_000);
    let emulator: ProviderEmulator;
    let h: Harness;
    const adapter = new PixaiAdapter();

    before(async () => {
      emulator = await startEmulator();
    });
    after(() => emulator.close());
    beforeEach(() => {
      h = harness({ provider: 'pixai', adapter, baseUrl: emulator.urls.pixai, key: KEYS.pixai });
    });
    afterEach(() => {
      h.dispose();
      emulator.reset();
    });

    it('creates an image with the documented fields and saves its mediaUrls', async () => {
      await assert.rejects(
        h.engine.submit(pixai('1girl', { params: { size: '1024x1024' } })),
        /does not document "size"\. Fields it takes: aspectRatio, mode, style, strength/,
      );
      const task = await h.run(pixai('1girl, green hair', { params: { aspectRatio: '9:16', mode: 'standard', style: 'watercolor' } }));
      assert.strictEqual(task.state, 'succeeded');
      assert.strictEqual(task.remoteState, 'completed');
      const remote = emulator.task('pixai', task.remoteId!)!;
      assert.deepStrictEqual(remote.request, {
        modelVersionId: MODEL,
        prompt: '1girl, green hair',
        aspectRatio: '9:16',
        mode: 'standard',
        style: 'watercolor',
      });
      assert.deepStrictEqual(task.results, remote.resultUrls.map((url) => ({ url })));
      assert.strictEqual(task.startedAt, remote.startedAt, "startedAt is PixAI's, not the moment we noticed");
      assert.deepStrictEqual(h.saved.map((s) => s.task.id), [task.id]);
      assert.ok(logged(emulator.requests, 'pixai', /^\/v1\/task\//, 'GET').length >= 1, 'polled at GET /v1/task/{id}');
      // A finished task cannot be cancelled any more: GraphQL answers with errors.
      assert.strictEqual(await adapter.cancel(h.api, task), 'notCancellable');
      assert.strictEqual(emulator.task('pixai', task.remoteId!)?.phase, 'succeeded');
    });

    it('sends one reference URL as mediaUrl with its strength (image-to-image)', async () => {
      const first = await h.run(pixai('a fox'));
      const reference = first.results?.[0]?.url;
      assert.ok(reference, 'a first result to use as the reference');
      const task = await h.run(
        pixai('the same fox in winter', { operation: 'edit', imageUrls: [reference], params: { strength: 0.6, aspectRatio: '9:16' } }),
      );
      assert.strictEqual(task.state, 'succeeded', task.error?.message);
      assert.deepStrictEqual(emulator.task('pixai', task.remoteId!)?.request, {
        modelVersionId: MODEL,
        prompt: 'the same fox in winter',
        aspectRatio: '9:16',
        mediaUrl: reference,
        strength: 0.6,
      });
      const plain = await h.run(pixai('no strength', { operation: 'edit', imageUrls: [reference] }));
      assert.deepStrictEqual(emulator.task('pixai', plain.remoteId!)?.request, {
        modelVersionId: MODEL,
        prompt: 'no strength',
        mediaUrl: reference,
      });
    });

    it('reports a failed task as failed', async () => {
      const task = await h.run(pixai('a cat [fail]'));
      assert.strictEqual(task.state, 'failed');
      assert.strictEqual(task.remoteState, 'failed');
      assert.match(task.error?.message ?? '', /^PixAI: /);
      assert.strictEqual(h.saved.length, 0);
    });

    it('reads mediaIds-only, legacy mediaId and batch answers as media-route URLs', async () => {
      const [onlyIds, legacy, batch] = await Promise.all([
        h.run(pixai('a [mediaIdsOnly]')),
        h.run(pixai('b [legacy]')),
        h.run(pixai('c [batch]')),
      ]);
      for (const task of [onlyIds, legacy, batch]) {
        assert.strictEqual(task.state, 'succeeded', task.request.prompt);
        const remote = emulator.task('pixai', task.remoteId!)!;
        assert.deepStrictEqual(
          task.results,
          remote.mediaIds.map((id) => ({ url: `${emulator.urls.pixai}/v1/media/${id}/image` })),
          task.request.prompt,
        );
      }
      assert.strictEqual(batch.results?.length, 4);
    });

    it('downloads a media-route result with the key, and follows the redirect to the CDN without it', async () => {
      const task = await h.run(pixai('a fox [mediaIdsOnly]'));
      const url = task.results?.[0].url ?? '';
      assert.ok(url.startsWith(`${emulator.urls.pixai}/v1/media/`), url);
      const since = emulator.requests.length;
      const { value: bytes, strays } = await collectingStrayErrors(async () => {
        const download = await openDownload(url, { auth: { origin: h.api.origin, key: KEYS.pixai }, allowLoopback: true });
        assert.ok(download.finalUrl.startsWith(emulator.urls.cdn), download.finalUrl);
        return Buffer.from(await download.body.arrayBuffer());
      });
      // Following the redirect drops the 302's unread body; undici reports that as an error event, which must
      // be handled (it once escaped as an uncaught RequestAbortedError).
      assert.deepStrictEqual(strays.map(String), [], 'no uncaught error left behind');
      assert.ok(bytes.subarray(0, 8).equals(PNG_SIGNATURE), 'a PNG arrived');
      const hops = emulator.requests.slice(since);
      const mediaHop = hops.find((r) => r.origin === 'pixai');
      const cdnHop = hops.find((r) => r.origin === 'cdn');
      assert.strictEqual(mediaHop?.status, 302);
      assert.strictEqual(mediaHop?.headers.authorization, `Bearer ${KEYS.pixai}`);
      assert.strictEqual(cdnHop?.status, 200);
      assert.strictEqual(cdnHop?.headers.authorization, undefined, 'the CDN never sees the key');
      // …and the media route really needs it.
      await assert.rejects(openDownload(url, { allowLoopback: true }), (e: unknown) => e instanceof HttpError && e.status === 403);
    });

    it('shows a 401 at submit as a key problem, without retrying', async () => {
      emulator.inject({ origin: 'pixai', path: '^/v2/image/create$', action: { kind: 'status', status: 401 } });
      const task = await h.run(pixai('a fox'));
      assert.strictEqual(task.state, 'failed');
      assert.strictEqual(task.error?.status, 401);
      assert.match(task.error?.message ?? '', /PixAI rejected the API key/);
      assert.strictEqual(logged(emulator.requests, 'pixai', /^\/v2\/image\/create$/).length, 1);
    });

    it('sends a submit refused with 429 again once Retry-After has passed', async () => {
      emulator.inject({ origin: 'pixai', path: '^/v2/image/create$', action: { kind: 'status', status: 429, retryAfter: 1 } });
      const task = await h.run(pixai('a fox'));
      assert.strictEqual(task.state, 'succeeded');
      const creates = logged(emulator.requests, 'pixai', /^\/v2\/image\/create$/);
      assert.deepStrictEqual(creates.map((r) => r.status), [429, 200]);
      assert.ok(creates[1].time - creates[0].time >= 1000, `resent after ${creates[1].time - creates[0].time} ms`);
    });

    it('keeps checking after a 500 on a poll, no sooner than the 1.5 s floor', async () => {
      emulator.inject({ origin: 'pixai', path: '^/v1/task/', action: { kind: 'status', status: 500 } });
      const task = await h.run(pixai('a fox'));
      assert.strictEqual(task.state, 'succeeded');
      assert.strictEqual(task.error, undefined, 'the passing error is cleared');
      assert.deepStrictEqual(logged(emulator.requests, 'pixai', /^\/v1\/task\//).map((r) => r.status), [500, 200]);
      assert.strictEqual(assertCheckSpacing(emulator.requests, 'pixai', TASK_PATH, 1500), 1);
    });

    it('never has more than 10 tasks waiting or running at PixAI, and finishes all of 12', async () => {
      const tasks = await Promise.all(Array.from({ length: 12 }, (_, i) => h.engine.submit(pixai(`fox ${i}`))));
      assert.strictEqual(h.engine.activeCount('pixai'), 10, 'ten hold a PixAI slot, two wait in the local queue');
      const done = await Promise.all(tasks.map((t) => h.engine.waitFor(t.id)));
      assert.deepStrictEqual(done.map((t) => t.state), Array(12).fill('succeeded'));
      const remote = emulator.tasks('pixai');
      assert.strictEqual(remote.length, 12);
      // The emulator's tasks are active from creation until they end; count the overlap at every creation.
      const busiest = Math.max(
        ...remote.map((t) => remote.filter((o) => o.createdAt <= t.createdAt && (o.endedAt ?? Infinity) > t.createdAt).length),
      );
      assert.strictEqual(busiest, 10, 'ten at once, never more');
      assert.ok(!emulator.requests.some((r) => r.status === 429), 'PixAI never had to refuse a task');
      assertCheckSpacing(emulator.requests, 'pixai', TASK_PATH, 1500);
    });

    it('checks each task no more often than once every 1.5 s', async () => {
      emulator.configure({ timing: { image: { queueMs: 50, runMs: 4000 } } });
      const done = await Promise.all([h.run(pixai('a')), h.run(pixai('b')), h.run(pixai('c'))]);
      assert.deepStrictEqual(done.map((t) => t.state), ['succeeded', 'succeeded', 'succeeded']);
      const gaps = assertCheckSpacing(emulator.requests, 'pixai', TASK_PATH, 1500);
      assert.ok(gaps >= 6, `enough checks to measure (${gaps} gaps)`);
      const firstChecks = done.map((t) => emulator.task('pixai', t.remoteId!)!).map((t) => t.polls[0] - t.createdAt);
      assert.ok(firstChecks.every((ms) => ms >= 1500), `first checks after ${firstChecks.join(', ')} ms`);
    });

    it('cancels a waiting task through GraphQL', async () => {
      emulator.configure({ timing: { image: { queueMs: 60_000, runMs: 1000 } } });
      const submitted = await h.engine.submit(pixai('a fox'));
      const waiting = await h.reaches(submitted.id, ['submitted']);
      assert.strictEqual(await h.engine.cancel(waiting.id), 'cancelled');
      assert.strictEqual(h.store.get(waiting.id)?.state, 'cancelled');
      assert.strictEqual(emulator.task('pixai', waiting.remoteId!)?.phase, 'cancelled');
      const graphql = logged(emulator.requests, 'pixai', /^\/graphql$/, 'POST');
      assert.deepStrictEqual(graphql.map((r) => r.status), [200]);
      // The mutation's answer is not documented: the task is read back to confirm it.
      const after = emulator.requests.filter((r) => r.origin === 'pixai' && r.time >= graphql[0].time).map((r) => `${r.method} ${r.path}`);
      assert.strictEqual(after[0], 'POST /graphql');
      assert.ok(after.slice(1).includes(`GET /v1/task/${waiting.remoteId}`), after.join(', '));
    });

    it('reads a cancelled task back no sooner than 1.5 s after its last check', async () => {
      emulator.configure({ timing: { image: { queueMs: 60_000, runMs: 1000 } } });
      const submitted = await h.engine.submit(pixai('a patient fox'));
      // Cancel right after the poller's first check has been answered.
      await new Promise<void>((resolve) => {
        const subscription = h.store.onDidChange((change) => {
          if (change.task.id === submitted.id && change.task.lastCheckedAt !== undefined) {
            subscription.dispose();
            resolve();
          }
        });
      });
      assert.strictEqual(await h.engine.cancel(submitted.id), 'cancelled');
      const polls = emulator.task('pixai', h.store.get(submitted.id)!.remoteId!)!.polls;
      assert.ok(polls.length >= 2);
      const gap = polls[polls.length - 1] - polls[polls.length - 2];
      assert.ok(gap >= 1450, `the read-back came ${gap} ms after the previous check`);
    });

    it('does not call a task cancelled when PixAI answers without errors but the task is still waiting', async () => {
      emulator.configure({ timing: { image: { queueMs: 60_000, runMs: 1000 } } });
      const submitted = await h.engine.submit(pixai('a fox'));
      const waiting = await h.reaches(submitted.id, ['submitted']);
      // A reply without errors whose data says nothing useful: the read-back decides.
      emulator.inject({
        origin: 'pixai',
        path: '^/graphql$',
        action: { kind: 'status', status: 200, body: { data: { cancelGenerationTask: null } } },
      });
      assert.strictEqual(await adapter.cancel(h.api, waiting), 'notCancellable');
      assert.strictEqual(emulator.task('pixai', waiting.remoteId!)?.phase, 'queued');
      assert.strictEqual(h.store.get(waiting.id)?.state, 'submitted', 'still tracked');
    });

    it('says a running task cannot be cancelled, and stops tracking it only when asked', async () => {
      emulator.configure({ timing: { image: { queueMs: 0, runMs: 60_000 } } });
      const submitted = await h.engine.submit(pixai('a fox'));
      const sent = await h.reaches(submitted.id, ['submitted']);
      assert.strictEqual(emulator.task('pixai', sent.remoteId!)?.phase, 'running');
      assert.strictEqual(await h.engine.cancel(sent.id), 'notCancellable');
      assert.strictEqual(h.store.get(sent.id)?.state, 'submitted', 'still tracked');
      assert.strictEqual(emulator.task('pixai', sent.remoteId!)?.phase, 'running');
      assert.strictEqual(await h.engine.cancel(sent.id, true), 'cancelled');
      assert.match(h.store.get(sent.id)?.error?.message ?? '', /Stopped tracking\. PixAI cannot cancel it/);
    });
  });
});
