/** Quick-input step counters from the steps really shown; steps are named, so a changed plan shifts no hard-coded number. */

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
