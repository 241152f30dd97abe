/** ModelCatalog: Pixapi's models from GET /v1/models, cached; the built-in list when that fails or no key is set. */
import * as assert from 'assert';
import { ApiClient } from '../../../src/core/http';
import type { Log } from '../../../src/host/log';
import { createAdapters } from '../../../src/core/adapters';
import { ModelCatalog } from '../../../src/host/models';
import { ProviderEmulator } from '../../emulator';

const KEY = 'test-pixapi-key';

/** Ids in a fixed order: the list puts each kind's default model first, which these tests do not look at. */
const sorted = (ids: string[]) => [...ids].sort();

describe('host/models: ModelCatalog', () => {
  let emulator: ProviderEmulator;
  let warnings: string[];
  const log = { warn: (line: string) => warnings.push(line) } as unknown as Log; // only warn() is used
  const catalog = (withKey = true) =>
    new ModelCatalog(
      createAdapters(() => undefined),
      async () => (withKey ? new ApiClient({ baseUrl: emulator.urls.pixapi, key: KEY }) : undefined),
      log,
    );
  const modelRequests = () => emulator.requests.filter((r) => r.origin === 'pixapi' && r.path === '/v1/models').length;

  before(async () => {
    emulator = await ProviderEmulator.start();
  });
  after(() => emulator.close());
  beforeEach(() => {
    emulator.reset();
    warnings = [];
  });

  it('lists the models the provider reports, and asks only once while the cache is fresh', async () => {
    const models = catalog();
    const first = await models.list('pixapi');
    const second = await models.list('pixapi');
    assert.strictEqual(modelRequests(), 1);
    assert.deepStrictEqual(second, first);
    const served = (await (await fetch(`${emulator.urls.pixapi}/v1/models`, { headers: { authorization: `Bearer ${KEY}` } })).json()) as {
      data: { id: string; category: string }[];
    };
    const expected = served.data.filter((m) => m.category === 'image' || m.category === 'video').map((m) => m.id);
    assert.deepStrictEqual(sorted(first.map((m) => m.id)), sorted(expected));
    assert.notDeepStrictEqual(
      sorted(expected),
      sorted(models.builtIn('pixapi').map((m) => m.id)),
      'the served list differs from the built-in one, so the fallback tests below can tell them apart',
    );
    assert.deepStrictEqual(warnings, []);
  });

  it('asks again after forget() (a new key)', async () => {
    const models = catalog();
    await models.list('pixapi');
    models.forget('pixapi');
    await models.list('pixapi');
    assert.strictEqual(modelRequests(), 2);
  });

  it('falls back to the built-in list when the endpoint fails, and says so in the log', async () => {
    emulator.inject({ origin: 'pixapi', path: '^/v1/models$', action: { kind: 'status', status: 500 } });
    const models = catalog();
    const listed = await models.list('pixapi');
    assert.deepStrictEqual(sorted(listed.map((m) => m.id)), sorted(models.builtIn('pixapi').map((m) => m.id)));
    assert.ok(listed.length > 0);
    assert.strictEqual(warnings.length, 1);
    assert.match(warnings[0], /Could not list Pixapi models/);
  });

  it('falls back to the built-in list on a malformed answer', async () => {
    emulator.inject({ origin: 'pixapi', path: '^/v1/models$', action: { kind: 'malformed' } });
    const models = catalog();
    assert.deepStrictEqual(sorted((await models.list('pixapi')).map((m) => m.id)), sorted(models.builtIn('pixapi').map((m) => m.id)));
    assert.strictEqual(warnings.length, 1);
  });

  it('uses the built-in list without a request when no key is set, and for providers without a model list', async () => {
    const models = catalog(false);
    assert.deepStrictEqual(sorted((await models.list('pixapi')).map((m) => m.id)), sorted(models.builtIn('pixapi').map((m) => m.id)));
    assert.deepStrictEqual(sorted((await catalog().list('apixo')).map((m) => m.id)), sorted(catalog().builtIn('apixo').map((m) => m.id)));
    assert.strictEqual(modelRequests(), 0);
  });
});
