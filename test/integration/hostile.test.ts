/**
 * A misbehaving provider or CDN, measured in the extension host itself (these tests run inside it): a huge
 * Retry-After must not make the poller spin, an endless error body must not fill memory.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { MediaStudioApi } from '../../src/api';
import { buildSidecar, serializeSidecar } from '../../src/core/files/sidecar';
import { testHooksOf, type TestHooks } from '../../src/host/testHooks';
import { activateExtension, emulator, fileOf, freshEmulator, run, setKeys, submitsOf, waitForTask, workspaceFolder } from './helpers';

const MiB = 1024 * 1024;

describe('Hostile providers and CDNs, in the real extension host', function () {
  let api: MediaStudioApi;
  const control = emulator();
  let since = 0;
  let unique = 0;
  const promptFor = (text: string) => `${text} #${Date.now()}-${unique++}`;

  let hooks: TestHooks;

  before(async () => {
    api = await activateExtension();
    await setKeys();
    const found = testHooksOf(api);
    assert.ok(found, 'the extension hands out its test hooks when VS Code runs extension tests');
    hooks = found;
  });
  afterEach(() => {
    hooks.regenerateConfirmations.answer = undefined;
  });
  beforeEach(async () => {
    since = await freshEmulator(control);
  });

  it('a 429 with Retry-After: 99999999 on a status check leaves the host idle (< 10 % of a core over 5 s)', async function () {
    this.timeout(60_000);
    await control.inject({
      origin: 'pixapi',
      method: 'GET',
      path: '^/v1/tasks/',
      action: { kind: 'status', status: 429, retryAfter: 99_999_999 },
    });
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
    await control.inject({
      origin: 'cdn',
      method: 'GET',
      path: '^/r/',
      action: { kind: 'errorBody', status: 500, bytes: 200 * MiB },
      times: 4,
    });
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
    await control.inject({
      origin: 'cdn',
      method: 'GET',
      path: '^/r/',
      action: { kind: 'drip', bytesPerChunk: 1024, everyMs: 500 },
      times: 8,
    });
    const slow: string[] = [];
    for (let i = 0; i < 8; i++)
      slow.push(...(await run('mediaStudio.generateImage', { prompt: promptFor(`drip ${i}`), model: 'gpt-image-2', size: '1024x1024' })));
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

  /** A result and its sidecar as a cloned repository could ship them: never written by this machine. */
  async function foreignResult(name: string, prompt: string, n: number): Promise<vscode.Uri> {
    const png = vscode.Uri.joinPath(workspaceFolder(), 'foreign', `${name}.png`);
    await vscode.workspace.fs.writeFile(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const sidecar = buildSidecar({
      prompt,
      provider: 'pixapi',
      model: 'gpt-image-2',
      operation: 'generate',
      parameters: { n, size: '1024x1024' },
      taskId: 'elsewhere',
      createdAt: Date.now(),
      index: 1,
      count: 1,
    });
    await vscode.workspace.fs.writeFile(png.with({ path: `${png.path}.json` }), Buffer.from(serializeSidecar(sidecar)));
    return png;
  }

  it('Regenerate from a sidecar this machine did not write shows provider, model, count and cost, and sends nothing unless confirmed', async function () {
    this.timeout(60_000);
    const declinedPrompt = promptFor('ten thousand from a cloned repo');
    const summaries: string[] = [];
    hooks.regenerateConfirmations.answer = (summary) => (summaries.push(summary), false);
    const declined = await vscode.commands.executeCommand<string[] | undefined>(
      'mediaStudio.regenerate',
      await foreignResult('huge', declinedPrompt, 10_000),
    );
    assert.strictEqual(declined, undefined, 'no task without a yes');
    assert.strictEqual(summaries.length, 1, 'asked once');
    assert.match(summaries[0], /not written by Media Studio on this machine/);
    assert.match(summaries[0], /Pixapi/);
    assert.match(summaries[0], /gpt-image-2/);
    assert.match(summaries[0], /10,000 images/);
    assert.doesNotMatch(summaries[0], /for 1 image/);
    assert.strictEqual(await submitsOf(declinedPrompt, since), 0, 'nothing reached the provider');

    const acceptedPrompt = promptFor('two from a cloned repo');
    hooks.regenerateConfirmations.answer = () => true;
    const accepted = await vscode.commands.executeCommand<string[]>(
      'mediaStudio.regenerate',
      await foreignResult('two', acceptedPrompt, 2),
    );
    assert.ok(Array.isArray(accepted) && accepted.length === 1);
    const task = await api.waitForTask(accepted[0]);
    assert.strictEqual(task.state, 'succeeded', task.error?.message);
    assert.strictEqual(await submitsOf(acceptedPrompt, since), 1);
  });

  it('Regenerate from a sidecar this machine wrote does not ask', async function () {
    this.timeout(60_000);
    let asked = false;
    hooks.regenerateConfirmations.answer = () => (asked = true, false);
    const [id] = await run('mediaStudio.generateImage', { prompt: promptFor('own sidecar'), model: 'gpt-image-2', size: '1024x1024' });
    const first = await api.waitForTask(id);
    const again = await vscode.commands.executeCommand<string[]>('mediaStudio.regenerate', fileOf(first.results?.[0].file));
    assert.ok(Array.isArray(again) && again.length === 1 && again[0] !== id);
    assert.strictEqual(asked, false);
    assert.strictEqual((await api.waitForTask(again[0])).state, 'succeeded');
  });
});
