/** Fitting an image into a target size: the plan and the pixel operations on RGBA buffers. */
import type { Fit } from './target';

export interface Rgba {
  readonly width: number;
  readonly height: number;
  /** 4 bytes a pixel, row by row. */
  readonly data: Uint8ClampedArray;
}

export interface FitPlan {
  /** Resample the source to this size first… */
  readonly resizeWidth: number;
  readonly resizeHeight: number;
  /** …then take this window of it (cover crops; contain takes it whole)… */
  readonly cropX: number;
  readonly cropY: number;
  /** …and place it at this offset on a canvas of the final size (contain pads). */
  readonly offsetX: number;
  readonly offsetY: number;
  readonly width: number;
  readonly height: number;
}

/** A missing side follows the source's aspect ratio. */
export function planFit(sourceWidth: number, sourceHeight: number, target: { width?: number; height?: number }, fit: Fit): FitPlan {
  const width =
    target.width ?? (target.height !== undefined ? Math.max(1, Math.round((sourceWidth * target.height) / sourceHeight)) : sourceWidth);
  const height =
    target.height ?? (target.width !== undefined ? Math.max(1, Math.round((sourceHeight * target.width) / sourceWidth)) : sourceHeight);
  const scale =
    fit === 'cover' ? Math.max(width / sourceWidth, height / sourceHeight) : Math.min(width / sourceWidth, height / sourceHeight);
  const clampTo = (value: number, limit: number) => (fit === 'cover' ? Math.max(limit, value) : Math.min(limit, Math.max(1, value)));
  const resizeWidth = clampTo(Math.round(sourceWidth * scale), width);
  const resizeHeight = clampTo(Math.round(sourceHeight * scale), height);
  if (fit === 'cover') {
    return {
      resizeWidth,
      resizeHeight,
      cropX: Math.floor((resizeWidth - width) / 2),
      cropY: Math.floor((resizeHeight - height) / 2),
      offsetX: 0,
      offsetY: 0,
      width,
      height,
    };
  }
  return {
    resizeWidth,
    resizeHeight,
    cropX: 0,
    cropY: 0,
    offsetX: Math.floor((width - resizeWidth) / 2),
    offsetY: Math.floor((height - resizeHeight) / 2),
    width,
    height,
  };
}

/** For the sidecar. */
export function describePlan(sourceWidth: number, sourceHeight: number, plan: FitPlan): string[] {
  const steps: string[] = [];
  if (plan.resizeWidth !== sourceWidth || plan.resizeHeight !== sourceHeight)
    steps.push(`resized ${sourceWidth}x${sourceHeight} to ${plan.resizeWidth}x${plan.resizeHeight}`);
  if (plan.resizeWidth > plan.width || plan.resizeHeight > plan.height) steps.push(`cropped to ${plan.width}x${plan.height} (centre)`);
  if (plan.resizeWidth < plan.width || plan.resizeHeight < plan.height) steps.push(`padded to ${plan.width}x${plan.height} (centre)`);
  return steps;
}

/** The crop window (cover) or all of `resized` at the offset (contain), over `background` (transparent when unset). */
export function compose(resized: Rgba, plan: FitPlan, background: readonly [number, number, number, number] = [0, 0, 0, 0]): Rgba {
  if (resized.width !== plan.resizeWidth || resized.height !== plan.resizeHeight)
    throw new RangeError(`expected ${plan.resizeWidth}x${plan.resizeHeight}, got ${resized.width}x${resized.height}`);
  const out = new Uint8ClampedArray(plan.width * plan.height * 4);
  if (background[3] !== 0) {
    for (let i = 0; i < out.length; i += 4) out.set(background, i);
  }
  const copyWidth = Math.min(plan.width, resized.width - plan.cropX);
  const copyHeight = Math.min(plan.height, resized.height - plan.cropY);
  for (let y = 0; y < copyHeight; y++) {
    const sourceStart = ((y + plan.cropY) * resized.width + plan.cropX) * 4;
    const row = resized.data.subarray(sourceStart, sourceStart + copyWidth * 4);
    const targetStart = ((y + plan.offsetY) * plan.width + plan.offsetX) * 4;
    if (background[3] === 0) {
      out.set(row, targetStart);
    } else {
      for (let x = 0; x < copyWidth * 4; x += 4) blendInto(out, targetStart + x, row, x);
    }
  }
  return { width: plan.width, height: plan.height, data: out };
}

function blendInto(out: Uint8ClampedArray, at: number, source: Uint8ClampedArray, from: number): void {
  const alpha = source[from + 3] / 255;
  const under = out[at + 3] / 255;
  const outAlpha = alpha + under * (1 - alpha);
  if (outAlpha === 0) return;
  for (let c = 0; c < 3; c++) out[at + c] = (source[from + c] * alpha + out[at + c] * under * (1 - alpha)) / outAlpha;
  out[at + 3] = outAlpha * 255;
}

/** JPEG has no transparency: white unless the colour says otherwise. */
export function flatten(image: Rgba, background: readonly [number, number, number, number] = [255, 255, 255, 255]): Rgba {
  const colour: [number, number, number, number] =
    background[3] === 255 ? ([...background] as [number, number, number, number]) : [255, 255, 255, 255];
  const out = new Uint8ClampedArray(image.data.length);
  for (let i = 0; i < out.length; i += 4) out.set(colour, i);
  for (let i = 0; i < out.length; i += 4) blendInto(out, i, image.data, i);
  return { width: image.width, height: image.height, data: out };
}
