import * as assert from 'node:assert/strict';
import {
  SIDECAR_MAX_BYTES, SIDECAR_SCHEMA, type Sidecar, type SidecarInput, URL_EXPIRY_MARGIN_MS, buildSidecar, isSidecarError, parseSidecar,
  serializeSidecar, UNKNOWN_EXPIRY_MAX_AGE_MS, usableAsReference, validResultUrl, inputImageUrls, inputUrlsExpireAt, inputUrlsExpired,
} from '../../../src/core/files/sidecar';

const CREATED = Date.UTC(2026, 10, 21, 17, 5, 12);
const MINUTE = 60_000;

function fullInput(overrides: Partial<SidecarInput> = {}): SidecarInput {
  return {
    prompt: 'Ceramic coffee cup, "studio" light — 🎨',
    provider: 'pixapi',
    model: 'gpt-image-1.5',
    operation: 'generate',
    parameters: { size: '1024x1024', quality: 'high', seed: 42, extra: { nested: true, b: [1, 2], a: null } },
    taskId: 'task-1',
    remoteTaskId: 'remote-abc',
    cost: { amount: 0.04, unit: 'USD' },
    createdAt: CREATED,
    completedAt: new Date(CREATED + 30_000),
    sourceUrl: 'https://cdn.example.com/results/abc.png?sig=xyz',
    sourceUrlExpiresAt: CREATED + 60 * MINUTE,
    index: 2,
    count: 3,
    references: ['images/product.png', 'images/sketch.jpg'],
    ...overrides,
  };
}

function minimalJson(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    schema: SIDECAR_SCHEMA, prompt: 'cup', provider: 'pixapi', model: 'm', operation: 'generate', parameters: {},
    taskId: 't1', createdAt: '2026-11-21T17:05:12.000Z', index: 1, count: 1, ...overrides,
  });
}

function errorOf(text: string): string {
  const result = parseSidecar(text);
  assert.ok(isSidecarError(result), `expected an error for ${String(text).slice(0, 80)}`);
  return result.error;
}

describe('files: buildSidecar', () => {
  it('records every field, with times as ISO strings', () => {
    const sidecar = buildSidecar(fullInput());
    assert.equal(sidecar.schema, 'media-studio/result@1');
    assert.equal(sidecar.createdAt, '2026-11-21T17:05:12.000Z');
    assert.equal(sidecar.completedAt, '2026-11-21T17:05:42.000Z');
    assert.equal(sidecar.sourceUrlExpiresAt, '2026-11-21T18:05:12.000Z');
    assert.deepEqual(sidecar.cost, { amount: 0.04, unit: 'USD' });
    assert.equal(sidecar.index, 2);
    assert.equal(sidecar.count, 3);
  });

  it('leaves out optional fields that are not known and defaults parameters to {}', () => {
    const sidecar = buildSidecar({
      prompt: 'p',
      provider: 'pixai',
      model: 'm',
      operation: 'generate',
      taskId: 't',
      createdAt: CREATED,
      index: 1,
      count: 1,
    });
    assert.deepEqual(Object.keys(sidecar).sort(), [
      'count',
      'createdAt',
      'index',
      'model',
      'operation',
      'parameters',
      'prompt',
      'provider',
      'schema',
      'taskId',
    ]);
    assert.deepEqual(sidecar.parameters, {});
  });

  it('copies its inputs, dropping values JSON cannot hold', () => {
    const references = ['a.png'];
    const parameters: Record<string, unknown> = { keep: 1, gone: undefined };
    const sidecar = buildSidecar(fullInput({ parameters, references }));
    references.push('b.png');
    parameters.keep = 2;
    assert.deepEqual(sidecar.references, ['a.png']);
    assert.deepEqual(sidecar.parameters, { keep: 1 });
  });

  it('refuses invalid positions and times', () => {
    assert.throws(() => buildSidecar(fullInput({ index: 0 })), RangeError);
    assert.throws(() => buildSidecar(fullInput({ index: 4, count: 3 })), RangeError);
    assert.throws(() => buildSidecar(fullInput({ count: 0, index: 0 })), RangeError);
    assert.throws(() => buildSidecar(fullInput({ createdAt: Number.NaN })), /createdAt/);
    assert.throws(() => buildSidecar(fullInput({ completedAt: new Date('nope') })), /completedAt/);
  });
});

