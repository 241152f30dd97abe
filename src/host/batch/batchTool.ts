/** The generate_batch chat tool: mediaStudio.generateBatch's argument object, behind a confirmation with count and cost. */
import * as vscode from 'vscode';
import type { BatchArgs } from '../../core/batch/batchArgs';
import { PROVIDERS } from '../../core/providers';
import { isTerminal, type Task } from '../../core/task';
import { UserError } from '../commands';
import type { BatchDeps, Batches } from './batches';

function text(message: string): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(message)]);
}

/** The tool waits at most this long for the whole batch; what is still running then goes on in the Tasks view. */
const WAIT_MS = 10 * 60_000;

export class GenerateBatchTool implements vscode.LanguageModelTool<BatchArgs> {
  constructor(
    private readonly deps: BatchDeps,
    private readonly batches: Batches,
  ) {}

  async prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<BatchArgs>): Promise<vscode.PreparedToolInvocation> {
    let draft;
    try {
      draft = await this.batches.draft(options.input, 'agent');
    } catch {
      // Nothing will be sent (invoke says why), so there is nothing to confirm.
      return { invocationMessage: vscode.l10n.t('Generate batch: the request is not valid') };
    }
    const models = draft.batch.models.map((m) => `${PROVIDERS[m.provider].label} ${m.model}`).join(', ');
    const md = new vscode.MarkdownString();
    md.appendText(
      vscode.l10n.t(
        '{0} tasks: {1} prompts × {2} models ({3}).\n\n',
        draft.requests.length,
        draft.plan.rows.length,
        draft.batch.models.length,
        models,
      ),
    );
    md.appendText(
      vscode.l10n.t(
        'Template: {0}\n\n',
        draft.batch.template.length > 200 ? `${draft.batch.template.slice(0, 197)}…` : draft.batch.template,
      ),
    );
    md.appendText(vscode.l10n.t('Total cost {0}. This is charged to your provider accounts.', draft.estimate.text));
    for (const warning of draft.plan.warnings) md.appendText(`\n\n⚠ ${warning}`);
    return {
      invocationMessage: vscode.l10n.t(
        'Generating a batch of {0} tasks… Progress shows in the Media Studio Tasks view.',
        draft.requests.length,
      ),
      confirmationMessages: { title: vscode.l10n.t('Generate {0} tasks?', draft.requests.length), message: md },
    };
  }

  async invoke(
    options: vscode.LanguageModelToolInvocationOptions<BatchArgs>,
    token: vscode.CancellationToken,
  ): Promise<vscode.LanguageModelToolResult> {
    if (token.isCancellationRequested) return text('Cancelled before anything was sent; no file was written.');
    let created;
    try {
      created = await this.batches.start(await this.batches.draft(options.input, 'agent'));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const hint =
        error instanceof UserError && error.actions.some((a) => a.command === 'mediaStudio.setApiKey')
          ? ' Ask the user to run "Media Studio: Set API Key" for it.'
          : '';
      return text(`Nothing was generated: ${message}${hint}`);
    }
    let subscription: vscode.Disposable | undefined;
    let timer: NodeJS.Timeout | undefined;
    const stopped = new Promise<'cancelled' | 'timeout'>((resolve) => {
      subscription = token.onCancellationRequested(() => resolve('cancelled'));
      timer = setTimeout(() => resolve('timeout'), WAIT_MS);
    });
    try {
      const outcome = await Promise.race([Promise.all(created.taskIds.map((id) => this.deps.engine.waitFor(id))), stopped]);
      if (outcome === 'cancelled') {
        await this.batches.cancel(created.batchId);
        return text(`Cancelled the batch ${created.batchId}: queued tasks were not sent; ${this.describe(created.batchId)}`);
      }
      if (outcome === 'timeout')
        return text(
          `The batch ${created.batchId} is still running after ${WAIT_MS / 60_000} minutes; it goes on in the Media Studio Tasks view. ${this.describe(created.batchId)}`,
        );
      return text(`Batch ${created.batchId} finished. ${this.describe(created.batchId)}`);
    } finally {
      subscription?.dispose();
      clearTimeout(timer);
    }
  }

  private describe(batchId: string): string {
    const batch = this.deps.batches.get(batchId);
    if (!batch) return '';
    const cells = this.batches.cellTasks(batch);
    const lines = [...cells.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, task]: [number, Task]) => {
        const files = (task.results ?? [])
          .filter((r) => r.file)
          .map((r) => vscode.workspace.asRelativePath(vscode.Uri.parse(r.file as string), false));
        const where = `${PROVIDERS[task.request.provider].label} ${task.request.model}`;
        if (files.length) return `- "${task.request.prompt}" (${where}): ${files.join(', ')}`;
        return `- "${task.request.prompt}" (${where}): ${task.state}${isTerminal(task.state) && task.error ? ` — ${task.error.message}` : ''}`;
      });
    return `Folder: ${batch.outputFolder}\n${lines.join('\n')}`;
  }
}
