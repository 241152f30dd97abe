/**
 * What a task's hover says about its parameters and input images, in a person's terms: a duration with its
 * unit, and an input image as the workspace file it came from (a result of an earlier task) rather than the
 * provider URL it was sent as. No editor here: the host renders these lines.
 */
import type { ParamValue, TaskRequest } from './task';

/** Request parameters that carry an input image URL (Pixapi's video `input_image`). */
const INPUT_IMAGE_PARAMS = ['input_image'];

export interface ParamLine {
  readonly name: string;
  /** The value as shown: a duration with "s", other values as they are. */
  readonly value: string;
}

/** The parameters to list, with units; input image URLs are left to `inputImages`. */
export function paramLines(params: Readonly<Record<string, ParamValue>>, durationParam: string | undefined): ParamLine[] {
  return Object.entries(params)
    .filter(([name]) => !INPUT_IMAGE_PARAMS.includes(name))
    .map(([name, value]) => ({ name, value: name === durationParam && typeof value === 'number' ? `${value} s` : shown(value) }));
}

/** An object or list value (PixAI's `lora`) as JSON, anything else as text. */
function shown(value: ParamValue): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

export interface InputImage {
  readonly url: string;
  /** The saved result file (a URI string) this URL was the provider's result URL of, when one is known. */
  readonly file?: string;
}

/** The input image URLs of a request, each with the result file it came from where a known task made it. */
export function inputImages(
  request: Pick<TaskRequest, 'params' | 'imageUrls'>,
  tasks: readonly { readonly results?: readonly { readonly url?: string; readonly file?: string }[] }[],
): InputImage[] {
  const urls = [
    ...INPUT_IMAGE_PARAMS.map((name) => request.params[name]).filter((v): v is string => typeof v === 'string' && v !== ''),
    ...(request.imageUrls ?? []),
  ];
  return [...new Set(urls)].map((url) => {
    const file = tasks.flatMap((t) => t.results ?? []).find((r) => r.url === url && r.file)?.file;
    return file ? { url, file } : { url };
  });
}
