import * as assert from 'node:assert/strict';
import { EmulatorClient, type ProviderEmulator } from '../../emulator';
import { HELD_IN_QUEUE, KEYS, request, startFast } from './helpers';

describe('emulator: control port and EmulatorClient', () => {
  let emulator: ProviderEmulator;
  let client: EmulatorClient;

  before(async () => {
    emulator = await startFast();
    client = new EmulatorClient(emulator.urls.control + '/');
  });
  after(() => emulator.close());
  afterEach(() => emulator.reset());

  it('reports health and the origins', async () => {
    const health = await client.health();
    assert.equal(health.ok, true);
    assert.deepEqual(health.urls, emulator.urls);
    assert.deepEqual(await client.urls(), emulator.urls);
  });

  it('serves the request log incrementally and does not log its own traffic', async () => {
    await request(`${emulator.urls.cdn}/blob/1`);
    const all = await client.requests();
    assert.equal(all.length, 1);
    await request(`${emulator.urls.cdn}/blob/2`);
    const newer = await client.requests(all[0].seq);
    assert.deepEqual(newer.map((r) => r.path), ['/blob/2']);
    assert.equal(emulator.requests.length, 2);
  });

  it('injects and clears faults', async () => {
    await client.inject({ origin: 'pixapi', path: '^/v1/models$', times: 3, action: { kind: 'status', status: 503, retryAfter: 2 } });
    const faulted = await request(`${emulator.urls.pixapi}/v1/models`, { key: KEYS.pixapi });
    assert.equal(faulted.status, 503);
    assert.equal(faulted.headers.get('retry-after'), '2');
    await client.clearFaults();
    assert.equal((await request(`${emulator.urls.pixapi}/v1/models`, { key: KEYS.pixapi })).status, 200);
    await assert.rejects(client.inject({ action: { kind: 'nope' } } as never), /400/);
  });

  it('configures keys, timing, limits and credits, and lists tasks', async () => {
    await client.configure({ keys: { apixo: ['from-control'] }, timing: HELD_IN_QUEUE, credits: { apixo: 5 } });
    const submit = await request(`${emulator.urls.apixo}/api/v1/generateTask/nano-banana`, {
      key: 'from-control',
      json: { request_type: 'async', input: { prompt: 'x' } },
    });
    assert.equal(submit.status, 200);
    const taskId: string = submit.body.data.taskId;
    const tasks = await client.tasks('apixo');
    assert.equal(tasks.length, 1);
    assert.equal(tasks[0].id, taskId);
    assert.equal(tasks[0].status, 'pending');
    assert.equal(tasks[0].queueMs, 60_000);
    assert.equal((await client.tasks()).length, 1);
    assert.equal((await client.tasks('pixai')).length, 0);
    assert.equal((await client.task('apixo', taskId))?.key, 'from-control');
    assert.equal(await client.task('apixo', 'task_none'), undefined);
    assert.deepEqual(await client.balances(), { pixapi: 10000, apixo: 4.97 }); // 5.00 less nano-banana's $0.03
  });

  it('resets everything, restoring the start options', async () => {
    await client.configure({ keys: { pixapi: ['other'] } });
    assert.equal((await request(`${emulator.urls.pixapi}/v1/models`, { key: KEYS.pixapi })).status, 401);
    await client.reset();
    assert.equal((await client.requests()).length, 0);
    assert.equal((await request(`${emulator.urls.pixapi}/v1/models`, { key: KEYS.pixapi })).status, 200);
  });

  it('answers 404 for unknown control routes and 400 for bad input', async () => {
    assert.equal((await fetch(`${emulator.urls.control}/nothing`)).status, 404);
    assert.equal((await fetch(`${emulator.urls.control}/tasks?provider=openai`)).status, 400);
    assert.equal((await fetch(`${emulator.urls.control}/faults`, { method: 'POST', body: '{nope' })).status, 400);
    const badOptions = await fetch(`${emulator.urls.control}/configure`, {
      method: 'POST',
      body: JSON.stringify({ timing: { image: 'fast' } }),
    });
    assert.equal(badOptions.status, 400);
    await assert.rejects(client.configure({ keys: { openai: ['k'] } } as never), /400/);
    await assert.rejects(client.configure({ credits: { apixo: -1 } }), /400/);
  });
});
