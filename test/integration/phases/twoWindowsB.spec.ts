import * as assert from 'assert';
import * as vscode from 'vscode';
import type { Task } from '../../../src/api';
import { activateExtension } from '../helpers';
import { mark, marked, OUTPUT_FOLDER, PREFIX, savedSuccess, submitted, until } from './twoWindows';

describe('two windows, B: a second window on the same workspace', () => {
  it('lists A\'s running tasks, leaves them to A, and adds tasks of its own', async () => {
    const api = await activateExtension();
    assert.ok(await api.hasApiKey('pixapi'), 'the keys come from the same browser profile');
    const a = await marked<{ ids: string[] }>('a-submitted', 10_000);
    const listed = new Map((await api.listTasks()).map((t) => [t.id, t]));
    assert.deepStrictEqual(a.ids.filter((id) => !listed.has(id)), [], 'every task of A is in B\'s list');
    assert.deepStrictEqual(
      a.ids
        .map((id) => listed.get(id) as Task)
        .filter((t) => t.state === 'succeeded')
        .map((t) => t.request.prompt),
      [],
      "A's tasks are still running",
    );

    // Commands on a task A tracks point the user to A instead of acting twice.
    for (const command of ['mediaStudio.cancel', 'mediaStudio.refresh', 'mediaStudio.saveAgain']) {
      await assert.rejects(
        Promise.resolve(vscode.commands.executeCommand(command, { id: a.ids[0] })),
        /Another VS Code window on this workspace is tracking this task; use it there\./,
        command,
      );
    }

    const [first] = await vscode.commands.executeCommand<string[]>('mediaStudio.generateImage', {
      provider: 'pixapi',
      prompt: `${PREFIX}b first`,
      outputFolder: OUTPUT_FOLDER,
    });
    await until(api, first, submitted);
    mark('b-submitted', { first });

    // A's tasks progress and finish in B's list through the watched task folder; A downloads them.
    await Promise.all([...a.ids, first].map((id) => until(api, id, savedSuccess)));
    const seen = (await api.listTasks()).filter((t) => t.request.prompt.startsWith(PREFIX));

    // One more task, still running when this window closes: A must take it over.
    const [last] = await vscode.commands.executeCommand<string[]>('mediaStudio.generateImage', {
      provider: 'apixo',
      model: 'nano-banana',
      prompt: `${PREFIX}b last`,
      outputFolder: OUTPUT_FOLDER,
    });
    await until(api, last, submitted);
    mark('b-done', { seen, last });
  });
});