describe('files: serializeSidecar', () => {
  it('writes pretty JSON with a fixed key order and a trailing newline', () => {
    const text = serializeSidecar(buildSidecar(fullInput()));
    assert.ok(text.endsWith('}\n'));
    assert.ok(!text.endsWith('\n\n'));
    assert.ok(text.startsWith('{\n  "schema": "media-studio/result@1",\n  "prompt": '), text.slice(0, 80));
    const keys = Object.keys(JSON.parse(text));
    assert.deepEqual(keys, [
      'schema', 'prompt', 'provider', 'model', 'operation', 'parameters', 'taskId', 'remoteTaskId', 'cost',
      'createdAt', 'completedAt', 'sourceUrl', 'sourceUrlExpiresAt', 'index', 'count', 'references',
    ]);
  });

  it('sorts nested keys, so equal sidecars give identical text whatever the insertion order', () => {
    const a = buildSidecar(fullInput({ parameters: { z: 1, a: { y: 2, b: 3 } } }));
    const b = buildSidecar(fullInput({ parameters: { a: { b: 3, y: 2 }, z: 1 } }));
    const scrambled = Object.fromEntries(Object.entries(b).reverse()) as unknown as Sidecar;
    assert.equal(Object.keys(scrambled)[0], 'references');
    assert.equal(serializeSidecar(a), serializeSidecar(scrambled));
    assert.ok(serializeSidecar(a).includes('"parameters": {\n    "a": {\n      "b": 3,\n      "y": 2\n    },\n    "z": 1\n  }'));
  });

  it('round-trips through parseSidecar', () => {
    const sidecar = buildSidecar(fullInput());
    const parsed = parseSidecar(serializeSidecar(sidecar));
    assert.deepEqual(parsed, JSON.parse(serializeSidecar(sidecar)));
    assert.deepEqual(parsed, {
      ...sidecar,
      parameters: { extra: { a: null, b: [1, 2], nested: true }, quality: 'high', seed: 42, size: '1024x1024' },
    });
  });
});

describe('files: parseSidecar', () => {
  it('accepts a minimal sidecar, a byte-order mark and unknown extra fields (dropped)', () => {
    const parsed = parseSidecar(`\uFEFF${minimalJson({ futureField: 'x' })}`);
    assert.ok(!isSidecarError(parsed));
    assert.equal(parsed.prompt, 'cup');
    assert.equal('futureField' in parsed, false);
  });

  it('accepts times with an offset or without fractions', () => {
    assert.ok(!isSidecarError(parseSidecar(minimalJson({ createdAt: '2026-11-21T18:05:12+01:00', completedAt: '2026-11-21T17:06:00Z' }))));
  });

  it('refuses text that is not a JSON object', () => {
    assert.match(errorOf(''), /not valid JSON/);
    assert.match(errorOf('{"schema": '), /not valid JSON/);
    assert.match(errorOf('[]'), /JSON object/);
    assert.match(errorOf('null'), /JSON object/);
    assert.match(errorOf('"text"'), /JSON object/);
  });

  it('refuses other schemas, naming the one found', () => {
    assert.match(
      errorOf(minimalJson({ schema: 'media-studio/result@2' })),
      /"schema" must be "media-studio\/result@1", not "media-studio\/result@2"/,
    );
    assert.match(errorOf(minimalJson({ schema: undefined })), /"schema" must be/);
  });

  const wrongTypes: Array<[string, Record<string, unknown>]> = [
    ['prompt', { prompt: 5 }],
    ['prompt', { prompt: undefined }],
    ['provider', { provider: '' }],
    ['model', { model: ['m'] }],
    ['operation', { operation: ' ' }],
    ['taskId', { taskId: null }],
    ['parameters', { parameters: [] }],
    ['parameters', { parameters: 'size=1' }],
    ['createdAt', { createdAt: 'yesterday' }],
    ['createdAt', { createdAt: 1763744712000 }],
    ['createdAt', { createdAt: '2026-13-45T99:99:99Z' }],
    ['completedAt', { completedAt: '21/11/2026' }],
    ['index', { index: 0 }],
    ['index', { index: 2, count: 1 }],
    ['index', { index: '1' }],
    ['count', { count: 1.5 }],
    ['count', { count: 0 }],
    ['remoteTaskId', { remoteTaskId: null }],
    ['cost', { cost: 0.04 }],
    ['cost', { cost: { amount: '0.04', unit: 'USD' } }],
    ['cost', { cost: { amount: 0.04 } }],
    ['sourceUrl', { sourceUrl: 42 }],
    ['sourceUrlExpiresAt', { sourceUrlExpiresAt: 'soon' }],
    ['references', { references: 'a.png' }],
    ['references', { references: ['a.png', 7] }],
  ];
  for (const [field, overrides] of wrongTypes) {
    it(`names "${field}" when it is ${JSON.stringify(overrides[field]) ?? 'missing'}`, () => {
      assert.match(errorOf(minimalJson(overrides)), new RegExp(`^The sidecar is not valid: "${field}" must be`));
    });
  }

  it('refuses files over 256 KiB, counting UTF-8 bytes, and accepts one exactly at the limit', () => {
    const base = minimalJson();
    const atLimit = base + ' '.repeat(SIDECAR_MAX_BYTES - Buffer.byteLength(base));
    assert.ok(!isSidecarError(parseSidecar(atLimit)));
    assert.match(errorOf(`${atLimit} `), /larger than 256 KiB/);
    const multiByte = minimalJson({ prompt: '日'.repeat(100_000) }); // ~100k characters, ~300 KB
    assert.ok(multiByte.length < SIDECAR_MAX_BYTES);
    assert.match(errorOf(multiByte), /larger than 256 KiB/);
  });

  it('never throws, even on pathological input', () => {
    assert.match(errorOf('['.repeat(200_000)), /not valid|could not be read/);
    assert.match(errorOf(undefined as unknown as string), /not text/);
    assert.match(errorOf(42 as unknown as string), /not text/);
  });

  it('keeps a "__proto__" key in parameters as data without polluting prototypes', () => {
    const parsed = parseSidecar(minimalJson().replace('"parameters":{}', '"parameters":{"__proto__":{"polluted":true}}'));
    assert.ok(!isSidecarError(parsed));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(parsed.parameters), Object.prototype);
    const reserialized = serializeSidecar(parsed);
    assert.ok(reserialized.includes('"__proto__": {'), reserialized);
  });
});

