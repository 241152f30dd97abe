/**
 * One quick pick or input box of a multi-step flow (core/stepFlow): with the Back button where a step came
 * before it, and the earlier answer shown again when the person comes back to it.
 */
import * as vscode from 'vscode';
import { BACK, type Back } from '../core/stepFlow';

export interface PickStep<T extends vscode.QuickPickItem> {
  readonly title: string;
  readonly placeHolder?: string;
  readonly items: readonly T[];
  /** The item to highlight: the earlier answer. */
  readonly active?: T;
  readonly back: boolean;
}

/** One step as shown (a quick input cannot be read back, so the integration tests answer it here). */
export type ShownStep =
  | { readonly kind: 'pick'; readonly title?: string; readonly placeHolder?: string; readonly items: readonly vscode.QuickPickItem[] }
  | { readonly kind: 'input'; readonly title?: string; readonly prompt?: string };

export interface QuickInputAnswers {
  /** Answers each step instead of showing it: the picked item's label or the typed text; undefined cancels. */
  answer?: (step: ShownStep) => string | undefined;
}

/** Set only by the integration tests (see host/testHooks.ts). */
export const quickInputAnswers: QuickInputAnswers = {};

/** The item picked, BACK, or undefined when the pick was dismissed. */
export function pickStep<T extends vscode.QuickPickItem>(step: PickStep<T>): Promise<T | Back | undefined> {
  if (quickInputAnswers.answer) {
    const label = quickInputAnswers.answer({ kind: 'pick', title: step.title, placeHolder: step.placeHolder, items: step.items });
    return Promise.resolve(step.items.find((item) => item.label === label && item.kind !== vscode.QuickPickItemKind.Separator));
  }
  const pick = vscode.window.createQuickPick<T>();
  pick.title = step.title;
  pick.placeholder = step.placeHolder;
  pick.ignoreFocusOut = true;
  pick.items = step.items;
  if (step.active) pick.activeItems = [step.active];
  pick.buttons = step.back ? [vscode.QuickInputButtons.Back] : [];
  return settle(pick, (finish) => [
    pick.onDidAccept(() => {
      const [picked] = pick.selectedItems;
      if (picked) finish(picked);
    }),
  ]);
}

export interface InputStep {
  readonly title: string;
  readonly prompt?: string;
  readonly placeHolder?: string;
  /** The earlier answer, or a suggestion. */
  readonly value?: string;
  readonly back: boolean;
  /** A message when the text cannot be accepted. */
  readonly validate?: (value: string) => string | undefined;
}

/** The text accepted, BACK, or undefined when the box was dismissed. */
export function inputStep(step: InputStep): Promise<string | Back | undefined> {
  if (quickInputAnswers.answer) {
    const text = quickInputAnswers.answer({ kind: 'input', title: step.title, prompt: step.prompt });
    return Promise.resolve(text !== undefined && !step.validate?.(text) ? text : undefined);
  }
  const box = vscode.window.createInputBox();
  box.title = step.title;
  box.prompt = step.prompt;
  box.placeholder = step.placeHolder;
  box.value = step.value ?? '';
  box.ignoreFocusOut = true;
  box.buttons = step.back ? [vscode.QuickInputButtons.Back] : [];
  const check = () => (box.validationMessage = step.validate?.(box.value));
  if (step.value) check();
  return settle(box, (finish) => [
    box.onDidChangeValue(check),
    box.onDidAccept(() => {
      if (!check()) finish(box.value);
    }),
  ]);
}

function settle<R>(
  input: vscode.QuickPick<vscode.QuickPickItem> | vscode.InputBox | vscode.QuickPick<never>,
  listen: (finish: (value: R | Back | undefined) => void) => vscode.Disposable[],
): Promise<R | Back | undefined> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (value: R | Back | undefined) => {
      if (done) return;
      done = true;
      for (const d of subscriptions) d.dispose();
      input.dispose();
      resolve(value);
    };
    const subscriptions = [
      ...listen(finish),
      input.onDidTriggerButton((button) => {
        if (button === vscode.QuickInputButtons.Back) finish(BACK);
      }),
      input.onDidHide(() => finish(undefined)),
    ];
    input.show();
  });
}
