/**
 * The step machine behind the multi-step quick inputs: steps run in order, each may be skipped for the answers
 * so far, and Back returns to the step shown before, which is asked again with every answer kept (so it can
 * show its earlier answer, and the steps after it theirs). The plan is read again before each step, because an
 * answer (the model) decides which steps follow.
 */

/** What a step answers when its Back button is pressed. */
export const BACK: unique symbol = Symbol('back');
export type Back = typeof BACK;

export interface FlowStep<S> {
  readonly name: string;
  /** Whether the step is asked for these answers (absent: always). */
  readonly shown?: (answers: S) => boolean;
  /**
   * Asks, with the answers so far (its own earlier answer among them after a Back). `canGoBack`: a step was
   * shown before this one, so a Back button belongs on it. Resolves with the answers including this step's,
   * BACK, or undefined when the person cancelled.
   */
  run(answers: S, canGoBack: boolean): Promise<S | Back | undefined>;
}

/** Runs the steps `plan` gives for the current answers; undefined when a step was cancelled. */
export async function runFlow<S>(plan: (answers: S) => readonly FlowStep<S>[], initial: S): Promise<S | undefined> {
  let answers = initial;
  /** Indexes of the steps shown so far, in order: where each Back returns to. */
  const shown: number[] = [];
  let index = 0;
  for (;;) {
    const steps = plan(answers);
    if (index >= steps.length) return answers;
    const step = steps[index];
    if (step.shown && !step.shown(answers)) {
      index++;
      continue;
    }
    const answer = await step.run(answers, shown.length > 0);
    if (answer === undefined) return undefined;
    if (answer === BACK) {
      // Back on the first step shown has nowhere to go: it is asked again.
      index = shown.pop() ?? index;
      continue;
    }
    answers = answer;
    shown.push(index);
    index++;
  }
}
