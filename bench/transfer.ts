/**
 * The client side of the download and upload benchmarks, run in a child process so its memory is the
 * client's alone (the emulator runs in the parent). Prints one JSON line.
 *
 *   node out/bench/transfer.js download <url> <file>
 *   node out/bench/transfer.js upload <baseUrl> <key> <file> <file>…
 *   node out/bench/transfer.js undici-discard <url>        (floor of the HTTP library: body read, nothing written)
 *   node out/bench/transfer.js socket <url> <file>         (floor of Node itself: one reused read buffer, no HTTP library)
 *
 * The download runs the extension's own byte path: src/core/download.ts openDownload, then
 * src/core/files/saveDownload.ts resultInspector and streamToNewFile, as src/host/results.ts calls them.
 * The upload uses src/core/multipart.ts multipartBody and ApiClient, as the Pixapi adapter's edit does, with
 * reference images opened as fs read streams like src/host/images.ts does.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { openDownload } from '../src/core/download';
import { resultInspector, streamToNewFile } from '../src/core/files/saveDownload';
import { ApiClient, loadUndici } from '../src/core/http';
import { multipartBody, type MultipartPart } from '../src/core/multipart';

const MiB_BYTES = 1024 * 1024;

function statusKb(field: 'VmRSS' | 'VmHWM'): number {
  const status = fs.existsSync('/proc/self/status') ? fs.readFileSync('/proc/self/status', 'utf8') : '';
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) * 1024 : NaN;
}

async function measure(work: () => Promise<number>): Promise<void> {
  const before = process.memoryUsage().rss;
  // Linux reports the peak itself (VmHWM); sampling memoryUsage() every 20 ms costs the client some 8 MiB of
  // peak memory of its own, so it is the fallback only where VmHWM is missing.
  const kernelPeak = Number.isFinite(statusKb('VmHWM'));
  let peakSampled = before;
  const sampler = kernelPeak ? undefined : setInterval(() => { peakSampled = Math.max(peakSampled, process.memoryUsage().rss); }, 20);
  const started = process.hrtime.bigint();
  const bytes = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  peakSampled = Math.max(peakSampled, process.memoryUsage().rss);
  const hwm = kernelPeak ? statusKb('VmHWM') : NaN;
  console.log(
    JSON.stringify({
      bytes,
      seconds,
      rssBefore: before,
      peakRssSampled: peakSampled,
      vmHwm: hwm,
      extraBytes: (kernelPeak ? hwm : peakSampled) - before,
    }),
  );
}

async function download(url: string, file: string): Promise<number> {
  const response = await openDownload(url, { allowLoopback: true, timeoutMs: 120_000 });
  const inspector = resultInspector(4 * 1024 * 1024 * 1024, response.contentLength, response.contentType);
  const written = await streamToNewFile(response.body, file, (chunk) => inspector.inspect(chunk));
  if (response.contentLength !== undefined && inspector.received !== response.contentLength)
    throw new Error(`short download: ${inspector.received} of ${response.contentLength}`);
  if (!inspector.media()) throw new Error('the download was not recognised as media');
  return written;
}

/** undici's own cost: the body read through its dispatcher and dropped, no file, no checks. */
async function undiciDiscard(url: string): Promise<number> {
  const { origin, pathname } = new URL(url);
  let received = 0;
  await new Promise<void>((resolve, reject) => {
    new (loadUndici().Agent)().dispatch(
      { origin, path: pathname, method: 'GET', headers: { 'user-agent': 'media-studio-bench' } },
      {
        onConnect: () => undefined,
        onHeaders: () => true,
        onData: (chunk) => { received += chunk.length; return true; },
        onComplete: () => resolve(),
        onError: reject,
      },
    );
  });
  return received;
}

/**
 * What Node can do without an HTTP library: a plain socket whose reads land in one reused 1 MiB buffer
 * (net's `onread`), each written to the file at once. The response head is skipped, not parsed: a floor, not a client.
 */
async function socketToFile(url: string, file: string): Promise<number> {
  const { hostname, port, pathname, host } = new URL(url);
  const fd = fs.openSync(file, 'wx');
  let head: Buffer | undefined = Buffer.alloc(0);
  let body = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect({
        host: hostname,
        port: Number(port),
        onread: {
          buffer: Buffer.allocUnsafe(MiB_BYTES),
          callback: (length, buffer) => {
            let start = 0;
            if (head !== undefined) {
              head = Buffer.concat([head, buffer.subarray(0, length)]);
              const end = head.indexOf('\r\n\r\n');
              if (end < 0) return true;
              start = length - (head.length - end - 4);
              head = undefined;
            }
            for (let at = start; at < length; ) at += fs.writeSync(fd, buffer, at, length - at);
            body += length - start;
            return true;
          },
        },
      });
      socket.on('connect', () => socket.write(`GET ${pathname} HTTP/1.1\r\nhost: ${host}\r\nconnection: close\r\n\r\n`));
      socket.on('end', () => resolve());
      socket.on('error', reject);
    });
  } finally {
    fs.closeSync(fd);
  }
  return body;
}

async function upload(baseUrl: string, key: string, files: string[]): Promise<number> {
  const parts: MultipartPart[] = [
    { name: 'model', value: 'gpt-image-2' },
    { name: 'prompt', value: 'merge the two references' },
    { name: 'n', value: '1' },
  ];
  for (const file of files) {
    const size = fs.statSync(file).size;
    parts.push({ name: 'image', filename: path.basename(file), type: 'image/png', size, open: () => fs.createReadStream(file) });
  }
  const form = multipartBody(parts);
  const api = new ApiClient({ baseUrl, key });
  const response = await api.call('POST', '/v1/async/images/edits', { form, timeoutMs: 300_000 });
  if (response.status !== 200) throw new Error(`upload answered ${response.status}: ${JSON.stringify(response.body).slice(0, 300)}`);
  return form.contentLength;
}

if (require.main === module) {
  const [mode, ...args] = process.argv.slice(2);
  // Load the modules' lazy parts once so the baseline includes them (undici loads on the first request).
  void (async () => {
    loadUndici();
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (mode === 'download') await measure(() => download(args[0], args[1]));
    else if (mode === 'undici-discard') await measure(() => undiciDiscard(args[0]));
    else if (mode === 'socket') await measure(() => socketToFile(args[0], args[1]));
    else if (mode === 'upload') await measure(() => upload(args[0], args[1], args.slice(2)));
    else throw new Error(`unknown mode ${mode}`);
  })().catch((error) => {
    console.error(error instanceof Error ? error.stack : String(error));
    process.exit(1);
  });
}
