/**
 * Images a document asks for, in the real extension host: the "Generate image…" quick fix on a missing
 * reference writes that file in that format, Insert Generated Image inserts a path relative to the document, and
 * the hover on an existing reference shows what its sidecar says.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { MediaStudioApi } from '../../src/api';
import { activateExtension, clearKeys, emulator, exists, freshEmulator, readFile, setKeys, waitForTask, workspaceFolder } from './helpers';
import { imageFacts } from './imageBytes';

function unique(name: string): string {
  return `${name}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

async function openDocument(relative: string, text: string, language?: string): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.joinPath(workspaceFolder(), relative);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text));
  let document = await vscode.workspace.openTextDocument(uri);
  if (language && document.languageId !== language) document = await vscode.languages.setTextDocumentLanguage(document, language);
  return vscode.window.showTextDocument(document);
}

async function step<T>(name: string, work: () => Thenable<T> | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new Error(`${name}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

async function actionsAt(document: vscode.TextDocument, range: vscode.Range): Promise<vscode.CodeAction[]> {
  // The workbench cancels (or answers empty) the first requests on a document it is still setting up (the
  // Markdown features start with it): ask again, a few times at most, until the answer holds our action.
  let ours: vscode.CodeAction[] = [];
  for (let round = 0; round < 5 && ours.length === 0; round++) {
    let actions: (vscode.CodeAction | vscode.Command)[] | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
          'vscode.executeCodeActionProvider',
          document.uri,
          range,
        );
        break;
      } catch (error) {
        if (attempt >= 5 || !/Canceled/.test(String(error))) throw error;
      }
    }
    ours = (actions ?? []).filter(
      (a): a is vscode.CodeAction => typeof a.command === 'object' && a.command.command === 'mediaStudio.generateMissingImages',
    );
  }
  return ours;
}

function rangeOf(document: vscode.TextDocument, text: string): vscode.Range {
  const at = document.getText().indexOf(text);
  assert.ok(at >= 0, `"${text}" is in the document`);
  return new vscode.Range(document.positionAt(at + 1), document.positionAt(at + 1));
}

function hoverText(hovers: vscode.Hover[] | undefined): string {
  return (hovers ?? []).flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '')).join('\n');
}

describe('images a document asks for: quick fix, insert, hover', () => {
  let api: MediaStudioApi;
  const control = emulator();

  before(async () => {
    api = await activateExtension();
    await setKeys();
  });
  after(async () => {
    await clearKeys();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a missing ![a red bicycle](img/bike.webp) gets "Generate image…", which writes img/bike.webp as a real WebP; its hover shows the sidecar\'s prompt', async () => {
    await freshEmulator(control);
    const folder = unique('bikes');
    const editor = await openDocument(
      `${folder}/README.md`,
      '# Bikes\n\n![a red bicycle](img/bike.webp)\n\n![remote](https://example.com/bike.png)\n',
    );
    const [action, ...others] = await step('code actions', () => actionsAt(editor.document, rangeOf(editor.document, 'img/bike.webp')));
    assert.strictEqual(others.length, 0);
    assert.strictEqual(action?.title, 'Generate image…');
    assert.deepStrictEqual(action.kind?.value, vscode.CodeActionKind.QuickFix.value);
    assert.deepStrictEqual(
      await step('remote', () => actionsAt(editor.document, rangeOf(editor.document, 'https://example.com'))),
      [],
      'a remote reference gets no action',
    );

    const [args] = action.command?.arguments ?? [];
    assert.deepStrictEqual(args.images, [
      { targetPath: `${folder}/img/bike.webp`, prompt: 'a red bicycle', width: undefined, height: undefined },
    ]);
    const ids = await step('run', () => vscode.commands.executeCommand<string[]>(action.command!.command, { ...args, ask: false }));
    assert.strictEqual(ids?.length, 1);
    const task = await api.waitForTask(ids[0]);
    assert.strictEqual(task.state, 'succeeded', task.error?.message);
    assert.strictEqual(task.request.prompt, 'a red bicycle');
    const bike = vscode.Uri.joinPath(workspaceFolder(), folder, 'img', 'bike.webp');
    const facts = imageFacts(await readFile(bike));
    assert.strictEqual(facts?.format, 'webp', 'a real WebP by its bytes');
    assert.deepStrictEqual(
      await step('after', () => actionsAt(editor.document, rangeOf(editor.document, 'img/bike.webp'))),
      [],
      'once it exists, no action',
    );

    const hovers = await step('hover', () =>
      vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        editor.document.uri,
        rangeOf(editor.document, 'img/bike.webp').start,
      ),
    );
    const text = hoverText(hovers);
    assert.match(text, /a red bicycle/, "the sidecar's prompt");
    assert.match(text, /Pixapi/);
    assert.match(text, /command:mediaStudio\.imageReferenceAction\?/);
    for (const link of ['Regenerate', 'Edit', 'Animate']) assert.match(text, new RegExp(`\\[${link}\\]\\(command:`));
    // The hover's trust setting does not survive executeHoverProvider's round trip; its links must all be ours.
    const commands = [...text.matchAll(/\(command:([^?)]+)/g)].map((m) => m[1]);
    assert.deepStrictEqual([...new Set(commands)], ['mediaStudio.imageReferenceAction'], 'only our own command is linked from the hover');
  });

  it('several missing images in a selection: one action that starts them together, at the sizes the elements state', async () => {
    const since = await freshEmulator(control);
    const folder = unique('site');
    const editor = await openDocument(
      `${folder}/index.html`,
      '<h1>Acme</h1>\n<img src="logo.png" alt="Acme logo" width="64" height="64">\n<img src="team.jpg" alt="The team">\n',
    );
    const all = new vscode.Range(new vscode.Position(0, 0), editor.document.lineAt(editor.document.lineCount - 1).range.end);
    const [action] = await actionsAt(editor.document, all);
    assert.strictEqual(action?.title, 'Generate 2 missing images…');
    const ids = await vscode.commands.executeCommand<string[]>(action.command!.command, { ...action.command!.arguments![0], ask: false });
    assert.strictEqual(ids?.length, 2);
    const tasks = await Promise.all(ids.map((id) => api.waitForTask(id)));
    for (const task of tasks) assert.strictEqual(task.state, 'succeeded', task.error?.message);
    assert.deepStrictEqual(imageFacts(await readFile(vscode.Uri.joinPath(workspaceFolder(), folder, 'logo.png'))), {
      format: 'png',
      width: 64,
      height: 64,
    });
    assert.strictEqual(imageFacts(await readFile(vscode.Uri.joinPath(workspaceFolder(), folder, 'team.jpg')))?.format, 'jpeg');
    const submits = (await control.requests(since)).filter(
      (r) => r.method === 'POST' && (r.prompt === 'Acme logo' || r.prompt === 'The team'),
    );
    assert.strictEqual(submits.length, 2);
  });

  it('offers the action in TSX, HTML and CSS too, not for a path outside the workspace', async () => {
    const folder = unique('components');
    // Vue and Svelte need their language extensions, which this host lacks: their syntax is covered by the unit tests.
    const cases: [string, string, string, string?][] = [
      [
        `${folder}/Hero.tsx`,
        'export const Hero = () => <img src="hero.webp" alt="Hero" width={320} height={180} />;',
        'hero.webp',
        'typescriptreact',
      ],
      [`${folder}/Team.html`, '<template><img src="./team.png" alt="Team"></template>', './team.png', 'html'],
      [`${folder}/site.css`, '.hero { background: url("bg/hero.jpg"); }', 'bg/hero.jpg', 'css'],
    ];
    for (const [file, text, reference, language] of cases) {
      const editor = await openDocument(file, text, language);
      const actions = await actionsAt(editor.document, rangeOf(editor.document, reference));
      assert.strictEqual(actions.length, 1, `${file}: ${editor.document.languageId}`);
    }
    const outside = await openDocument(`${folder}/out.md`, '![x](../../../../outside.png)');
    assert.deepStrictEqual(await actionsAt(outside.document, rangeOf(outside.document, 'outside.png')), []);
  });

  it('Insert Generated Image in docs/guide/intro.md inserts a reference relative to that document', async () => {
    await freshEmulator(control);
    const editor = await openDocument('docs/guide/intro.md', '# Intro\n\n');
    const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
    editor.selection = new vscode.Selection(end, end);
    const prompt = unique('a lighthouse at dusk');
    const ids = await vscode.commands.executeCommand<string[]>('mediaStudio.insertGeneratedImage', { prompt });
    assert.strictEqual(ids?.length, 1);
    const task = await waitForTask(api, ids[0], (t) => t.state === 'succeeded' && !!t.results?.[0].file);
    const saved = vscode.Uri.parse(task.results![0].file!);
    const relative = vscode.workspace.asRelativePath(saved, false);
    assert.ok(relative.startsWith('generated/'), relative);
    const text = editor.document.getText();
    assert.ok(text.includes(`![${prompt}](../../${relative})`), text);
    assert.ok(await exists(saved));
  });
});
