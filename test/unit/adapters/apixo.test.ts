import * as assert from 'assert';
import { checkRequest } from '../../../src/core/spec/validate';
import { ApixoAdapter, apixoInput, fetchApixoBalance, parseApixoStatus, APIXO_RESULT_LIFE_MS } from '../../../src/core/adapters/apixo';
import { DEFAULT_TUNING, nextPollDelay } from '../../../src/core/backoff';
import { ApiClient, HttpError, ProtocolError } from '../../../src/core/http';
import type { Task, TaskRequest } from '../../../src/core/task';
import type { ProviderEmulator } from '../../emulator';
import { harness, type Harness, KEYS, logged, request, startEmulator, withPolicy } from './harness';

function apixo(model: string, prompt: string, extra: Partial<TaskRequest> = {}): TaskRequest {
  return request('apixo', model, prompt, extra);
}

function video(model: string, prompt: string, extra: Partial<TaskRequest> = {}): TaskRequest {
  return apixo(model, prompt, { kind: 'video', operation: 'video', ...extra });
}

const IMAGE_URL = 'https://files.example/cat.png';

describe('Apixo adapter', () => {
  const adapter = new ApixoAdapter();

  describe('apixoInput', () => {
    it('passes params through by their Apixo names, with the prompt and image_urls', () => {
      const input = apixoInput(
        apixo('nano-banana', 'a cat', {
          params: { aspect_ratio: '16:9', resolution: '2K', output_format: 'jpeg', seed: 7, whatever: true },
          imageUrls: [IMAGE_URL],
        }),
      );
      assert.deepStrictEqual(input, {
        mode: 'image-to-image',
        prompt: 'a cat',
        aspect_ratio: '16:9',
        resolution: '2K',
        output_format: 'jpeg',
        seed: 7,
        whatever: true,
        image_urls: [IMAGE_URL],
      });
    });

    it("picks the catalog model's mode for the situation unless one was chosen", () => {
      const mode = (model: string, imageUrls?: string[], chosen?: string) =>
        apixoInput(apixo(model, 'x', { imageUrls, params: chosen ? { mode: chosen } : {} })).mode;
      assert.strictEqual(mode('nano-banana'), 'text-to-image');
      assert.strictEqual(mode('gpt-image-2', [IMAGE_URL]), 'image-to-image');
      assert.strictEqual(mode('flux-2'), 'pro-text-to-image');
      assert.strictEqual(mode('flux-2', [IMAGE_URL]), 'pro-image-to-image');
      assert.strictEqual(mode('wan-2-5'), 'text-to-video');
      assert.strictEqual(
        mode('sora-2', [IMAGE_URL]),
        undefined,
        'the sora-2 page documents no mode: image_urls alone makes it image-to-video',
      );
      assert.strictEqual(mode('veo-3-1'), 'fast');
      assert.strictEqual(mode('veo-3-1', [IMAGE_URL]), 'fast');
      assert.strictEqual(mode('kling-2-1'), 'master-text-to-video', 'the one tier with text-to-video');
      assert.strictEqual(mode('kling-2-1', [IMAGE_URL]), 'standard-image-to-video');
      assert.strictEqual(mode('kling-2-1', [IMAGE_URL, IMAGE_URL]), 'pro-image-to-video');
      assert.strictEqual(
        mode('kling-2-1', [IMAGE_URL], 'master-text-to-video'),
        'master-image-to-video',
        'the tier is kept, the image decides text or image',
      );
      assert.strictEqual(mode('flux-2', [IMAGE_URL], 'flex-text-to-image'), 'flex-image-to-image');
      assert.strictEqual(mode('veo-3-1', undefined, 'quality'), 'quality');
      assert.strictEqual(mode('some-new-model'), undefined, 'an unknown model gets no invented mode');
      assert.strictEqual(mode('some-new-model', undefined, 'turbo'), 'turbo');
    });
  });

  describe('parseApixoStatus', () => {
    it('maps the four states and keeps an unknown word', () => {
      const words = { pending: 'submitted', processing: 'running', failed: 'failed', queued_again: 'running' };
      for (const [word, state] of Object.entries(words))
        assert.strictEqual(parseApixoStatus({ taskId: 't', state: word }).state, state, word);
    });

    it('reads resultJson as a JSON string, dates expiry from completeTime, and never turns costTime into a cost', () => {
      const status = parseApixoStatus({
        taskId: 't',
        state: 'success',
        resultJson: '{"resultUrls":["https://cdn/a.png","https://cdn/b.png"]}',
        costTime: 4200,
        createTime: 1,
        completeTime: 1_000,
      });
      assert.strictEqual(status.state, 'succeeded');
      assert.deepStrictEqual(status.results, [
        { url: 'https://cdn/a.png', expiresAt: 1_000 + APIXO_RESULT_LIFE_MS },
        { url: 'https://cdn/b.png', expiresAt: 1_000 + APIXO_RESULT_LIFE_MS },
      ]);
      assert.strictEqual(status.cost, undefined);
    });

    it('refuses a malformed resultJson', () => {
      for (const resultJson of ['{"resultUrls": [', '{"urls": []}', undefined]) {
        assert.throws(() => parseApixoStatus({ taskId: 't', state: 'success', resultJson }), ProtocolError, String(resultJson));
      }
    });

    it('shows failCode and failMsg as they are', () => {
      const data = {
        taskId: 't',
        state: 'failed',
        failCode: 'SensitiveContentDetected',
        failMsg: 'Sensitive content detected in the output',
      };
      assert.deepStrictEqual(parseApixoStatus(data).error, {
        message: 'Apixo: Sensitive content detected in the output (SensitiveContentDetected)',
        code: 'SensitiveContentDetected',
        raw: data,
      });
    });
  });

  describe('validate', () => {
    it('takes reference images only as http(s) URLs, with no invented count limit', () => {
      assert.strictEqual(adapter.validate(apixo('nano-banana', 'x', { operation: 'edit', imageUrls: [IMAGE_URL] })), undefined);
      for (const bad of ['/home/me/cat.png', 'file:///home/me/cat.png', 'C:\\cat.png', 'cat.png']) {
        assert.match(
          adapter.validate(apixo('nano-banana', 'x', { imageUrls: [bad] })) ?? '',
          /Apixo takes reference images only as public URLs/,
          bad,
        );
      }
      // Apixo documents ≤ 10 MB each and JPEG/PNG/WebP, not a number of images.
      const many = Array.from({ length: 16 }, (_, i) => `https://files.example/${i}.png`);
      assert.strictEqual(adapter.validate(apixo('nano-banana', 'x', { imageUrls: many })), undefined);
    });

    it('explains that workspace files cannot be sent', () => {
      assert.match(
        adapter.validate(apixo('nano-banana', 'x', { operation: 'edit', images: ['file:///ws/a.png'] })) ?? '',
        /only as public URLs, not as files/,
      );
      assert.match(adapter.validate(apixo('nano-banana', 'x', { operation: 'edit' })) ?? '', /at least one image URL/);
    });

    it('leaves the model\'s kind, modes and fields to its spec (checkRequest), which catches them before sending', () => {
      assert.match(checkRequest(apixo('sora-2', 'x')).problem ?? '', /makes videos, not images/);
      assert.match(
        checkRequest(apixo('kling-2-1', 'x', { kind: 'video', operation: 'video', params: { mode: 'standard-image-to-video' } })).problem ??
          '',
        /needs at least one reference image URL/,
      );
      assert.match(
        checkRequest(apixo('brand-new-model', 'x', { params: { anything: 'goes' } })).problem ?? '',
        /does not document "anything"/,
      );
      assert.strictEqual(
        checkRequest({ ...apixo('brand-new-model', 'x'), extra: { anything: 'goes' } }).problem,
        undefined,
        'in extra it is sent as given',
      );
    });
  });

  describe('policy', () => {
    const random = () => 0.5;
    it('follows Apixo’s advice: images at 5 s then every ≥ 3 s; videos at 60 s then about every 15 s; at most 30 s', () => {
      const { policy } = adapter;
      // backoff.ts applies its jitter after the minimum interval, so a later check may come up to 10 % early.
      const videoShortest = policy.minIntervalMs.video * (1 - DEFAULT_TUNING.jitter);
      assert.strictEqual(nextPollDelay(policy, { kind: 'image', ageMs: 0, checks: 0, errorStreak: 0 }, random), 5000);
      assert.strictEqual(nextPollDelay(policy, { kind: 'video', ageMs: 0, checks: 0, errorStreak: 0 }, random), 60_000);
      let previousVideo = 0;
      for (let checks = 1; checks < 30; checks++) {
        const image = nextPollDelay(policy, { kind: 'image', ageMs: 5000 + checks * 3000, checks, errorStreak: 0 }, random);
        const later = nextPollDelay(policy, { kind: 'video', ageMs: 60_000 + checks * 15_000, checks, errorStreak: 0 }, random);
        assert.ok(image >= 3000 && image <= 30_000, `image wait ${image}`);
        assert.ok(later >= videoShortest && later <= 30_000, `video wait ${later}`);
        if (previousVideo) assert.ok(later <= previousVideo * 1.5, `video wait grows faster than ×1.5: ${previousVideo} → ${later}`);
        previousVideo = later;
      }
      // An old task is checked every 30 s at most, never less often.
      assert.strictEqual(nextPollDelay(policy, { kind: 'video', ageMs: 3600_000, checks: 100, errorStreak: 0 }, () => 0), 30_000);
    });

    it('backs off ×1.5 from 3 s up to 30 s after failed checks', () => {
      const waits = [1, 2, 3, 4, 5, 6, 7, 8].map((errorStreak) =>
        nextPollDelay(adapter.policy, { kind: 'image', ageMs: 60_000, checks: 4, errorStreak }, () => 0),
      );
      assert.deepStrictEqual(waits, [3000, 4500, 6750, 10_125, 15_188, 22_781, 30_000, 30_000]);
    });

    it('takes its limits from the plan: Free 3 tasks and 10 requests a minute, Pro 10 and 60', () => {
      let plan: 'free' | 'pro' = 'free';
      const planned = new ApixoAdapter(() => plan);
      assert.deepStrictEqual([planned.policy.maxActiveTasks, planned.policy.requestsPerMinute], [3, 10]);
      plan = 'pro';
      assert.deepStrictEqual([planned.policy.maxActiveTasks, planned.policy.requestsPerMinute], [10, 60], 'a plan change applies at once');
      assert.deepStrictEqual([adapter.policy.maxActiveTasks, adapter.policy.requestsPerMinute], [10, 60], 'Pro without a setting');
    });

    it('shows a task as stale only well past the longest run Apixo expects (~3 min image, ~10 min video)', () => {
      const deadlines = adapter.policy.deadlinesMs;
      assert.ok(deadlines && deadlines.image >= 3 * 3 * 60_000 && deadlines.video >= 3 * 10 * 60_000, JSON.stringify(deadlines));
    });
  });

  describe('against the emulator', function () {
    this.timeout(30_000);
    let emulator: ProviderEmulator;
    let h: Harness;
    // Result tests need no real waiting: the same adapter polls at 100 ms here (its real policy is tested above).
    const fast = withPolicy(adapter, {
      floorMs: 100,
      firstCheckMs: { image: 100, video: 100 },
      minIntervalMs: { image: 100, video: 100 },
      maxActiveTasks: 10,
    });

    before(async () => {
      emulator = await startEmulator();
    });
    after(() => emulator.close());
    beforeEach(() => {
      // The base URL is the origin, as in the setting; the adapter adds /api/v1.
      h = harness({ provider: 'apixo', adapter: fast, baseUrl: emulator.urls.apixo, key: KEYS.apixo });
    });
    afterEach(() => {
      h.dispose();
      emulator.reset();
    });

    function remote(task: Task) {
      const found = emulator.task('apixo', task.remoteId ?? '');
      assert.ok(found, `the emulator knows task ${task.remoteId}`);
      return found;
    }

    it('makes an image: envelope read, status under the same model, results with their 24 h expiry, no cost', async () => {
      const task = await h.run(apixo('nano-banana', 'a futuristic city', { params: { aspect_ratio: '16:9', output_format: 'jpeg' } }));
      assert.strictEqual(task.state, 'succeeded');
      assert.strictEqual(task.remoteState, 'success');
      const at = remote(task);
      assert.deepStrictEqual(at.request, {
        request_type: 'async',
        input: { mode: 'text-to-image', prompt: 'a futuristic city', aspect_ratio: '16:9', output_format: 'jpeg' },
      });
      assert.deepStrictEqual(task.results, at.resultUrls.map((url) => ({ url, expiresAt: at.endedAt! + APIXO_RESULT_LIFE_MS })));
      assert.ok(task.results?.[0].url?.endsWith('.jpg'));
      assert.strictEqual(task.cost, undefined, 'costTime is processing time, not money');
      const polls = logged(emulator.requests, 'apixo', /^\/api\/v1\/statusTask\//);
      assert.ok(
        polls.length >= 1 && polls.every((r) => r.path === '/api/v1/statusTask/nano-banana' && r.query === `taskId=${task.remoteId}`),
        JSON.stringify(polls.map((r) => `${r.path}?${r.query}`)),
      );
      assert.strictEqual(h.saved.length, 1);
    });

    it('makes a video with the catalog default mode', async () => {
      const task = await h.run(video('veo-3-1', 'a slow pan over hills', { params: { aspect_ratio: '9:16' } }));
      assert.strictEqual(task.state, 'succeeded');
      const at = remote(task);
      assert.strictEqual(at.kind, 'video');
      assert.deepStrictEqual(at.request, {
        request_type: 'async',
        input: { mode: 'fast', prompt: 'a slow pan over hills', aspect_ratio: '9:16' },
      });
      assert.strictEqual(task.results?.length, 1);
      assert.ok(task.results?.[0].url?.endsWith('.mp4'));
    });

    it("edits a previous result by its URL (image-to-image)", async () => {
      const first = await h.run(apixo('nano-banana', 'a cat'));
      const sourceUrl = first.results?.[0].url ?? '';
      const second = await h.run(apixo('nano-banana', 'the same cat in a hat', { operation: 'edit', imageUrls: [sourceUrl] }));
      assert.strictEqual(second.state, 'succeeded', second.error?.message);
      assert.deepStrictEqual(remote(second).request, {
        request_type: 'async',
        input: { mode: 'image-to-image', prompt: 'the same cat in a hat', image_urls: [sourceUrl] },
      });
    });

    it('reports a failed task with failCode and failMsg as Apixo said them', async () => {
      const [violation, sensitive] = await Promise.all([
        h.run(apixo('nano-banana', 'x [fail]')),
        h.run(apixo('nano-banana', 'y [fail:SensitiveContentDetected]')),
      ]);
      assert.strictEqual(violation.state, 'failed');
      assert.strictEqual(violation.error?.message, 'Apixo: The generated content violates the content policy (CONTENT_VIOLATION)');
      assert.strictEqual(violation.error?.code, 'CONTENT_VIOLATION');
      assert.strictEqual(sensitive.state, 'failed');
      assert.strictEqual(sensitive.error?.message, 'Apixo: Sensitive content detected in the output (SensitiveContentDetected)');
      assert.strictEqual(sensitive.error?.code, 'SensitiveContentDetected');
      assert.strictEqual((sensitive.error?.raw as { failCode?: string }).failCode, 'SensitiveContentDetected');
      assert.strictEqual(h.saved.length, 0);
    });

    it('shows a 401 as a key problem', async () => {
      emulator.inject({ origin: 'apixo', path: '/generateTask/', action: { kind: 'status', status: 401 } });
      const task = await h.run(apixo('nano-banana', 'a cat'));
      assert.strictEqual(task.state, 'failed');
      assert.strictEqual(task.error?.status, 401);
      assert.match(task.error?.message ?? '', /Apixo rejected the API key/);
    });

    it('reads 402, and "insufficient credits" in any envelope, as the same out-of-funds message', async () => {
      const outcomes: Task[] = [];
      // 1. the emulator's own 402: the balance is too low
      emulator.configure({ credits: { apixo: 0 } });
      outcomes.push(await h.run(apixo('nano-banana', 'a')));
      emulator.reset();
      // 2. HTTP 200 whose envelope says INSUFFICIENT_CREDITS with code 402
      emulator.inject({
        origin: 'apixo',
        path: '/generateTask/',
        action: { kind: 'status', status: 200, body: { code: 402, message: 'INSUFFICIENT_CREDITS', data: null } },
      });
      outcomes.push(await h.run(apixo('nano-banana', 'b')));
      // 3. an HTTP 400 whose envelope says insufficient credits
      emulator.inject({
        origin: 'apixo',
        path: '/generateTask/',
        action: {
          kind: 'status',
          status: 400,
          body: { code: 400, message: 'Insufficient credits', data: { error: 'insufficient credits' } },
        },
      });
      outcomes.push(await h.run(apixo('nano-banana', 'c')));
      for (const task of outcomes) {
        assert.strictEqual(task.state, 'failed', task.request.prompt);
        assert.strictEqual(task.error?.status, 402, task.request.prompt);
        assert.strictEqual(task.error?.message, outcomes[0].error?.message, task.request.prompt);
      }
      assert.match(outcomes[0].error?.message ?? '', /out of credits/);
    });

    it('shows an envelope error inside an HTTP 200 as the error it names', async () => {
      emulator.inject({
        origin: 'apixo',
        path: '/generateTask/',
        action: {
          kind: 'status',
          status: 200,
          body: { code: 400, message: 'Invalid request parameters', data: { error: 'input.aspect_ratio must be one of 1:1, 16:9' } },
        },
      });
      const task = await h.run(apixo('nano-banana', 'a cat'));
      assert.strictEqual(task.state, 'failed');
      assert.strictEqual(task.error?.status, 400);
      assert.match(
        task.error?.message ?? '',
        /Apixo rejected the request as invalid\. Apixo said: "input\.aspect_ratio must be one of 1:1, 16:9"/,
      );
      assert.strictEqual(emulator.tasks('apixo').length, 0);
    });

    it('treats a code-500 envelope on a poll like a server error: retried, then done', async () => {
      emulator.inject({
        origin: 'apixo',
        path: '/statusTask/',
        action: { kind: 'status', status: 200, body: { code: 500, message: 'Internal server error', data: null } },
      });
      const task = await h.run(apixo('nano-banana', 'a cat'));
      assert.strictEqual(task.state, 'succeeded');
      assert.ok(logged(emulator.requests, 'apixo', /\/statusTask\//).length >= 2);
    });

    it('sends a submit refused with 429 again once Retry-After has passed', async () => {
      emulator.inject({ origin: 'apixo', path: '/generateTask/', action: { kind: 'status', status: 429, retryAfter: 1 } });
      const task = await h.run(apixo('nano-banana', 'a cat'));
      assert.strictEqual(task.state, 'succeeded');
      const submits = logged(emulator.requests, 'apixo', /\/generateTask\//);
      assert.deepStrictEqual(submits.map((r) => r.status), [429, 200]);
      assert.ok(submits[1].time - submits[0].time >= 1000, `resent after ${submits[1].time - submits[0].time} ms`);
    });

    it('keeps checking after an HTTP 500 on a poll', async () => {
      emulator.inject({ origin: 'apixo', path: '/statusTask/', action: { kind: 'status', status: 500 } });
      const task = await h.run(apixo('nano-banana', 'a cat'));
      assert.strictEqual(task.state, 'succeeded');
      const statuses = logged(emulator.requests, 'apixo', /\/statusTask\//).map((r) => r.status);
      assert.strictEqual(statuses[0], 500);
      assert.strictEqual(statuses[statuses.length - 1], 200);
    });

    it('turns a success with a malformed resultJson into a ProtocolError', async () => {
      const submitted = await h.engine.submit(apixo('nano-banana', 'a cat'));
      const sent = await h.reaches(submitted.id, ['submitted']);
      h.dispose(); // the engine stops; the adapter is asked directly
      emulator.inject({
        origin: 'apixo',
        path: '/statusTask/',
        action: {
          kind: 'status',
          status: 200,
          body: { code: 200, message: 'success', data: { taskId: sent.remoteId, state: 'success', resultJson: '{"resultUrls": [' } },
        },
      });
      await assert.rejects(adapter.poll(h.api, sent), ProtocolError);
    });

    it('reads the balance in USD', async () => {
      assert.strictEqual(await fetchApixoBalance(h.api), 74.87);
      await h.run(apixo('nano-banana', 'a cat'));
      assert.strictEqual(await fetchApixoBalance(h.api), emulator.balance('apixo'));
      assert.ok(emulator.balance('apixo') < 74.87);
      const wrongKey = new ApiClient({ baseUrl: emulator.urls.apixo, key: 'not-the-key' });
      await assert.rejects(fetchApixoBalance(wrongKey), (e: unknown) => e instanceof HttpError && e.status === 401);
    });
  });
});
