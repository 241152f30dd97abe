import * as assert from 'assert';
import * as vscode from 'vscode';
import type { MediaStudioApi } from '../../src/api';
import { PIXAI_EXAMPLE_MODEL_VERSION_ID } from '../../src/core/adapters/pixai.spec';
import type { ProviderAdapter } from '../../src/core/adapters/adapter';
import { APIXO_PLANS } from '../../src/core/adapters/apixo.spec';
import { systemClock } from '../../src/core/engine';
import { Admission } from '../../src/core/engine/admission';
import type { TaskStore } from '../../src/core/store';
import type { TaskRequest } from '../../src/core/task';
import type { ShownStep as FlowStep } from '../../src/host/quickInputs';
import { FileRequestLog } from '../../src/host/requestLog';
import { ledgerAt } from '../../src/host/spending/files';
import type { SpendingPrompts } from '../../src/host/spending/spending';
import { testHooksOf, type TestHooks } from '../../src/host/testHooks';
import { activateExtension, clearKeys, emulator, EXTENSION_ID, freshEmulator, setKeys, submitsOf, workspaceFolder } from './helpers';

function hooks(): TestHooks {
  const found = testHooksOf(vscode.extensions.getExtension(EXTENSION_ID)?.exports);
  assert.ok(found, 'the extension hands out its test hooks only when VS Code runs extension tests');
  return found;
}

const SETTINGS = ['dailyLimitUSD', 'monthlyLimitUSD', 'confirmAboveUSD'] as const;

async function setLimit(name: (typeof SETTINGS)[number], value: number | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('mediaStudio').update(`spending.${name}`, value, vscode.ConfigurationTarget.Global);
}

const cents = (usd: number) => Math.round(usd * 100) / 100;
const usd = (value: number) => `$${value.toFixed(2)}`;

/** Today's spent + queued, over every window. */
async function usedToday(): Promise<number> {
  const today = await hooks().spending.today();
  return cents(today.spentUSD + today.queuedUSD);
}

/** Resolves once the ledger says `accept` (checked at each ledger change, and once now). */
function ledgerUntil(accept: () => Promise<boolean>): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const check = () => void accept().then((ok) => {
      if (ok && !done) {
        done = true;
        subscription.dispose();
        resolve();
      }
    });
    const subscription = hooks().spending.onDidChange(check);
    check();
  });
}

/** Waits for every task other suites left running, so today's total stays still during a test. */
async function idle(api: MediaStudioApi): Promise<void> {
  const busy = (await api.listTasks()).filter((t) => ['queued', 'submitting', 'submitted', 'running'].includes(t.state));
  await Promise.all(busy.map((t) => api.waitForTask(t.id)));
}

/** Records the questions asked and answers them with `answer`. */
function answering(answer: boolean): SpendingPrompts & { asked: string[] } {
  const asked: string[] = [];
  return { asked, confirm: async (message, detail) => (asked.push(`${message} ${detail}`), answer) };
}

function imageArgs(prompt: string, extra: Record<string, unknown> = {}) {
  return { provider: 'pixapi', model: 'gpt-image-2', prompt, ...extra };
}

