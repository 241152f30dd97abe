/**
 * The panel with 1,000 stored tasks, in the real workbench: Chromium drives code-server with the extension's
 * development path loaded, one fresh page per round. Measured: Open Panel (the palette entry clicked) to the
 * first task card on screen, the webview's DOM node count and JS heap once it has drawn, and the time one
 * task change takes to apply (a task message dispatched in the webview, with the layout it forces).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { TaskView } from '../src/core/panelProtocol';
import type { Task } from '../src/core/task';
import { TestSession } from '../test/runner/session';
import { projectRoot, runExtensionTests } from '../test/runner/vscode';
import { Workbench } from '../test/ui/workbench';
import { findTaskFolder, writeTasks } from './activation';

export interface PanelRound {
  tasks: number;
  firstCardMs: number;
  /** From the click: VS Code began the webview's frame, the panel's document began, its script had arrived. */
  frameMs: number;
  documentMs: number;
  scriptMs: number;
  domNodes: number;
  jsHeapMiB: number;
  applyChangeMs: number;
  cards: number;
}
export interface PanelBench { tasks: number; rounds: PanelRound[] }

const TASKS = 1000;

/**
 * Rounds with 1 stored task (what opening a webview costs by itself) and with 1,000 (what the history adds).
 */
export async function runPanelBench(rounds: number, log: (line: string) => void): Promise<PanelBench> {
  const session = await TestSession.start({ log: () => undefined, smokeTestDriver: true });
  try {
    fs.rmSync(session.resultFile, { force: true });
    // The template task is the extension's own (bench/host/prepare.ts), so the files are in its format.
    const code = await runExtensionTests({
      server: session.server, context: session.context, extensionDevelopmentPath: projectRoot,
      extensionTestsPath: path.join(projectRoot, 'out', 'bench', 'host', 'prepare.js'), timeoutMs: 120_000,
    });
    if (code !== 0 || !fs.existsSync(session.resultFile)) throw new Error(`preparing the template task exited ${code}`);
    const { taskId } = JSON.parse(fs.readFileSync(session.resultFile, 'utf8')) as { taskId: string };
    const folder = findTaskFolder(session.server.userDataDir);
    const template = JSON.parse(fs.readFileSync(path.join(folder, `${encodeURIComponent(taskId)}.json`), 'utf8')) as Task;
    const url = session.server.workbenchUrl({ extensionDevelopmentPath: projectRoot });
    const results: PanelRound[] = [];
    for (const count of [1, TASKS]) {
      for (const file of fs.readdirSync(folder)) fs.rmSync(path.join(folder, file), { force: true });
      writeTasks(folder, template, count, 1);
      const newest = JSON.parse(fs.readFileSync(path.join(folder, `bench-${String(count - 1).padStart(5, '0')}.json`), 'utf8')) as Task;
      for (let round = 0; round < rounds; round++) {
        const workbench = await Workbench.open(session, url);
        try {
          const r = { tasks: count, ...await measure(workbench, newest) };
          results.push(r);
          log(
            `panel: ${count} tasks, round ${round + 1}: frame ${r.frameMs.toFixed(0)} ms, document ${r.documentMs.toFixed(0)} ms, script ${r.scriptMs.toFixed(0)} ms, first card ${r.firstCardMs.toFixed(0)} ms, ${r.domNodes} DOM nodes, JS heap ${r.jsHeapMiB.toFixed(1)} MiB, one change ${r.applyChangeMs.toFixed(2)} ms`,
          );
          // The next page must open the panel itself, not find it restored.
          await workbench.runCommand('View: Close All Editors');
          await workbench.panel().locator('body').waitFor({ state: 'detached', timeout: 30_000 }).catch(() => undefined);
        } finally {
          await workbench.page.close();
        }
      }
    }
    return { tasks: TASKS, rounds: results };
  } finally {
    await session.close();
  }
}

async function measure(workbench: Workbench, newest: Task): Promise<Omit<PanelRound, 'tasks'>> {
  const page = workbench.page;
  if (await page.locator('iframe.webview[src*="extensionId=media-studio.media-studio"]').count()) {
    throw new Error('the panel was restored with the page; the round would not measure Open Panel');
  }
  const input = page.locator('.quick-input-widget input');
  await page.keyboard.press('F1');
  await input.waitFor({ state: 'visible' });
  await input.fill('>Media Studio: Open Panel');
  const entry = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Media Studio: Open Panel' }).first();
  await entry.waitFor();
  const started = Date.now();
  await entry.click();
  const panel = workbench.panel();
  await panel.locator('li.card').first().waitFor({ state: 'visible', timeout: 60_000 });
  const body = panel.locator('body');
  // The times come from the pages themselves (so not from how often Playwright looks): when VS Code began the
  // webview's frame, when the panel's own document began, when its script had arrived and when the first card's
  // text was painted (Element Timing, the `elementtiming` attribute on each card's prompt). All epoch ms.
  const frameStartedAt = await workbench.page
    .frameLocator('iframe.webview[src*="extensionId=media-studio.media-studio"]')
    .locator('body')
    .evaluate(() => performance.timeOrigin);
  const content = await body.evaluate(async () => {
    const painted = await new Promise<number>((resolve) => {
      new PerformanceObserver((list, observer) => {
        const times = list.getEntries().map((e) => (e as PerformanceEntry & { renderTime: number; loadTime: number }))
          .map((e) => e.renderTime || e.loadTime).filter((t) => t > 0);
        if (times.length) {
          observer.disconnect();
          resolve(Math.min(...times));
        }
      }).observe({ type: 'element', buffered: true });
    });
    const script = performance.getEntriesByType('resource').find((e) => /webview\.js/.test(e.name)) as PerformanceResourceTiming | undefined;
    return {
      documentAt: performance.timeOrigin,
      scriptAt: script ? performance.timeOrigin + script.responseEnd : NaN,
      paintedAt: performance.timeOrigin + painted,
    };
  });
  const firstCardMs = content.paintedAt - started;
  const phases = {
    frameMs: frameStartedAt - started,
    documentMs: content.documentAt - started,
    scriptMs: content.scriptAt - started,
  };
  const counts = await body.evaluate(() => ({
    domNodes: document.getElementsByTagName('*').length,
    cards: document.querySelectorAll('li.card').length,
    // Chromium's non-standard heap figure; the webview's own document.
    jsHeap: (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? NaN,
  }));
  const change: TaskView = {
    id: newest.id, prompt: newest.request.prompt, provider: newest.request.provider, providerLabel: 'Pixapi', model: newest.request.model,
    kind: newest.request.kind, state: 'failed', createdAt: newest.createdAt, submittedAt: newest.submittedAt, endedAt: Date.now(),
    error: 'A change applied by the benchmark.', results: [], cancellable: false,
  };
  const applyChangeMs = await body.evaluate((element, task) => {
    const started = performance.now();
    window.dispatchEvent(new MessageEvent('message', { data: { type: 'task', task } }));
    void (element as HTMLElement).offsetHeight; // the layout the change forces
    return performance.now() - started;
  }, change);
  const changed = await panel.locator(`li.card[data-task="${newest.id}"] .error`).textContent();
  if (changed !== change.error) throw new Error('the dispatched task change was not drawn');
  return { firstCardMs, ...phases, domNodes: counts.domNodes, cards: counts.cards, jsHeapMiB: counts.jsHeap / 1048576, applyChangeMs };
}
