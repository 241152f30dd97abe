/** A streamed multipart body with a known length: a large reference image is never held in memory whole. */
import { randomBytes } from 'crypto';
import * as l10n from '@vscode/l10n';

export type MultipartPart =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly filename: string; readonly type: string; readonly size: number; open(): AsyncIterable<Uint8Array> };

export interface MultipartBody {
  readonly contentType: string;
  readonly contentLength: number;
  readonly body: AsyncIterable<Uint8Array>;
}

/** The HTML form encoding of names in Content-Disposition, which form-data parsers (undici's too) undo. */
function quote(value: string): string {
  return value.replace(/["\r\n]/g, (c) => (c === '"' ? '%22' : c === '\r' ? '%0D' : '%0A'));
}

export function multipartBody(
  parts: readonly MultipartPart[],
  boundary = `----MediaStudio${randomBytes(12).toString('hex')}`,
): MultipartBody {
  const heads = parts.map((part) =>
    Buffer.from(
      'filename' in part
        ? `--${boundary}\r\nContent-Disposition: form-data; name="${quote(part.name)}"; filename="${quote(part.filename)}"\r\nContent-Type: ${part.type}\r\n\r\n`
        : `--${boundary}\r\nContent-Disposition: form-data; name="${quote(part.name)}"\r\n\r\n${part.value}`,
    ),
  );
  const crlf = Buffer.from('\r\n');
  const tail = Buffer.from(`--${boundary}--\r\n`);
  const contentLength = heads.reduce((sum, head, i) => {
    const part = parts[i];
    return sum + head.length + ('filename' in part ? part.size : 0) + crlf.length;
  }, tail.length);
  async function* body(): AsyncIterable<Uint8Array> {
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      yield heads[i];
      if ('filename' in part) {
        let sent = 0;
        for await (const chunk of part.open()) {
          sent += chunk.byteLength;
          yield chunk;
        }
        // The length was announced up front; a file that changed meanwhile must not produce a corrupt request.
        if (sent !== part.size)
          throw new Error(l10n.t('"{0}" changed while it was being uploaded ({1} of {2} bytes).', part.filename, sent, part.size));
      }
      yield crlf;
    }
    yield tail;
  }
  return { contentType: `multipart/form-data; boundary=${boundary}`, contentLength, body: body() };
}
