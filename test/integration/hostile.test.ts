/**
 * A misbehaving provider or CDN, measured in the extension host itself (these tests run inside it): a huge
 * Retry-After must not make the poller spin, an endless error body must not fill memory.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { MediaStudioApi } from '../../src/api';
import { activateExtension, emulator, freshEmulator, run, setKeys, waitForTask } from './helpers';

const MiB = 1024 * 1024;

describe('Hostile providers and CDNs, in the real extension host', function () {
  let api: MediaStudioApi;
  const control = emulator();
  let since = 0;
  let unique = 0;
  const promptFor = (text: string) => `${text} #${Date.now()}-${unique++}`;

  before(async () => {
    api = await activateExtension();
    await setKeys();
  });
  beforeEach(async () => {
    since = await freshEmulator(control);
  });

  it('a 429 with Retry-After: 99999999 on a status check leaves the host idle (< 10 % of a core over 5 s)', async function () {
    this.timeout(60_000);
    await control.inject({ origin: 'pixapi', method: 'GET', path: '^/v1/tasks/', action: { kind: 'status', status: 429, retryAfter: 99_999_999 } });
    const [id] = await run('mediaStudio.generateImage', { prompt: promptFor('hostile retry-after'), model: 'gpt-image-2' });
    const refused = await waitForTask(api, id, (t) => t.error?.status === 429);
    assert.ok(!['failed', 'cancelled'].includes(refused.state), 'a rate-limited check does not end the task');
    const cpuBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    // The measurement itself: a window of host time in which nothing should happen (no event marks "idle").
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const elapsedUs = Number(process.hrtime.bigint() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const share = (cpu.user + cpu.system) / elapsedUs;
    assert.ok(share < 0.1, `the host used ${(share * 100).toFixed(1)} % of a core in the 5 s after the 429`);
    assert.notStrictEqual((await api.getTask(id))?.state, 'failed');
    // Refresh checks at once whatever the provider asked for; the fault was used up, so the task finishes.
    await vscode.commands.executeCommand('mediaStudio.refresh', id);
    const done = await api.waitForTask(id);
    assert.strictEqual(done.state, 'succeeded', done.error?.message);
  });

  it('a CDN answering 500 with a 200 MiB body raises resident memory by < 32 MiB, and the error is shown', async function () {
    this.timeout(120_000);
    // Every download attempt (4) gets the endless body.
    await control.inject({ origin: 'cdn', method: 'GET', path: '^/r/', action: { kind: 'errorBody', status: 500, bytes: 200 * MiB }, times: 4 });
    const before = process.memoryUsage().rss;
    const [id] = await run('mediaStudio.generateImage', { prompt: promptFor('hostile error body'), model: 'gpt-image-2' });
    const task = await api.waitForTask(id);
    const grown = (process.memoryUsage().rss - before) / MiB;
    assert.strictEqual(task.state, 'succeeded', 'the task itself succeeded at the provider');
    assert.match(task.results?.[0].saveError ?? '', /answered 500/);
    assert.ok(grown < 32, `resident memory grew by ${grown.toFixed(1)} MiB`);
    const downloads = (await control.requests(since)).filter((r) => r.origin === 'cdn' && r.fault === 'errorBody:500');
    assert.strictEqual(downloads.length, 4, 'tried under the usual attempt limit');
  });

  it('eight drip-fed downloads hold no status check: a new task is sent, checked and finished meanwhile', async function () {
    this.timeout(120_000);
    // 14.7 KB PNGs at 1 KiB every 500 ms: each download takes about 7 s.
    await control.inject({ origin: 'cdn', method: 'GET', path: '^/r/', action: { kind: 'drip', bytesPerChunk: 1024, everyMs: 500 }, times: 8 });
    const slow: string[] = [];
    for (let i = 0; i < 8; i++) slow.push(...await run('mediaStudio.generateImage', { prompt: promptFor(`drip ${i}`), model: 'gpt-image-2', size: '1024x1024' }));
    await Promise.all(slow.map((id) => waitForTask(api, id, (t) => t.state === 'succeeded')));
    const [quick] = await run('mediaStudio.generateImage', { prompt: promptFor('not held up'), model: 'gpt-image-2', size: '1024x1024' });
    await waitForTask(api, quick, (t) => t.state === 'succeeded');
    const stillDripping = (await Promise.all(slow.map((id) => api.getTask(id)))).filter((t) => !t?.results?.[0]?.file).length;
    assert.ok(stillDripping >= 1, 'the new task finished while drip-fed downloads were still running');
    for (const id of [...slow, quick]) {
      const task = await api.waitForTask(id);
      assert.ok(task.results?.[0]?.file, `${id}: saved (${task.results?.[0]?.saveError ?? ''})`);
    }
  });
});
