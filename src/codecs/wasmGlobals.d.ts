/**
 * The two browser globals the codecs use, which Node has as well: declared here because the host's project
 * has no DOM library (the webview's has). Only what imageCodecs.ts and the @jsquash typings use.
 */
declare namespace WebAssembly {
  /** An opaque compiled module. */
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- opaque: nothing here reads its members
  interface Module {}
  function compile(bytes: ArrayBufferView | ArrayBuffer): Promise<Module>;
}

interface ImageData {
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
  readonly colorSpace: 'srgb' | 'display-p3';
}