describe('spending: limits, confirmations and the shared ledger in the real host', function () {
  this.timeout(120_000);
  let api: MediaStudioApi;
  let since = 0;
  let prompts: SpendingPrompts;

  before(async () => {
    api = await activateExtension();
    await setKeys();
    since = await freshEmulator(emulator());
    prompts = hooks().spending.prompts;
    await idle(api);
  });

  afterEach(async () => {
    for (const name of SETTINGS) await setLimit(name, undefined);
    hooks().spending.prompts = prompts;
  });

  after(clearKeys);

  it('a daily limit of $0.20 with gpt-image-2 at 14 credits an image: the request that would pass it is refused with the message and nothing is sent; at $0.30 the second is sent and the third refused', async () => {
    const base = await usedToday();
    await setLimit('dailyLimitUSD', cents(base + 0.2));
    const [first] = await vscode.commands.executeCommand<string[]>('mediaStudio.generateImage', imageArgs('spending limit 1'));
    const done = await api.waitForTask(first);
    assert.strictEqual(done.state, 'succeeded');
    assert.deepStrictEqual(done.cost, { amount: 14, unit: 'credits' }, 'Pixapi reports 14 credits for gpt-image-2 at 1K, quality auto');
    await ledgerUntil(async () => (await usedToday()) === cents(base + 0.14));
    const entry = await hooks().spending.ledger.entryOf(first);
    assert.deepStrictEqual(entry && [entry.state, entry.usd, entry.basis], ['settled', 0.14, 'reported']);

    const refusal = (limit: number, spent: number, left: number) =>
      new RegExp(
        `^Not sent: the daily spending limit is \\${usd(limit)}; \\${usd(spent)} spent( and \\$\\d+\\.\\d\\d queued)? today, \\${usd(left)} left, and this request is estimated at up to \\$0\\.14\\. Raise or clear the setting "mediaStudio\\.spending\\.dailyLimitUSD" to go on\\.$`,
      );
    const queued = (await hooks().spending.today()).queuedUSD;
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('mediaStudio.generateImage', imageArgs('spending limit 2'))),
      (error: Error) => refusal(cents(base + 0.2), cents(base + 0.14 - queued), 0.06).test(error.message) || assert.fail(error.message),
    );
    assert.strictEqual(await submitsOf('spending limit 2', since), 0, 'nothing was sent');
    assert.ok(!(await api.listTasks()).some((t) => t.request.prompt === 'spending limit 2'), 'no task was stored');

    await setLimit('dailyLimitUSD', cents(base + 0.3));
    const [second] = await vscode.commands.executeCommand<string[]>('mediaStudio.generateImage', imageArgs('spending limit 2'));
    assert.strictEqual((await api.waitForTask(second)).state, 'succeeded', 'the second request is sent');
    await ledgerUntil(async () => (await usedToday()) === cents(base + 0.28));
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('mediaStudio.generateImage', imageArgs('spending limit 3'))),
      (error: Error) => refusal(cents(base + 0.3), cents(base + 0.28 - queued), 0.02).test(error.message) || assert.fail(error.message),
    );
    assert.strictEqual(await submitsOf('spending limit 3', since), 0, 'the third was not sent');
    assert.match(
      await hooks().spendingTooltip(),
      /\n\nSpent today: (.* · )?Pixapi \$\d+\.\d\d/,
      "the status bar item's tooltip shows today's spending by provider",
    );
  });

  it("the chat tool's confirmation shows the amount when it is above confirmAboveUSD; a command asks in a modal and sends nothing when declined", async () => {
    await setLimit('confirmAboveUSD', 0.1);
    const prepared = await hooks().lmTools.generate_image.prepareInvocation({
      input: { prompt: 'spending agent', provider: 'pixapi', model: 'gpt-image-2', count: 2 },
    });
    const message = prepared.confirmationMessages?.message;
    const text = (typeof message === 'string' ? message : (message?.value ?? ''))
      .replace(/&nbsp;/g, ' ')
      .replace(/\\([\\`*_{}[\]()#+\-.!<>|~])/g, '$1');
    assert.ok(text.includes('Estimated cost: $0.28 for 2 image(s)'), text);
    assert.ok(
      text.includes('This is above $0.10, the amount you asked to confirm (setting "mediaStudio.spending.confirmAboveUSD").'),
      text,
    );

    const declining = answering(false);
    hooks().spending.prompts = declining;
    const none = await vscode.commands.executeCommand<string[] | undefined>(
      'mediaStudio.generateImage',
      imageArgs('spending confirm declined'),
    );
    assert.strictEqual(none, undefined, 'declined: no task');
    assert.deepStrictEqual(declining.asked, [
      'This request is estimated at $0.14. That is above $0.10, the amount you asked to confirm (setting "mediaStudio.spending.confirmAboveUSD"). Spent today: ' +
        usd((await hooks().spending.today()).spentUSD) +
        '.',
    ]);
    assert.strictEqual(await submitsOf('spending confirm declined', since), 0);

    const accepting = answering(true);
    hooks().spending.prompts = accepting;
    const [id] = await vscode.commands.executeCommand<string[]>(
      'mediaStudio.generateImage',
      imageArgs('spending confirm accepted', { quality: 'low' }),
    );
    assert.ok(id, 'a request under the threshold is sent without asking');
    assert.deepStrictEqual(accepting.asked, []);
    await api.waitForTask(id);
  });

  it('with a limit set, a model of unknown price is allowed once a day, after asking', async () => {
    await setLimit('dailyLimitUSD', cents((await usedToday()) + 50));
    const declining = answering(false);
    hooks().spending.prompts = declining;
    const args = { provider: 'pixai', model: PIXAI_EXAMPLE_MODEL_VERSION_ID };
    assert.strictEqual(
      await vscode.commands.executeCommand('mediaStudio.generateImage', { ...args, prompt: 'spending unknown 1' }),
      undefined,
    );
    assert.deepStrictEqual(
      declining.asked.map((q) => q.split('?')[0]),
      [`PixAI does not report prices; allow tasks of ${PIXAI_EXAMPLE_MODEL_VERSION_ID} today`],
    );
    assert.strictEqual(await submitsOf('spending unknown 1', since), 0);

    const accepting = answering(true);
    hooks().spending.prompts = accepting;
    const [a] = await vscode.commands.executeCommand<string[]>('mediaStudio.generateImage', { ...args, prompt: 'spending unknown 2' });
    const [b] = await vscode.commands.executeCommand<string[]>('mediaStudio.generateImage', { ...args, prompt: 'spending unknown 3' });
    assert.strictEqual(accepting.asked.length, 1, 'asked once for the model today');
    const finished = await Promise.all([api.waitForTask(a), api.waitForTask(b)]);
    assert.deepStrictEqual(finished.map((t) => t.state), ['succeeded', 'succeeded']);
    await ledgerUntil(async () => (await hooks().spending.ledger.entryOf(b))?.state === 'settled');
    const entry = await hooks().spending.ledger.entryOf(b);
    assert.deepStrictEqual(entry && [entry.usd, entry.basis], [undefined, 'unknown'], 'PixAI reports no cost: recorded as unknown');
  });

  it('two windows (two ledgers on the same global-storage folder) racing near the limit never pass it together', async () => {
    const base = await usedToday();
    await setLimit('dailyLimitUSD', cents(base + 0.42)); // room for exactly three requests of $0.14
    const other = ledgerAt(hooks().spendingFolder);
    const request: TaskRequest = {
      provider: 'pixapi',
      model: 'gpt-image-2',
      operation: 'generate',
      kind: 'image',
      prompt: 'spending race',
      params: {},
      workspaceFolder: workspaceFolder().toString(),
    };
    const limits = hooks().spending.limits();
    const mine = Array.from({ length: 4 }, () => hooks().spending.admit([request], 'api').then((ids) => ids, () => undefined));
    const theirs = Array.from({ length: 4 }, () =>
      other
        .reserve([{ provider: 'pixapi', model: 'gpt-image-2', usd: 0.14, minUSD: 0.14 }], limits)
        .then((o) => (o.ok ? o.ids : undefined)),
    );
    const [here, there] = [await Promise.all(mine), await Promise.all(theirs)];
    const passed = here.filter(Boolean).length + there.filter(Boolean).length;
    assert.strictEqual(
      passed,
      3,
      `exactly three of eight fit under the limit (this window ${here.filter(Boolean).length}, the other ${there.filter(Boolean).length})`,
    );
    assert.ok((await usedToday()) <= cents(base + 0.42), 'the limit holds');
    for (const ids of here) for (const id of ids ?? []) await hooks().spending.release(id);
    for (const ids of there) for (const id of ids ?? []) await other.release(id);
    assert.strictEqual(await usedToday(), base, 'released reservations count nothing');
  });

  it('two windows (two request logs on the same task folder) never pass a requests-a-minute budget together', () => {
    const mine = hooks().requestLog;
    assert.ok(mine, 'the task folder is on disk: the budget is shared through it');
    const limit = APIXO_PLANS.free.requestsPerMinute;
    // Two budgets as two windows' engines hold them: this window's own log, and a second log on its folder. They
    // count Pixapi's requests (Pixapi has no budget of its own), so the engine's Apixo budget is left untouched.
    const budgetOn = (requestLog: FileRequestLog) => new Admission({
      clock: systemClock,
      store: undefined as unknown as TaskStore, // the budget never looks at tasks
      adapters: new Map([['pixapi', { policy: { requestsPerMinute: limit } } as ProviderAdapter]]),
      deadlineMs: () => 60_000,
      requestLog,
    });
    const recent = () => new FileRequestLog(mine.folder).read('pixapi', limit).times.filter((t) => Date.now() - t < 61_000).length;
    const before = recent();
    const windows = [budgetOn(mine), budgetOn(new FileRequestLog(mine.folder))];
    const taken = [0, 0];
    for (let turn = 0; turn < 2 * limit; turn++) if (windows[turn % 2].take('pixapi', Date.now()) === undefined) taken[turn % 2] += 1;
    const total = taken[0] + taken[1];
    const shown = `this window ${taken[0]}, the other ${taken[1]}, ${before} before`;
    // Past half the budget, requests are paced: one window alone would send up to half of it now, and so do both.
    assert.ok(total <= Math.max(Math.ceil(limit / 2) - before, 1), `one burst over both windows (${shown})`);
    if (before === 0)
      assert.ok(total === Math.ceil(limit / 2) && taken[0] > 0 && taken[1] > 0, `both windows sent, half the budget in all (${shown})`);
    assert.ok(recent() <= limit, `the budget holds on disk (${recent()} in the last minute)`);
    const [first, second] = [new FileRequestLog(mine.folder), new FileRequestLog(mine.folder)];
    const seen = first.read('pixapi', limit);
    assert.strictEqual(first.record('pixapi', seen.next, Date.now()), true);
    assert.strictEqual(second.record('pixapi', seen.next, Date.now()), false, 'a place read by both windows is taken by one');
  });

  it('the Generate Image and Generate Video quick inputs show the estimate on their last step', async () => {
    /** Runs a flow through its steps, choosing `provider` and `model`, and cancels at the last step, which it returns. */
    const lastStepOf = async (command: string, provider: string, model: string, prompt: string): Promise<FlowStep> => {
      let last: FlowStep | undefined;
      hooks().flowAnswers.answer = (step) => {
        const [, at, of] = /\((\d+)\/(\d+)\)$/.exec(step.title ?? '') ?? [];
        if (at !== undefined && at === of) {
          last = step;
          return undefined; // cancelled: nothing is sent
        }
        if (step.kind === 'input') return step.prompt?.startsWith('Describe') ? prompt : '';
        const labels = step.items.filter((i) => i.kind !== vscode.QuickPickItemKind.Separator).map((i) => i.label);
        return [provider, model, 'Default'].find((label) => labels.includes(label)) ?? labels[0];
      };
      try {
        assert.deepStrictEqual(await vscode.commands.executeCommand(command), [], 'cancelled at the last step');
      } finally {
        hooks().flowAnswers.answer = undefined;
      }
      assert.ok(last, `${command} reached its last step`);
      assert.strictEqual(await submitsOf(prompt, since), 0, 'nothing was sent');
      return last;
    };
    const shown = (step: FlowStep) =>
      (step.kind === 'pick' ? [step.placeHolder, ...step.items.map((i) => i.description)] : [step.prompt]).join('\n');

    const image = await lastStepOf('mediaStudio.generateImage', 'Pixapi', 'gpt-image-2', 'estimate on the last step: an image');
    assert.match(shown(image), /estimate \$0\.14 for 1 image\(s\)/, 'the count step: each count\'s estimate');
    // A video has no count: its last step is another one (here the input image), which shows the estimate too.
    const video = await lastStepOf('mediaStudio.generateVideo', 'Apixo', 'veo-3-1', 'estimate on the last step: a video');
    assert.match(shown(video), /estimate \$0\.20(–\$1\.50)? for /, shown(video));
  });

  it('Show Spending opens its own webview with the month against the limit and the most expensive tasks', async () => {
    await setLimit('monthlyLimitUSD', 25);
    await vscode.commands.executeCommand('mediaStudio.showSpending');
    const view = hooks().spendingView;
    assert.ok(view.isOpen);
    assert.match(view.lastHtml, /content="default-src 'none'; style-src [^;]+; script-src 'nonce-[^']+'"/);
    assert.match(view.lastHtml, /This month<\/h3><p><strong>\$\d+\.\d\d<\/strong> of \$25\.00, \$\d+\.\d\d left/);
    assert.match(view.lastHtml, /Apixo balance: \$\d+\.\d\d/, 'Apixo\'s balance, its key being set');
    const listed = [...view.lastHtml.matchAll(/data-task="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(listed.length > 0, 'the most expensive tasks of this window are listed');
    const task = (await api.getTask(listed[0]))!;
    const file = task.results?.find((r) => r.file)?.file;
    assert.ok(file, 'the most expensive task has a saved result');
    const opened = new Promise<void>((resolve) => {
      const subscription = vscode.window.tabGroups.onDidChangeTabs(() => {
        const found = vscode.window.tabGroups.all.some((g) =>
          g.tabs.some((t) => (t.input as { uri?: vscode.Uri } | undefined)?.uri?.toString() === file),
        );
        if (found) {
          subscription.dispose();
          resolve();
        }
      });
    });
    view.receive({ type: 'openTask', taskId: task.id });
    await opened;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
