import * as assert from 'node:assert/strict';
import { type ProviderEmulator } from '../../emulator';
import { PIXAI_MAX_ACTIVE_TASKS } from '../../emulator/pixai';
import {
  HELD_IN_QUEUE,
  HELD_RUNNING,
  type Json,
  KEYS,
  decodePng,
  distinctRuns,
  download,
  pollUntil,
  request,
  STATE_WALK_TIMING,
  startFast,
} from './helpers';

const KEY = KEYS.pixai;
const MODEL_VERSION = '1983308862240288769';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('emulator: PixAI', () => {
  let emulator: ProviderEmulator;
  let base: string;

  before(async () => {
    emulator = await startFast();
    base = emulator.urls.pixai;
  });
  after(() => emulator.close());
  afterEach(() => emulator.reset());

  /** key null = send no Authorization header. */
  const create = (body: Record<string, unknown>, key: string | null = KEY) =>
    request(`${base}/v2/image/create`, { key: key ?? undefined, json: body });
  const createOk = async (prompt = 'a girl', extra: Record<string, unknown> = {}) => {
    const response = await create({ modelVersionId: MODEL_VERSION, prompt, ...extra });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body;
  };
  const getTask = (id: string, key = KEY) => request(`${base}/v1/task/${id}`, { key });
  const pollToEnd = (id: string) =>
    pollUntil(
      async () => (await getTask(id)).body,
      (task: Json) => ['completed', 'failed', 'cancelled'].includes(task.status),
    );
  const graphql = (query: string, variables?: Record<string, unknown>, key = KEY) =>
    request(`${base}/graphql`, { key, json: { query, variables } });

  it('creates a waiting task and runs it through waiting → running → completed', async () => {
    emulator.configure({ timing: STATE_WALK_TIMING });
    const created = await createOk('1girl, green hair', { aspectRatio: '9:16', mode: 'standard' });
    assert.deepEqual(Object.keys(created), ['id', 'status', 'createdAt', 'updatedAt', 'outputs']);
    assert.equal(created.status, 'waiting');
    assert.match(created.id, /^\d{19}$/);
    assert.match(created.createdAt, ISO);
    assert.deepEqual(created.outputs, { mediaIds: [], mediaUrls: [] });

    const seen = await pollToEnd(created.id);
    assert.equal(emulator.task('pixai', created.id)?.polls.length, seen.length);
    assert.deepEqual(distinctRuns(seen.map((t: Json) => t.status)), ['waiting', 'running', 'completed']);
    const running = seen.find((t: Json) => t.status === 'running');
    assert.match(running.startedAt, ISO);
    assert.equal(running.endAt, undefined);
    const done = seen.pop();
    assert.match(done.endAt, ISO);
    assert.equal(done.updatedAt, done.endAt);
    assert.ok(Date.parse(done.startedAt) >= Date.parse(done.createdAt));
    assert.equal(done.outputs.mediaIds.length, 1);
    assert.equal(done.outputs.mediaUrls.length, 1);
    assert.ok(done.outputs.mediaUrls[0].startsWith(emulator.urls.cdn + '/'));
    const file = await download(done.outputs.mediaUrls[0]);
    assert.equal(file.status, 200);
    assert.deepEqual(decodePng(file.bytes), { width: 576, height: 1024 });
  });

  it('records the time of every poll so spacing can be checked', async () => {
    const created = await createOk();
    await getTask(created.id);
    await getTask(created.id);
    const polls = emulator.task('pixai', created.id)?.polls ?? [];
    assert.equal(polls.length, 2);
    assert.ok(polls[1] >= polls[0]);
    const logged = emulator.requests.filter((r) => r.path === `/v1/task/${created.id}`);
    assert.equal(logged.length, 2);
  });

  for (const [name, body] of [
    ['missing modelVersionId', { prompt: 'x' }],
    // eslint-disable-next-line no-loss-of-precision -- the point: a JSON number cannot hold a PixAI id exactly
    ['numeric modelVersionId', { modelVersionId: 1983308862240288769, prompt: 'x' }],
    ['empty modelVersionId', { modelVersionId: ' ', prompt: 'x' }],
    ['mediaUrl that is not an http(s) URL', { modelVersionId: MODEL_VERSION, prompt: 'x', mediaUrl: 'file:///etc/passwd' }],
    ['mediaUrl that is not a string', { modelVersionId: MODEL_VERSION, prompt: 'x', mediaUrl: 42 }],
    [
      'strength that is not a number',
      { modelVersionId: MODEL_VERSION, prompt: 'x', mediaUrl: 'https://example.com/a.png', strength: '0.5' },
    ],
    ['missing prompt', { modelVersionId: MODEL_VERSION }],
    ['empty prompt', { modelVersionId: MODEL_VERSION, prompt: '' }],
    ['aspectRatio that is not a string', { modelVersionId: MODEL_VERSION, prompt: 'x', aspectRatio: 1.5 }],
    ['[reject] prompt', { modelVersionId: MODEL_VERSION, prompt: 'x [reject]' }],
  ] as Array<[string, Record<string, unknown>]>) {
    it(`answers 400 {message} for ${name}`, async () => {
      const response = await create(body);
      assert.equal(response.status, 400);
      assert.deepEqual(Object.keys(response.body), ['message']);
      assert.equal(emulator.tasks().length, 0);
    });
  }

  it('accepts free-text aspectRatio, mode and style', async () => {
    await createOk('x', { aspectRatio: 'portrait', mode: 'turbo', style: 'anything' });
  });

  it('accepts a modelVersionId that is not digits: only its place in a model page URL is documented', async () => {
    const response = await create({ modelVersionId: 'v2-anime', prompt: 'x' });
    assert.equal(response.status, 200);
  });

  it('takes a reference image as mediaUrl with an optional strength (image-to-image), kept with the task', async () => {
    const created = await createOk('x', { mediaUrl: 'https://example.com/cat.png', strength: 0.35 });
    assert.deepEqual(emulator.task('pixai', created.id)?.request, {
      modelVersionId: MODEL_VERSION,
      prompt: 'x',
      mediaUrl: 'https://example.com/cat.png',
      strength: 0.35,
    });
  });

  it('refuses a mediaUrl of its own CDN that no longer exists', async () => {
    const response = await create({
      modelVersionId: MODEL_VERSION,
      prompt: 'x',
      mediaUrl: `${emulator.urls.cdn}/r/00000000000000000000000000000000/gone.png`,
    });
    assert.equal(response.status, 400);
    assert.match(response.body.message, /mediaUrl could not be downloaded/);
  });

  it('answers 403 without a token and 401 for a wrong key', async () => {
    const missing = await create({ modelVersionId: MODEL_VERSION, prompt: 'x' }, null);
    assert.equal(missing.status, 403);
    assert.equal(typeof missing.body.message, 'string');
    const wrong = await create({ modelVersionId: MODEL_VERSION, prompt: 'x' }, 'wrong');
    assert.equal(wrong.status, 401);
    assert.equal(typeof wrong.body.message, 'string');
  });

  it("answers 404 for an unknown task and for another key's task", async () => {
    emulator.configure({ keys: { pixai: [KEY, 'second'] } });
    const created = await createOk();
    assert.equal((await getTask(created.id, 'second')).status, 404);
    assert.equal((await getTask('1234')).status, 404);
  });

  it('fails a [fail] task with empty outputs', async () => {
    emulator.configure({ timing: STATE_WALK_TIMING });
    const created = await createOk('x [fail]');
    const seen = await pollToEnd(created.id);
    assert.deepEqual(distinctRuns(seen.map((t: Json) => t.status)), ['waiting', 'running', 'failed']);
    const failed = seen.pop();
    assert.deepEqual(failed.outputs, { mediaIds: [], mediaUrls: [] });
    assert.match(failed.endAt, ISO);
  });

  it('uses the older output shapes on request', async () => {
    const only = (await pollToEnd((await createOk('x [mediaIdsOnly]')).id)).pop();
    assert.deepEqual(Object.keys(only.outputs), ['mediaIds']);
    assert.equal(only.outputs.mediaIds.length, 1);

    const legacyCreated = await createOk('x [legacy]');
    assert.deepEqual(legacyCreated.outputs, {});
    const legacy = (await pollToEnd(legacyCreated.id)).pop();
    assert.deepEqual(Object.keys(legacy.outputs), ['mediaId']);
    assert.equal(typeof legacy.outputs.mediaId, 'string');

    const batch = (await pollToEnd((await createOk('x [batch]')).id)).pop();
    assert.equal(batch.outputs.batch.length, 4);
    for (const item of batch.outputs.batch) assert.deepEqual(Object.keys(item), ['mediaId']);
  });

  it('redirects the media route (with the key) to the CDN origin', async () => {
    const done = (await pollToEnd((await createOk('x [mediaIdsOnly]')).id)).pop();
    const mediaId = done.outputs.mediaIds[0];
    const redirect = await request(`${base}/v1/media/${mediaId}/image`, { key: KEY });
    assert.equal(redirect.status, 302);
    const location = redirect.headers.get('location') ?? '';
    assert.equal(new URL(location).origin, emulator.urls.cdn);
    assert.notEqual(new URL(location).origin, base);
    const file = await download(location);
    assert.deepEqual(decodePng(file.bytes), { width: 1024, height: 1024 });
    const cdnRequest = emulator.requests.find((r) => r.origin === 'cdn');
    assert.equal(cdnRequest?.headers.authorization, undefined);

    assert.equal((await request(`${base}/v1/media/${mediaId}/image`)).status, 403, 'no token');
    assert.equal((await request(`${base}/v1/media/${mediaId}/image`, { key: 'wrong' })).status, 401, 'wrong key');
    assert.equal((await request(`${base}/v1/media/999/image`, { key: KEY })).status, 404, 'unknown media');
  });

  it('has no media before the task completes', async () => {
    emulator.configure({ timing: HELD_IN_QUEUE });
    const created = await createOk();
    const mediaId = emulator.task('pixai', created.id)?.mediaIds[0];
    assert.equal((await request(`${base}/v1/media/${mediaId}/image`, { key: KEY })).status, 404);
  });

  it(`refuses an 11th waiting/running task with 429 and accepts it again once one ends`, async () => {
    emulator.configure({ timing: HELD_IN_QUEUE });
    const ids: string[] = [];
    for (let i = 0; i < PIXAI_MAX_ACTIVE_TASKS; i++) ids.push((await createOk(`task ${i}`)).id);
    const refused = await create({ modelVersionId: MODEL_VERSION, prompt: 'one too many' });
    assert.equal(refused.status, 429);
    assert.equal(typeof refused.body.message, 'string');
    assert.equal(emulator.tasks('pixai').length, PIXAI_MAX_ACTIVE_TASKS);

    const cancel = await graphql('mutation { cancelGenerationTask(id: "' + ids[0] + '") { id status } }');
    assert.equal(cancel.status, 200);
    await createOk('fits again');
  });

  it('cancels a waiting task through GraphQL (inline id and variables)', async () => {
    emulator.configure({ timing: HELD_IN_QUEUE });
    const first = await createOk();
    const inline = await graphql(`mutation { cancelGenerationTask(id: "${first.id}") { id status } }`);
    assert.equal(inline.status, 200);
    assert.deepEqual(inline.body, { data: { cancelGenerationTask: { id: first.id, status: 'cancelled' } } });
    const task = (await getTask(first.id)).body;
    assert.equal(task.status, 'cancelled');
    assert.match(task.endAt, ISO);
    assert.equal(task.startedAt, undefined);
    assert.deepEqual(task.outputs, { mediaIds: [], mediaUrls: [] });

    const second = await createOk();
    const viaVariables = await graphql('mutation Cancel($taskId: ID!) { cancelGenerationTask(id: $taskId) { id status } }', {
      taskId: second.id,
    });
    assert.deepEqual(viaVariables.body, { data: { cancelGenerationTask: { id: second.id, status: 'cancelled' } } });
    assert.equal(emulator.task('pixai', second.id)?.phase, 'cancelled');
  });

  it('refuses to cancel a running or finished task with a GraphQL error (HTTP 200)', async () => {
    emulator.configure({ timing: HELD_RUNNING });
    const running = await createOk();
    const refused = await graphql(`mutation { cancelGenerationTask(id: "${running.id}") { id status } }`);
    assert.equal(refused.status, 200);
    assert.equal(refused.body.data, null);
    assert.equal(typeof refused.body.errors[0].message, 'string');
    assert.equal((await getTask(running.id)).body.status, 'running');

    emulator.configure({ timing: { image: { queueMs: 0, runMs: 0 } } });
    const finished = await createOk();
    const late = await graphql(`mutation { cancelGenerationTask(id: "${finished.id}") { id status } }`);
    assert.equal(late.body.data, null);
    assert.equal((await getTask(finished.id)).body.status, 'completed');
  });

  it('answers GraphQL request errors', async () => {
    const unknownTask = await graphql('mutation { cancelGenerationTask(id: "42") { id status } }');
    assert.equal(unknownTask.status, 200);
    assert.equal(unknownTask.body.data, null);
    assert.equal((await graphql('query { me { id } }')).status, 400);
    assert.equal((await graphql('mutation C($id: ID!) { cancelGenerationTask(id: $id) { id } }')).status, 400, 'missing variable');
    assert.equal((await request(`${base}/graphql`, { key: KEY, json: { nope: 1 } })).status, 400);
    assert.equal((await graphql('mutation { cancelGenerationTask(id: "42") { id } }', undefined, 'wrong')).status, 401);
  });
});
