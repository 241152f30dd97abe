import * as assert from 'node:assert/strict';
import type { RecordedRequest } from '../../emulator/types';
import { keyLeaks } from '../../runner/keyAudit';

describe('runner: the key audit of emulator requests', () => {
  const keys = [{ key: 'k-pixapi-123', origins: ['pixapi'] as const }, { key: 'k-pixai-456', origins: ['pixai'] as const }];
  let seq = 0;
  const record = (over: Partial<RecordedRequest>): RecordedRequest => ({
    seq: ++seq, time: 0, origin: 'pixapi', method: 'GET', path: '/v1/tasks/x', query: '', headers: {}, bodySize: 0, status: 200, ...over,
  });

  it('accepts a key in the Authorization header of its own provider', () => {
    assert.deepEqual(
      keyLeaks(
        [
          record({ headers: { authorization: 'Bearer k-pixapi-123' } }),
          record({ origin: 'pixai', headers: { authorization: 'Bearer k-pixai-456' } }),
        ],
        keys,
      ),
      [],
    );
  });

  it('finds a key sent to the CDN or to another provider', () => {
    const leaks = keyLeaks([
      record({ origin: 'cdn', path: '/r/abc/x.png', headers: { authorization: 'Bearer k-pixapi-123' } }),
      record({ origin: 'apixo', headers: { authorization: 'Bearer k-pixai-456' } }),
    ], keys);
    assert.equal(leaks.length, 2);
    assert.match(leaks[0], /cdn\/r\/abc\/x\.png: a key in the Authorization header/);
  });

  it('finds a key in the URL, another header or the body, even at its own provider', () => {
    const leaks = keyLeaks([
      record({ query: 'key=k-pixapi-123' }),
      record({ headers: { 'x-api-key': 'k-pixapi-123' } }),
      record({ method: 'POST', secretsInBody: ['k-pixapi-123'] }),
    ], keys);
    assert.deepEqual(leaks.map((l) => l.replace(/^#\d+ /, '')), [
      'GET pixapi/v1/tasks/x: a key in the URL',
      'GET pixapi/v1/tasks/x: a key in the x-api-key header',
      'POST pixapi/v1/tasks/x: a key in the body',
    ]);
  });
});
