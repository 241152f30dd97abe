/**
 * Step counters of the quick-input flows ("Generate Image (2/5)"). The count comes from the steps the flow
 * will really show for the choices made so far: the provider step only when more than one provider has a key,
 * one step per parameter the chosen model takes, the input-image step only where the model takes one. The
 * host recomputes the plan whenever a choice changes it (a model picked, a step skipped or gone back to), so
 * the numbers stay right; steps are named, not numbered, so a changed plan cannot shift a hard-coded number.
 */

export const PROVIDER_STEP = 'provider';
export const MODEL_STEP = 'model';
export const PROMPT_STEP = 'prompt';
export const INPUT_IMAGE_STEP = 'inputImage';

export interface FlowChoices {
  /** More than one provider has a key, so the flow asks which. */
  readonly asksProvider: boolean;
  /** The names of the parameter steps the (chosen or default) model has, in the order they are asked. */
  readonly paramSteps: readonly string[];
  /** The flow asks for an input image (a video model that animates one, when none was given). */
  readonly asksInputImage?: boolean;
}

/** The names of the steps a flow shows, in order. */
export function flowSteps(choices: FlowChoices): string[] {
  return [
    ...(choices.asksProvider ? [PROVIDER_STEP] : []),
    MODEL_STEP,
    PROMPT_STEP,
    ...choices.paramSteps,
    ...(choices.asksInputImage ? [INPUT_IMAGE_STEP] : []),
  ];
}

/** "Title (k/n)" for the step named `current` of `steps`. A step that is not in the plan is a bug in the flow. */
export function stepTitle(title: string, steps: readonly string[], current: string): string {
  const index = steps.indexOf(current);
  if (index < 0) throw new Error(`"${current}" is not a step of this flow (${steps.join(', ')})`);
  if (new Set(steps).size !== steps.length) throw new Error(`A step is named twice (${steps.join(', ')})`);
  return `${title} (${index + 1}/${steps.length})`;
}
