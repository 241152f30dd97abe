/**
 * Pixapi's built-in model list, sizes and qualities, in a module that imports nothing: the catalog reads them
 * at load time, and the adapter (pixapi → openai → catalog) would still be half loaded if they lived there.
 */
export const PIXAPI_FALLBACK_MODELS: readonly { id: string; kind: 'image' | 'video'; edits: boolean; quality: boolean }[] = [
  { id: 'gemini-3.1-flash-image-preview', kind: 'image', edits: true, quality: false },
  { id: 'gemini-2.5-flash-image', kind: 'image', edits: true, quality: false },
  { id: 'gemini-3-pro-image-preview', kind: 'image', edits: true, quality: false },
  { id: 'gpt-image-2', kind: 'image', edits: true, quality: true },
  { id: 'gpt-image-1.5', kind: 'image', edits: true, quality: true },
  { id: 'veo', kind: 'video', edits: false, quality: false },
  { id: 'wan', kind: 'video', edits: false, quality: false },
  { id: 'kling', kind: 'video', edits: false, quality: false },
];
export const PIXAPI_IMAGE_SIZES = ['auto', '1024x1024', '1536x1024', '1024x1536', '2048x2048'] as const;
export const PIXAPI_VIDEO_SIZES = ['1280x720', '720x1280', '16:9'] as const;
export const PIXAPI_QUALITIES = ['auto', 'low', 'medium', 'high'] as const;

/** A model that takes `quality` (the gpt-image family does; Gemini image models do not document it). */
export function pixapiTakesQuality(model: string): boolean {
  return /^gpt-image/.test(model);
}
