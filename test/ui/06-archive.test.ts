import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Task } from '../../src/core/task';
import { uiSession } from '../runner/ui';
import { screenshotOnFailure, Workbench } from './workbench';

const PROMPT = 'An old lighthouse study from last season';
const DAY_MS = 24 * 60 * 60 * 1000;

/** The task folder all windows on the workspace share (see sharedTaskStorage in src/host/persistence.ts). */
function taskFolder(): string {
  const root = path.join(uiSession().server.userDataDir, 'User', 'globalStorage', 'media-studio.media-studio', 'workspaces');
  const found = fs.readdirSync(root).map((key) => path.join(root, key, 'tasks')).filter((dir) => fs.existsSync(dir));
  assert.strictEqual(found.length, 1, `one task folder under ${root}`);
  return found[0];
}

describe('UI: archived tasks and Search Tasks', () => {
  let workbench: Workbench;
  // Runs after 01–05 in the same page: their finished tasks are in the view.
  before(async () => (workbench = await Workbench.shared()));
  afterEach(async function () {
    await screenshotOnFailure(this, workbench);
  });
  after(async () => workbench?.reset());

  it('lists a task finished 40 days ago under "Archived", and Search Tasks finds and reveals it', async () => {
    // A task finished 40 days ago, as another window on the workspace would leave it: one file, written whole.
    const folder = taskFolder();
    const template = fs.readdirSync(folder).filter((name) => name.endsWith('.json'))
      .map((name) => JSON.parse(fs.readFileSync(path.join(folder, name), 'utf8')) as Task)
      .find((task) => task.state === 'succeeded' && !task.request.batch);
    assert.ok(template, 'an earlier UI test left a finished task outside a batch');
    const createdAt = Date.now() - 40 * DAY_MS;
    const old: Task = {
      ...template,
      id: `ui-archived-${Date.now()}`,
      request: { ...template.request, prompt: PROMPT },
      createdAt, submittedAt: createdAt + 500, endedAt: createdAt + 20_000, revision: 1,
    };
    const temp = path.join(folder, `.ui-archived.${process.pid}.tmp`);
    fs.writeFileSync(temp, JSON.stringify(old));
    fs.renameSync(temp, path.join(folder, `${encodeURIComponent(old.id)}.json`));

    await workbench.openMediaStudioView();
    const archived = workbench.taskRow('Archived (1)');
    await archived.waitFor({ timeout: 30_000 });
    assert.strictEqual(await workbench.taskRow(PROMPT).isVisible(), false, 'the old task is not in the hot list');
    await archived.click();
    await workbench.taskRow(PROMPT).waitFor({ timeout: 10_000 });
    await workbench.screenshot('tasks-archived');
    await archived.click(); // collapsed again, so the search has to reveal it

    await workbench.runCommand('Media Studio: Search Tasks');
    await workbench.page.locator('.quick-input-widget input').fill('lighthouse study');
    const entry = workbench.page.locator('.quick-input-list .monaco-list-row', { hasText: PROMPT }).first();
    await entry.waitFor();
    await workbench.screenshot('search-tasks');
    await entry.click();
    const revealed = workbench.page.locator('.part.sidebar .monaco-list-row.selected', { hasText: PROMPT });
    await revealed.waitFor({ timeout: 10_000 });
    assert.match(await revealed.innerText(), /lighthouse/);
  });
});
