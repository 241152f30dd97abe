/** A task's hover in a person's terms: durations with units, input images as the workspace file they came from. */
import type { ParamValue, TaskRequest } from './task';

/** Request parameters that carry an input image URL (Pixapi's video `input_image`). */
const INPUT_IMAGE_PARAMS = ['input_image'];

export interface ParamLine {
  readonly name: string;
  /** A duration with "s", other values as they are. */
  readonly value: string;
}

/** Input image URLs are left to `inputImages`. */
export function paramLines(params: Readonly<Record<string, ParamValue>>, durationParam: string | undefined): ParamLine[] {
  return Object.entries(params)
    .filter(([name]) => !INPUT_IMAGE_PARAMS.includes(name))
    .map(([name, value]) => ({ name, value: name === durationParam && typeof value === 'number' ? `${value} s` : shown(value) }));
}

function shown(value: ParamValue): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

export interface InputImage {
  readonly url: string;
  /** The saved result this URL was the provider's result URL of, when known. */
  readonly file?: string;
}

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
