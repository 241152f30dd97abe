/** multipartBody: a streamed multipart/form-data body with a known length. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ApiClient, obj, str } from '../../../src/core/http';
import { multipartBody, type MultipartBody, type MultipartPart } from '../../../src/core/multipart';
import { ProviderEmulator } from '../../emulator';

const FIXTURE_IMAGES = path.resolve(__dirname, '../../../../test/fixtures/workspace/images');

async function* bytesOf(...chunks: (string | Uint8Array)[]): AsyncIterable<Uint8Array> {
  for (const chunk of chunks) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}

async function collect(body: MultipartBody): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body.body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Parses the body back with the platform's own multipart parser (undici's, as a server would). */
async function parse(body: MultipartBody): Promise<{ bytes: Buffer; form: FormData }> {
  const bytes = await collect(body);
  const form = await new Response(Uint8Array.from(bytes), { headers: { 'content-type': body.contentType } }).formData();
  return { bytes, form };
}

function entries(form: FormData): Array<[string, FormDataEntryValue]> {
  const list: Array<[string, FormDataEntryValue]> = [];
  form.forEach((value, name) => list.push([name, value]));
  return list;
}

function file(name: string, type: string, content: Uint8Array | string, announced?: number): MultipartPart {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  return {
    name: 'image',
    filename: name,
    type,
    size: announced ?? bytes.length,
    open: () => bytesOf(bytes.subarray(0, Math.ceil(bytes.length / 2)), bytes.subarray(Math.ceil(bytes.length / 2))),
  };
}

