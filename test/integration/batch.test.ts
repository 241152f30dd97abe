import * as assert from 'assert';
import * as vscode from 'vscode';
import type { MediaStudioApi, Task } from '../../src/api';
import { isSidecarError, parseSidecar } from '../../src/core/files/sidecar';
import { testHooksOf } from '../../src/host/testHooks';
import { activateExtension, emulator, exists, fileOf, freshEmulator, readFile, setKeys, waitForTask, workspaceFolder } from './helpers';

const PIXAI_MODEL = '1983308862240288769';

interface Created { batchId: string; taskIds: string[] }

async function batch(args: unknown): Promise<Created> {
  const created = await vscode.commands.executeCommand<Created>('mediaStudio.generateBatch', args);
  assert.ok(
    created && typeof created.batchId === 'string' && Array.isArray(created.taskIds),
    'generateBatch returned { batchId, taskIds }',
  );
  return created;
}

/** The message the command refused with (an argument object gets the failure back). */
async function refusal(args: unknown): Promise<string> {
  try {
    await vscode.commands.executeCommand('mediaStudio.generateBatch', args);
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail('the batch was accepted');
}

async function filesIn(folder: vscode.Uri): Promise<string[]> {
  return (await vscode.workspace.fs.readDirectory(folder)).map(([name]) => name).filter((name) => !name.startsWith('.')).sort();
}

describe('batches', function () {
  this.timeout(120_000);
  let api: MediaStudioApi;
  const control = emulator();
  let since = 0;
  const settings = () => vscode.workspace.getConfiguration('mediaStudio');

  before(async () => {
    api = await activateExtension();
    await setKeys();
  });
  beforeEach(async () => {
    since = await freshEmulator(control);
  });

  const finish = (ids: readonly string[]): Promise<Task[]> => Promise.all(ids.map((id) => api.waitForTask(id)));
  const submitsOf = async (prompt: string, origin?: string) =>
    (await control.requests(since)).filter((r) => r.method === 'POST' && r.prompt === prompt && (!origin || r.origin === origin)).length;

  it('fans 2 variables × 2 values over 2 providers into 8 tasks, 8 files in the batch folder, each sent once, sidecars with batch and values', async () => {
    const created = await batch({
      template: 'a {colour} ceramic {product}',
      variables: { colour: ['red', 'blue'], product: ['mug', 'vase'] },
      models: [
        { provider: 'pixapi', model: 'gpt-image-2' },
        { provider: 'pixai', model: PIXAI_MODEL },
      ],
      outputFolder: 'batches',
    });
    assert.strictEqual(created.taskIds.length, 8);
    const tasks = await finish(created.taskIds);
    assert.deepStrictEqual(
      tasks.map((t) => t.state),
      Array(8).fill('succeeded'),
      tasks.map((t) => t.error?.message).join('; '),
    );
    const stored = await api.getBatch(created.batchId);
    assert.ok(stored);
    assert.strictEqual(stored.summary.done, 8);
    assert.deepStrictEqual(stored.cellTaskIds, created.taskIds, 'cell i is task i, row-major (rows × models)');
    const folder = vscode.Uri.joinPath(workspaceFolder(), 'batches', stored.slug);
    const names = await filesIn(folder);
    assert.strictEqual(names.filter((n) => n.endsWith('.png')).length, 8, names.join(', '));
    assert.strictEqual(names.filter((n) => n.endsWith('.png.json')).length, 8);
    for (const prompt of ['a red ceramic mug', 'a red ceramic vase', 'a blue ceramic mug', 'a blue ceramic vase']) {
      assert.strictEqual(await submitsOf(prompt, 'pixapi'), 1, `${prompt} sent once to Pixapi`);
      assert.strictEqual(await submitsOf(prompt, 'pixai'), 1, `${prompt} sent once to PixAI`);
    }
    for (const [cell, task] of tasks.entries()) {
      const file = fileOf(task.results?.[0].file);
      assert.ok(file.path.startsWith(folder.path + '/'), `${file.path} is in the batch folder`);
      const sidecar = parseSidecar((await readFile(file.with({ path: `${file.path}.json` }))).toString('utf8'));
      assert.ok(!isSidecarError(sidecar), JSON.stringify(sidecar));
      const values = { colour: cell < 4 ? 'red' : 'blue', product: Math.floor(cell / 2) % 2 === 0 ? 'mug' : 'vase' };
      assert.deepStrictEqual(sidecar.batch, { id: created.batchId, cell, values });
      assert.strictEqual(sidecar.prompt, `a ${values.colour} ceramic ${values.product}`);
    }

    // The Tasks view: one row for the batch, with its progress and cost, its tasks under it in cell order.
    const hooks = testHooksOf(api);
    assert.ok(hooks);
    const node = `batch:${created.batchId}`;
    const viewRows = (await hooks.tasksView.getChildren()) as string[];
    assert.ok(viewRows.includes(node), 'the batch is a row');
    assert.ok(!viewRows.some((id) => created.taskIds.includes(id)), 'its tasks are not rows of their own');
    const item = hooks.tasksView.getTreeItem(node) as vscode.TreeItem;
    assert.match(String(item.description), /^batch · 8\/8 done · \d+ credits$/);
    assert.strictEqual(item.contextValue, 'batch', 'nothing to cancel or retry: Remove and Export only');
    assert.deepStrictEqual(await hooks.tasksView.getChildren(node), created.taskIds);

    // Regenerate of one file reproduces that cell: same prompt, model, folder and batch cell.
    const regenerated = await vscode.commands.executeCommand<string[]>('mediaStudio.regenerate', fileOf(tasks[5].results?.[0].file));
    const again = await api.waitForTask(regenerated[0]);
    assert.strictEqual(again.state, 'succeeded', again.error?.message);
    assert.deepStrictEqual(
      [again.request.prompt, again.request.provider, again.request.model, again.request.outputFolder, again.request.batch],
      [tasks[5].request.prompt, tasks[5].request.provider, tasks[5].request.model, tasks[5].request.outputFolder, tasks[5].request.batch],
    );
    assert.strictEqual((await api.getBatch(created.batchId))?.cellTaskIds[5], again.id, 'the new task stands for the cell');

    // The contact sheet lists every image with its prompt, model, time and cost.
    const sheet = await vscode.commands.executeCommand<vscode.Uri>('mediaStudio.exportContactSheet', created.batchId);
    assert.strictEqual(sheet.path, `${folder.path}/contact-sheet.md`);
    const text = (await readFile(sheet)).toString('utf8');
    const rows = text.split('\n').filter((line) => line.startsWith('| !['));
    assert.strictEqual(rows.length, 8, text);
    for (const task of [...tasks.slice(0, 5), again, ...tasks.slice(6)]) {
      const name = fileOf(task.results?.[0].file).path.split('/').pop() as string;
      assert.ok(text.includes(`](${encodeURI(name)})`), `${name} is on the sheet`);
    }
    assert.ok(text.includes('| a blue ceramic vase | PixAI 1983308862240288769 |'), text);
  });

  it('Retry Failed sends again only the failed cell', async () => {
    const created = await batch({
      template: 'retry {what}',
      variables: { what: ['fine', 'broken [fail]'] },
      models: [{ provider: 'pixapi', model: 'gpt-image-2' }],
    });
    const first = await finish(created.taskIds);
    assert.deepStrictEqual(first.map((t) => t.state), ['succeeded', 'failed']);
    const retried = await vscode.commands.executeCommand<string[]>('mediaStudio.retryFailedBatch', created.batchId);
    assert.strictEqual(retried.length, 1);
    const [again] = await finish(retried);
    assert.strictEqual(again.request.prompt, 'retry broken [fail]');
    assert.strictEqual(again.request.batch?.cell, 1);
    assert.strictEqual(await submitsOf('retry fine'), 1, 'the cell that succeeded was not sent again');
    assert.strictEqual(await submitsOf('retry broken [fail]'), 2, 'the failed cell was sent once more');
    const stored = await api.getBatch(created.batchId);
    assert.deepStrictEqual(stored?.cellTaskIds, [created.taskIds[0], again.id]);
    assert.deepStrictEqual([stored?.summary.done, stored?.summary.failed], [1, 1]);
    const item = testHooksOf(api)?.tasksView.getTreeItem(`batch:${created.batchId}`) as vscode.TreeItem;
    assert.match(String(item.description), /^batch · 1\/2 done, 1 failed/);
    assert.strictEqual(item.contextValue, 'batch batchRetry');
    // Remove takes the batch and its tasks off the list; the files stay.
    assert.strictEqual(await vscode.commands.executeCommand('mediaStudio.removeBatch', created.batchId), true);
    assert.strictEqual(await api.getBatch(created.batchId), undefined);
    assert.deepStrictEqual(await Promise.all([...created.taskIds, again.id].map((id) => api.getTask(id))), [
      undefined,
      undefined,
      undefined,
    ]);
    assert.ok(await exists(fileOf(first[0].results?.[0].file)), 'the saved file stays');
  });

  it('Cancel All stops the queued tasks before they are sent', async () => {
    await settings().update('pixai.maxConcurrentTasks', 1, vscode.ConfigurationTarget.Global);
    await control.configure({ timing: { image: { queueMs: 30_000, runMs: 600 } } });
    try {
      const created = await batch({
        template: 'cancel {n}',
        variables: { n: ['one', 'two', 'three'] },
        models: [{ provider: 'pixai', model: PIXAI_MODEL }],
      });
      const sent = await waitForTask(api, created.taskIds[0], (t) => t.state === 'submitted');
      assert.deepStrictEqual(
        (await Promise.all(created.taskIds.slice(1).map((id) => api.getTask(id)))).map((t) => t?.state),
        ['queued', 'queued'],
        'one slot: the others wait',
      );
      const outcome = await vscode.commands.executeCommand<{ cancelled: number; notCancellable: number }>(
        'mediaStudio.cancelBatch',
        created.batchId,
      );
      assert.deepStrictEqual(outcome, { cancelled: 3, notCancellable: 0 });
      const tasks = await Promise.all(created.taskIds.map((id) => api.getTask(id)));
      assert.deepStrictEqual(tasks.map((t) => t?.state), ['cancelled', 'cancelled', 'cancelled']);
      assert.strictEqual((await control.task('pixai', sent.remoteId as string))?.status, 'cancelled');
      assert.deepStrictEqual(
        [await submitsOf('cancel one'), await submitsOf('cancel two'), await submitsOf('cancel three')],
        [1, 0, 0],
        'the queued ones never went out',
      );
    } finally {
      await settings().update('pixai.maxConcurrentTasks', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('runs a 20-row JSON Lines batch on PixAI never more than 10 at a time, each created once', async function () {
    this.timeout(180_000);
    // Each task runs 10 s at PixAI, so the first ten (sent within a few seconds even on a busy machine) overlap there.
    await control.configure({ timing: { image: { queueMs: 500, runMs: 10_000 } } });
    const file = vscode.Uri.joinPath(workspaceFolder(), 'batch-rows', 'subjects.jsonl');
    const lines = Array.from({ length: 20 }, (_, i) => JSON.stringify({ subject: `jsonl subject ${i}` }));
    await vscode.workspace.fs.writeFile(file, Buffer.from(`${lines.join('\n')}\n`));
    const created = await batch({
      template: '{subject}, watercolour',
      rows: 'batch-rows/subjects.jsonl',
      models: [{ provider: 'pixai', model: PIXAI_MODEL }],
    });
    assert.strictEqual(created.taskIds.length, 20);
    const tasks = await finish(created.taskIds);
    assert.deepStrictEqual(tasks.filter((t) => t.state !== 'succeeded').map((t) => t.error?.message), []);
    const creates = (await control.requests(since)).filter(
      (r) => r.path === '/v2/image/create' && typeof r.prompt === 'string' && r.prompt.endsWith(', watercolour'),
    );
    assert.strictEqual(creates.length, 20, 'each row created once');
    assert.ok(creates.every((r) => r.status === 200), 'PixAI never refused a create for its 10-task cap');
    const remote = await Promise.all(tasks.map((t) => control.task('pixai', t.remoteId as string)));
    const busiest = Math.max(
      ...remote.map((t) => remote.filter((o) => o && t && o.createdAt <= t.createdAt && (o.endedAt ?? Infinity) > t.createdAt).length),
    );
    assert.ok(busiest <= 10, `never more than ten at once (${busiest})`);
    assert.strictEqual(busiest, 10, 'ten at once: the batch fills PixAI\'s cap');
  });

  describe('bad input: a clear message, nothing sent, nothing stored', () => {
    const base = { models: [{ provider: 'pixapi', model: 'gpt-image-2' }] };
    let tasksBefore = 0;
    beforeEach(async () => {
      tasksBefore = (await api.listTasks()).length;
    });
    afterEach(async () => {
      assert.deepStrictEqual((await control.requests(since)).filter((r) => r.method === 'POST').map((r) => r.path), [], 'nothing was sent');
      assert.strictEqual((await api.listTasks()).length, tasksBefore, 'no task was stored');
    });

    it('a {name} with no values', async () => {
      assert.match(await refusal({ ...base, template: 'a {colour} {size} mug', variables: { colour: ['red'] } }), /\{size\} has no values/);
    });
    it('an empty list', async () => {
      assert.match(await refusal({ ...base, template: 'a {colour} mug', variables: { colour: [] } }), /values for \{colour\} is empty/);
    });
    it('a CSV row with a missing column, naming the line', async () => {
      await vscode.workspace.fs.writeFile(
        vscode.Uri.joinPath(workspaceFolder(), 'batch-rows', 'short.csv'),
        Buffer.from('colour,product\nred,mug\nblue\n'),
      );
      assert.strictEqual(
        await refusal({ ...base, template: 'a {colour} {product}', rows: 'batch-rows/short.csv' }),
        'batch-rows/short.csv: Line 3: 1 values, but the header names 2 variables (colour, product).',
      );
    });
    it('a malformed JSON line, naming the line', async () => {
      await vscode.workspace.fs.writeFile(
        vscode.Uri.joinPath(workspaceFolder(), 'batch-rows', 'broken.jsonl'),
        Buffer.from('{"colour":"red"}\n{"colour":\n'),
      );
      assert.match(
        await refusal({ ...base, template: 'a {colour} mug', rows: 'batch-rows/broken.jsonl' }),
        /^batch-rows\/broken\.jsonl: Line 2 is not valid JSON/,
      );
    });
    it('more tasks than the cap', async () => {
      const values = Array.from({ length: 101 }, (_, i) => `v${i}`);
      assert.match(
        await refusal({ ...base, template: 'a {v}', variables: { v: values } }),
        /would make 101 tasks .* over the limit of 100 \(setting "mediaStudio\.batch\.maxTasks"\)/,
      );
    });
    it('a model that cannot do the operation', async () => {
      assert.match(
        await refusal({ template: 'a {colour} mug', variables: { colour: ['red'] }, models: [{ provider: 'apixo', model: 'veo-3-1' }] }),
        /Apixo veo-3-1 makes videos; this batch makes images/,
      );
    });
    it('a rows file outside the workspace', async () => {
      for (const rows of ['../outside.csv', '/etc/passwd.csv', 'file:///tmp/rows.csv']) {
        assert.match(await refusal({ ...base, template: 'a {colour} mug', rows }), /is outside the workspace folder/, rows);
      }
    });
    it('an unknown argument', async () => {
      assert.match(await refusal({ ...base, template: 'a mug', colour: 'red' }), /unknown argument "colour"/);
    });
  });

  it("generate_batch confirms with the task count and the estimated total, then runs as the agent's; submitBatch and getBatch do the same for extensions", async () => {
    const tool = testHooksOf(api)?.batchTool;
    assert.ok(tool);
    const input = {
      template: 'chat {animal}',
      variables: { animal: ['cat', 'owl'] },
      models: [
        { provider: 'pixapi' as const, model: 'gpt-image-2' },
        { provider: 'pixai' as const, model: PIXAI_MODEL },
      ],
    };
    const before = (await api.listTasks()).length;
    const prepared = await tool.prepareInvocation({ input });
    assert.strictEqual(prepared.confirmationMessages?.title, 'Generate 4 tasks?');
    const message = prepared.confirmationMessages?.message;
    // MarkdownString.appendText escapes spaces and punctuation; read it back as the plain text it shows.
    const shown = (typeof message === 'string' ? message : (message?.value ?? ''))
      .replace(/&nbsp;/g, ' ')
      .replace(/\\([\\`*_{}[\]()#+\-.!|$])/g, '$1');
    assert.ok(shown.includes('4 tasks: 2 prompts × 2 models'), shown);
    assert.ok(shown.includes('estimate: $0.28 for 2 of 4 tasks, plus 2 unknown'), shown);
    assert.strictEqual((await api.listTasks()).length, before, 'the confirmation stores and sends nothing');
    const result = await vscode.lm.invokeTool(
      'generate_batch',
      { input, toolInvocationToken: undefined },
      new vscode.CancellationTokenSource().token,
    );
    const text = result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
    assert.match(text, /^Batch .* finished\./);
    const files = text
      .split('\n')
      .filter((line) => line.startsWith('- '))
      .map((line) => line.slice(line.lastIndexOf(': ') + 2));
    assert.strictEqual(files.length, 4, text);
    for (const file of files) assert.ok(await exists(vscode.Uri.joinPath(workspaceFolder(), file)), file);
    const agentTasks = (await api.listTasks()).filter((t) => t.request.prompt.startsWith('chat '));
    assert.deepStrictEqual(
      agentTasks.map((t) => t.origin),
      ['agent', 'agent', 'agent', 'agent'],
    );

    const fromApi = await api.submitBatch({
      template: 'api {shape}',
      variables: { shape: ['cube'] },
      models: [{ provider: 'pixapi', model: 'gpt-image-2' }],
    });
    assert.strictEqual(fromApi.taskIds.length, 1);
    await finish(fromApi.taskIds);
    const stored = await api.getBatch(fromApi.batchId);
    assert.deepStrictEqual(
      [stored?.template, stored?.summary.done, stored?.origin, stored?.cellTaskIds],
      ['api {shape}', 1, 'api', fromApi.taskIds],
    );
  });

  it('a variable given but never used is only a warning: the batch runs', async () => {
    const created = await batch({
      template: 'an unused variable',
      variables: { colour: ['red'] },
      models: [{ provider: 'pixapi', model: 'gpt-image-2' }],
    });
    assert.strictEqual(created.taskIds.length, 1);
    const [task] = await finish(created.taskIds);
    assert.strictEqual(task.state, 'succeeded');
    assert.ok(await exists(fileOf(task.results?.[0].file)));
  });
});
