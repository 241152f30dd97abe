import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { Task } from '../../../src/api';
import { activateExtension, DEFAULT_TIMING, emulator, freshEmulator, run, setKeys, workspaceFolder } from '../helpers';
import { KINDS, mark, marked, OUTPUT_FOLDER, PREFIX, savedSuccess, submitted, summary, until } from './twoWindows';

const TASKS = 10;

describe('two windows, A: the first window on the workspace', () => {
  it('keeps one task list with a second window, and downloads and submits each task exactly once', async function () {
    this.timeout(240_000);
    const api = await activateExtension();
    await setKeys();
    const control = emulator();
    const since = await freshEmulator(control);
    // Long enough for window B to load while every task still runs.
    await control.configure({ timing: { image: { queueMs: 8000, runMs: 8000 }, video: { queueMs: 8000, runMs: 10_000 } } });
    const ids: string[] = [];
    for (let i = 0; i < TASKS; i++) {
      const { command, args } = KINDS[i % KINDS.length];
      ids.push(...(await run(command, { ...args, prompt: `${PREFIX}a ${i}`, outputFolder: OUTPUT_FOLDER })));
    }
    for (const id of ids) await until(api, id, submitted);
    mark('a-submitted', { ids }); // the runner now opens window B

    // B's task shows in A's list (through the watched task folder) and is left to B.
    const { first } = await marked<{ first: string }>('b-submitted', 120_000);
    assert.ok(await until(api, first, (t) => t.request.prompt === `${PREFIX}b first`));

    // B closes with its last task still running: A takes it over once B's extension host is gone.
    const { seen, last } = await marked<{ seen: Task[]; last: string }>('b-done', 180_000);
    const all = [...ids, first, last];
    const done = await Promise.all(all.map((id) => until(api, id, savedSuccess)));

    // Both windows ended with the same list: every task, the same final state and files.
    const mine = new Map((await api.listTasks()).map((t) => [t.id, t]));
    assert.deepStrictEqual(seen.map(summary).sort(), seen.map((t) => summary(mine.get(t.id) as Task)).sort(), 'B saw what A has');
    assert.deepStrictEqual(new Set(seen.map((t) => t.id)), new Set([...ids, first]), 'B saw every task of A and its own');

    // Exactly one submit per task, one download per result, one file per result.
    const remote = (await control.tasks()).filter((t) => t.prompt.startsWith(PREFIX));
    assert.deepStrictEqual(remote.map((t) => t.prompt).sort(), done.map((t) => t.request.prompt).sort(), 'each task submitted once');
    const log = await control.requests(since);
    const results = done.flatMap((t) =>
      (t.results ?? []).map((r) => ({ prompt: t.request.prompt, path: new URL(r.url as string).pathname })),
    );
    const downloads = results.map((r) => `${r.prompt}: ${log.filter((q) => q.method === 'GET' && q.path === r.path).length}`);
    assert.deepStrictEqual(downloads, results.map((r) => `${r.prompt}: 1`), 'each result downloaded once');
    const folder = vscode.Uri.joinPath(workspaceFolder(), OUTPUT_FOLDER).fsPath;
    const media = fs.readdirSync(folder).filter((name) => !name.endsWith('.json'));
    assert.strictEqual(media.length, results.length, `one file per result: ${media.join(', ')}`);
    const saved = new Set(done.flatMap((t) => (t.results ?? []).map((r) => vscode.Uri.parse(r.file as string).fsPath)));
    assert.strictEqual(saved.size, results.length, 'every result has its own file');

    const checks = log.filter((q) => q.method === 'GET' && q.origin !== 'cdn' && !results.some((r) => r.path === q.path)).length;
    console.log(`      two windows: ${all.length} tasks, ${results.length} results, ${checks} status checks from both windows`);
    await control.configure({ timing: DEFAULT_TIMING });
  });
});