describe('core/multipart: multipartBody', () => {
  it('parses back into the same fields and files', async () => {
    const png = fs.readFileSync(path.join(FIXTURE_IMAGES, 'product.png'));
    const body = multipartBody([
      { name: 'model', value: 'gpt-image-2' },
      { name: 'prompt', value: 'make the bicycle blue — ñ, 日本' },
      { name: 'n', value: '2' },
      file('product.png', 'image/png', png),
    ]);
    assert.match(body.contentType, /^multipart\/form-data; boundary=----MediaStudio[0-9a-f]{24}$/);
    const { form } = await parse(body);
    assert.strictEqual(form.get('model'), 'gpt-image-2');
    assert.strictEqual(form.get('prompt'), 'make the bicycle blue — ñ, 日本');
    assert.strictEqual(form.get('n'), '2');
    const image = form.get('image');
    assert.ok(image instanceof Blob && 'name' in image);
    assert.strictEqual((image as File).name, 'product.png');
    assert.strictEqual(image.type, 'image/png');
    assert.ok(Buffer.from(await image.arrayBuffer()).equals(png), 'the file bytes are intact');
  });

  it('announces exactly the number of bytes it produces (multi-byte text included)', async () => {
    const bodies = [
      multipartBody([]),
      multipartBody([{ name: 'prompt', value: 'ünïcødé 🚲' }]),
      multipartBody([file('a.bin', 'application/octet-stream', new Uint8Array(70_000).fill(7)), { name: 'x', value: '' }]),
    ];
    for (const body of bodies) {
      const bytes = await collect(body);
      assert.strictEqual(body.contentLength, bytes.length);
    }
  });

  it('keeps repeated image parts in their order', async () => {
    const names = ['first.png', 'second.jpg', 'third.webp', 'fourth.png'];
    const body = multipartBody([{ name: 'prompt', value: 'merge' }, ...names.map((name, i) => file(name, 'image/png', `bytes-${i}`))]);
    const { form } = await parse(body);
    const images = form.getAll('image') as File[];
    assert.deepStrictEqual(images.map((f) => f.name), names);
    assert.deepStrictEqual(await Promise.all(images.map(async (f) => Buffer.from(await f.arrayBuffer()).toString())), [
      'bytes-0',
      'bytes-1',
      'bytes-2',
      'bytes-3',
    ]);
    assert.deepStrictEqual(entries(form).map(([name]) => name), ['prompt', 'image', 'image', 'image', 'image']);
  });

  it('uses the boundary it is given', async () => {
    const body = multipartBody([{ name: 'a', value: 'b' }], 'XyZ123');
    assert.strictEqual(body.contentType, 'multipart/form-data; boundary=XyZ123');
    assert.strictEqual((await collect(body)).toString(), '--XyZ123\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--XyZ123--\r\n');
  });

  it('neutralises quotes and line breaks in names and file names', async () => {
    const body = multipartBody([
      { name: 'prompt"; filename="evil.sh', value: 'v1' },
      { name: 'x\r\nContent-Type: text/html\r\n\r\ninjected', value: 'v2' },
      file('photo"\r\nContent-Type: text/html.png', 'image/png', 'PNGDATA'),
    ]);
    const { bytes, form } = await parse(body);
    const list = entries(form);
    assert.strictEqual(list.length, 3, 'still three parts');
    // Quotes and line breaks travel as %22, %0D and %0A (the HTML form encoding), which parsers turn back.
    assert.deepStrictEqual(
      list.map(([name]) => name),
      ['prompt"; filename="evil.sh', 'x\r\nContent-Type: text/html\r\n\r\ninjected', 'image'],
    );
    assert.strictEqual(list[0][1], 'v1', 'the quoted name did not turn its part into a file');
    assert.strictEqual(list[1][1], 'v2');
    const image = list[2][1];
    assert.ok(typeof image !== 'string');
    assert.strictEqual(image.type, 'image/png');
    assert.strictEqual((image as File).name, 'photo"\r\nContent-Type: text/html.png');
    const text = bytes.toString('latin1');
    assert.ok(text.includes('Content-Disposition: form-data; name="prompt%22; filename=%22evil.sh"\r\n'), text);
    assert.strictEqual(text.split('\r\nContent-Type: ').length - 1, 1, 'only the real Content-Type header line');
    assert.ok(!text.includes('\r\ninjected'));
  });

  it('throws while streaming when a file yields fewer bytes than announced', async () => {
    const body = multipartBody([{ name: 'prompt', value: 'x' }, file('short.png', 'image/png', 'abc', 10)]);
    await assert.rejects(collect(body), /"short\.png" changed while it was being uploaded \(3 of 10 bytes\)/);
  });

  it('throws when a file yields more bytes than announced', async () => {
    const body = multipartBody([file('long.png', 'image/png', 'abcdefgh', 4)]);
    await assert.rejects(collect(body), /"long\.png" changed while it was being uploaded \(8 of 4 bytes\)/);
  });

  it('opens each file only when the body reaches it', async () => {
    const opened: string[] = [];
    const part = (name: string): MultipartPart => ({
      name: 'image',
      filename: name,
      type: 'image/png',
      size: 1,
      open: () => {
        opened.push(name);
        return bytesOf('x');
      },
    });
    const body = multipartBody([part('a.png'), part('b.png')]);
    assert.deepStrictEqual(opened, []);
    const iterator = body.body[Symbol.asyncIterator]();
    await iterator.next(); // head of a.png
    await iterator.next(); // content of a.png
    assert.deepStrictEqual(opened, ['a.png']);
    for (let step = await iterator.next(); !step.done; step = await iterator.next()) { /* drain */ }
    assert.deepStrictEqual(opened, ['a.png', 'b.png']);
  });

  describe('through ApiClient to the emulator', () => {
    let emulator: ProviderEmulator;
    before(async () => {
      emulator = await ProviderEmulator.start({ timing: { image: { queueMs: 50, runMs: 150 }, video: { queueMs: 50, runMs: 300 } } });
    });
    after(async () => {
      await emulator.close();
    });

    it('uploads an async Pixapi edit with two image parts, in order', async () => {
      const parts: MultipartPart[] = [
        { name: 'model', value: 'gpt-image-2' },
        { name: 'prompt', value: 'put the product on the banner' },
        { name: 'n', value: '1' },
      ];
      for (const [name, type] of [['product.png', 'image/png'], ['banner.webp', 'image/webp']]) {
        const full = path.join(FIXTURE_IMAGES, name);
        parts.push({
          name: 'image',
          filename: name,
          type,
          size: fs.statSync(full).size,
          open: () => fs.createReadStream(full, { highWaterMark: 1024 }),
        });
      }
      const form = multipartBody(parts);
      const api = new ApiClient({ baseUrl: emulator.urls.pixapi, key: 'test-pixapi-key' });
      const response = await api.call('POST', '/v1/async/images/edits', { form });
      assert.strictEqual(response.status, 200);
      const id = str(obj(response.body)?.id);
      assert.ok(id);
      const task = emulator.task('pixapi', id);
      assert.ok(task);
      assert.deepStrictEqual(task.request, {
        model: 'gpt-image-2',
        prompt: 'put the product on the banner',
        n: '1',
        image: [
          { filename: 'product.png', type: 'image/png', size: fs.statSync(path.join(FIXTURE_IMAGES, 'product.png')).size },
          { filename: 'banner.webp', type: 'image/webp', size: fs.statSync(path.join(FIXTURE_IMAGES, 'banner.webp')).size },
        ],
      });
      const logged = emulator.requests.find((r) => r.path === '/v1/async/images/edits');
      assert.strictEqual(logged?.bodySize, form.contentLength);
    });
  });

  describe('found by review', () => {
  it('a backslash in a file name parses back as one backslash', async () => {
    const { form } = await parse(multipartBody([file('my\\photo.png', 'image/png', 'x')]));
    assert.strictEqual((form.get('image') as File).name, 'my\\photo.png');
  });
  });
});