describe('files: validResultUrl', () => {
  const now = CREATED;
  const withUrl = (sourceUrl: string | undefined, expiresAt?: number) =>
    buildSidecar(fullInput({ sourceUrl, sourceUrlExpiresAt: expiresAt }));

  it('returns an http(s) URL that expires comfortably later', () => {
    assert.equal(validResultUrl(withUrl('https://cdn.example.com/a.png', now + 60 * MINUTE), now), 'https://cdn.example.com/a.png');
    assert.equal(validResultUrl(withUrl('http://127.0.0.1:4000/a.png', now + 6 * MINUTE), now), 'http://127.0.0.1:4000/a.png');
  });

  it('treats URLs within the 5-minute safety margin, or past expiry, as expired', () => {
    assert.equal(URL_EXPIRY_MARGIN_MS, 5 * MINUTE);
    assert.equal(validResultUrl(withUrl('https://cdn.example.com/a.png', now + 5 * MINUTE + 1), now), 'https://cdn.example.com/a.png');
    assert.equal(validResultUrl(withUrl('https://cdn.example.com/a.png', now + 5 * MINUTE), now), undefined);
    assert.equal(validResultUrl(withUrl('https://cdn.example.com/a.png', now + 4 * MINUTE), now), undefined);
    assert.equal(validResultUrl(withUrl('https://cdn.example.com/a.png', now - MINUTE), now), undefined);
  });

  it('offers a URL without a recorded expiry only within an hour of the task finishing', () => {
    assert.equal(UNKNOWN_EXPIRY_MAX_AGE_MS, 60 * MINUTE);
    const finished = CREATED + 30_000; // fullInput's completedAt
    const url = 'https://cdn.example.com/a.png';
    assert.equal(validResultUrl(withUrl(url), finished + 59 * MINUTE), url);
    assert.equal(validResultUrl(withUrl(url), finished + 60 * MINUTE), undefined);
    assert.equal(validResultUrl(withUrl(url), finished + 24 * 60 * MINUTE), undefined, 'not valid forever');
    const noCompletion = buildSidecar(fullInput({ sourceUrl: url, sourceUrlExpiresAt: undefined, completedAt: undefined }));
    assert.equal(validResultUrl(noCompletion, now), undefined, 'no expiry and no completion time: its age is unknown');
  });

  it("never offers PixAI's keyed media route, which only the PixAI key can fetch", () => {
    const route = 'https://api.pixai.art/v1/media/1234/image';
    assert.equal(
      validResultUrl(buildSidecar(fullInput({ provider: 'pixai', sourceUrl: route, sourceUrlExpiresAt: undefined })), now),
      undefined,
    );
    assert.equal(
      validResultUrl(buildSidecar(fullInput({ provider: 'pixai', sourceUrl: route, sourceUrlExpiresAt: now + 60 * MINUTE })), now),
      undefined,
    );
    assert.equal(
      usableAsReference({ url: 'https://cdn.pixai.art/images/1234.png', provider: 'pixai', completedAt: now }, now),
      true,
      'a PixAI mediaUrl is public',
    );
    assert.equal(
      usableAsReference({ url: route, provider: 'pixapi', completedAt: now }, now),
      true,
      'the same path at another provider means nothing special',
    );
  });

  it('refuses missing, malformed, non-http(s) and credentialed URLs', () => {
    const later = now + 60 * MINUTE;
    for (const url of [
      undefined,
      '',
      'not a url',
      'ftp://cdn.example.com/a.png',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:image/png;base64,AAAA',
      'https://user:pw@cdn.example.com/a.png',
    ]) {
      assert.equal(validResultUrl(withUrl(url, later), now), undefined, String(url));
    }
  });

  it('refuses an unparsable expiry in a hand-built sidecar', () => {
    const sidecar = { ...withUrl('https://cdn.example.com/a.png'), sourceUrlExpiresAt: 'whenever' };
    assert.equal(validResultUrl(sidecar, now), undefined);
  });
});

