/**
 * Step counters of the quick-input flows ("Generate Image (2/5)"), from the steps the flow will really show for the
 * choices so far; recomputed whenever a choice changes the plan. Steps are named, so a plan change shifts no number.
 */

export const PROVIDER_STEP = 'provider';
export const MODEL_STEP = 'model';
export const PROMPT_STEP = 'prompt';
export const INPUT_IMAGE_STEP = 'inputImage';

export interface FlowChoices {
  readonly asksProvider: boolean;
  /** Of the chosen or default model, in the order asked. */
  readonly paramSteps: readonly string[];
  /** A video model that animates an image, when none was given. */
  readonly asksInputImage?: boolean;
}

export function flowSteps(choices: FlowChoices): string[] {
  return [
    ...(choices.asksProvider ? [PROVIDER_STEP] : []),
    MODEL_STEP,
    PROMPT_STEP,
    ...choices.paramSteps,
    ...(choices.asksInputImage ? [INPUT_IMAGE_STEP] : []),
  ];
}

/** A step that is not in the plan is a bug in the flow. */
export function stepTitle(title: string, steps: readonly string[], current: string): string {
  const index = steps.indexOf(current);
  if (index < 0) throw new Error(`"${current}" is not a step of this flow (${steps.join(', ')})`);
  if (new Set(steps).size !== steps.length) throw new Error(`A step is named twice (${steps.join(', ')})`);
  return `${title} (${index + 1}/${steps.length})`;
}
