/**
 * Submitting through the engine with its refusals turned into the user's messages (with the button that fixes them):
 * apart from generate.ts so that activation-time code (task commands, Retry) does not load the command flows.
 */
import * as vscode from 'vscode';
import { RequestProblem, type TaskEngine } from '../core/engine';
import type { Task, TaskRequest } from '../core/task';
import { UserError } from './commands';
import { SpendingRefused } from './spending/spending';

/** Runs a submit and turns request problems into messages with the right button. */
export async function submitChecked(
  engine: TaskEngine,
  request: TaskRequest,
  origin: Task['origin'] = 'user',
  reservation?: string,
): Promise<Task> {
  return asUserErrors(() => engine.submit(request, origin, reservation));
}

/** Admits a set of requests (a batch) against the spending limits at once; refusals read as the user's errors. */
export async function admitChecked(
  engine: TaskEngine,
  requests: readonly TaskRequest[],
  origin: Task['origin'] = 'user',
): Promise<readonly (string | undefined)[]> {
  return asUserErrors(() => engine.admit(requests, origin));
}

async function asUserErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SpendingRefused) {
      throw new UserError(error.message, [
        { title: vscode.l10n.t('Open Settings'), command: 'workbench.action.openSettings', args: [error.setting] },
      ]);
    }
    if (error instanceof RequestProblem) {
      throw new UserError(
        error.message,
        error.needsKey
          ? [{ title: vscode.l10n.t('Set API Key'), command: 'mediaStudio.setApiKey', args: [{ provider: error.needsKey }] }]
          : [],
      );
    }
    throw error;
  }
}