describe('sidecar: what a regenerate needs besides the prompt (input image URLs, sync, output folder)', () => {
  const url = 'https://cdn.example.com/results/first.png';

  it('records input image URLs, their expiry, sync and the output folder, and reads them back', () => {
    const sidecar = buildSidecar(
      fullInput({ imageUrls: [url], inputUrlsExpireAt: CREATED + 24 * 60 * MINUTE, sync: true, outputFolder: 'renders/video' }),
    );
    const parsed = parseSidecar(serializeSidecar(sidecar));
    assert.ok(!isSidecarError(parsed), JSON.stringify(parsed));
    assert.deepEqual(parsed.imageUrls, [url]);
    assert.equal(parsed.inputUrlsExpireAt, new Date(CREATED + 24 * 60 * MINUTE).toISOString());
    assert.equal(parsed.sync, true);
    assert.equal(parsed.outputFolder, 'renders/video');
  });

  it('leaves the fields out when the request had none', () => {
    const text = serializeSidecar(buildSidecar(fullInput({ imageUrls: [] })));
    for (const key of ['imageUrls', 'inputUrlsExpireAt', 'sync', 'outputFolder']) assert.ok(!text.includes(`"${key}"`), key);
  });

  it('refuses input image URLs that are not http(s), a sync that is not a boolean, an empty output folder', () => {
    assert.match(errorOf(minimalJson({ imageUrls: ['file:///etc/passwd'] })), /imageUrls/);
    assert.match(errorOf(minimalJson({ imageUrls: ['https://user:pw@cdn.example.com/a.png'] })), /imageUrls/);
    assert.match(errorOf(minimalJson({ imageUrls: 'https://cdn.example.com/a.png' })), /imageUrls/);
    assert.match(errorOf(minimalJson({ sync: 'yes' })), /sync/);
    assert.match(errorOf(minimalJson({ outputFolder: ' ' })), /outputFolder/);
    assert.match(errorOf(minimalJson({ inputUrlsExpireAt: 'tomorrow' })), /inputUrlsExpireAt/);
  });

  it('says the input URLs expired only from a recorded expiry, with the same margin as result URLs', () => {
    const parse = (extra: Record<string, unknown>) => {
      const parsed = parseSidecar(minimalJson({ imageUrls: [url], ...extra }));
      assert.ok(!isSidecarError(parsed));
      return parsed;
    };
    const expiry = CREATED + 60 * MINUTE;
    const recorded = parse({ inputUrlsExpireAt: new Date(expiry).toISOString() });
    assert.equal(inputUrlsExpired(recorded, expiry - URL_EXPIRY_MARGIN_MS - 1), false);
    assert.equal(inputUrlsExpired(recorded, expiry - URL_EXPIRY_MARGIN_MS), true);
    assert.equal(inputUrlsExpired(parse({}), expiry + 365 * 24 * 60 * MINUTE), false, 'no recorded expiry: the provider decides');
  });

  it('finds the input URLs (imageUrls and Pixapi\'s input_image) and their earliest expiry among earlier results', () => {
    const other = 'https://cdn.example.com/results/second.png';
    assert.deepEqual(inputImageUrls({ imageUrls: [url], params: { input_image: other, size: '1280x720' } }), [url, other]);
    assert.deepEqual(inputImageUrls({ params: { input_image: 'not a url' } }), []);
    const tasks = [
      { results: [{ url, expiresAt: 2000 }, { url: 'https://elsewhere.example/x.png', expiresAt: 1 }] },
      { results: [{ url: other, expiresAt: 1500 }] },
      {},
    ];
    assert.equal(inputUrlsExpireAt({ imageUrls: [url], params: {} }, tasks), 2000);
    assert.equal(inputUrlsExpireAt({ imageUrls: [url], params: { input_image: other } }, tasks), 1500);
    assert.equal(inputUrlsExpireAt({ imageUrls: ['https://unknown.example/a.png'], params: {} }, tasks), undefined);
    assert.equal(inputUrlsExpireAt({ params: {} }, tasks), undefined);
    const unstated = 'https://cdn.example.com/results/no-expiry.png';
    assert.equal(
      inputUrlsExpireAt({ imageUrls: [unstated], params: {} }, [{ endedAt: 5000, results: [{ url: unstated }] }]),
      5000 + UNKNOWN_EXPIRY_MAX_AGE_MS,
      'no stated expiry: the age limit used when the URL is offered as a reference',
    );
  });
});

describe('files: the sidecar\'s elapsed time (issue #16: one definition, core/elapsed)', () => {
  it('records when the task was submitted and the elapsed milliseconds, and reads them back', () => {
    const sidecar = buildSidecar(fullInput({ submittedAt: CREATED + 400, elapsedMs: 29_600 }));
    assert.equal(sidecar.submittedAt, '2026-11-21T17:05:12.400Z');
    assert.equal(sidecar.elapsedMs, 29_600);
    const keys = Object.keys(JSON.parse(serializeSidecar(sidecar)));
    assert.deepEqual(keys.slice(keys.indexOf('createdAt'), keys.indexOf('createdAt') + 4), [
      'createdAt',
      'submittedAt',
      'completedAt',
      'elapsedMs',
    ]);
    const parsed = parseSidecar(serializeSidecar(sidecar));
    assert.ok(!isSidecarError(parsed));
    assert.equal(parsed.elapsedMs, 29_600);
  });

  it('refuses an elapsed time that is no whole, non-negative number of milliseconds', () => {
    assert.throws(() => buildSidecar(fullInput({ elapsedMs: -1 })), /elapsedMs/);
    assert.match(errorOf(minimalJson({ elapsedMs: '7 s' })), /elapsedMs/);
    assert.match(errorOf(minimalJson({ elapsedMs: 1.5 })), /elapsedMs/);
  });
});

describe('files/sidecar: fields sent in extra', () => {
  it('records them apart from the documented parameters, with a note, and reads them back', () => {
    const sidecar = buildSidecar({
      prompt: 'p',
      provider: 'pixai',
      model: '1',
      operation: 'generate',
      parameters: { aspectRatio: '9:16' },
      extra: { lora: { '7': 0.5 }, seed: 3 },
      taskId: 't',
      createdAt: 0,
      index: 1,
      count: 1,
    });
    assert.deepStrictEqual(sidecar.extra, { lora: { '7': 0.5 }, seed: 3 });
    assert.strictEqual(sidecar.extraNote, 'not documented for this model: sent as given');
    const text = serializeSidecar(sidecar);
    assert.ok(
      text.indexOf('"extra"') > text.indexOf('"parameters"') && text.indexOf('"extra"') < text.indexOf('"taskId"'),
      'right after the parameters',
    );
    const parsed = parseSidecar(text);
    assert.ok(!isSidecarError(parsed) && parsed.extra?.seed === 3);
    assert.ok(isSidecarError(parseSidecar(text.replace('"extra": {', '"extra": "x", "was": {'))));
    assert.strictEqual(
      buildSidecar({
        prompt: 'p',
        provider: 'pixai',
        model: '1',
        operation: 'generate',
        extra: {},
        taskId: 't',
        createdAt: 0,
        index: 1,
        count: 1,
      }).extra,
      undefined,
      'no empty extra',
    );
  });
});
