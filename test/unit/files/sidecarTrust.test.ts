/** Keyed hashes of sidecars written: exact text, per secret, bounded list; counts as Regenerate shows them. */
import * as assert from 'assert';
import {
  estimateParams,
  MAX_REMEMBERED_SIDECARS,
  rememberDigest,
  requestedCount,
  sidecarDigest,
} from '../../../src/core/files/sidecarTrust';

describe('core/files/sidecarTrust', () => {
  it('hashes the exact text with the secret: another secret or one changed byte gives another hash', () => {
    const text = '{"prompt":"a cup","parameters":{"n":1}}';
    assert.strictEqual(sidecarDigest('s1', text), sidecarDigest('s1', text));
    assert.notStrictEqual(sidecarDigest('s2', text), sidecarDigest('s1', text));
    assert.notStrictEqual(sidecarDigest('s1', text.replace('"n":1', '"n":9999')), sidecarDigest('s1', text));
  });

  it('remembers each hash once, newest last, and forgets the oldest beyond the cap; ignores junk in storage', () => {
    let known: string[] = rememberDigest([42, null, 'a'], 'b');
    assert.deepStrictEqual(known, ['a', 'b']);
    known = rememberDigest(known, 'a');
    assert.deepStrictEqual(known, ['b', 'a']);
    for (let i = 0; i < MAX_REMEMBERED_SIDECARS + 10; i++) known = rememberDigest(known, `d${i}`);
    assert.strictEqual(known.length, MAX_REMEMBERED_SIDECARS);
    assert.strictEqual(known.at(-1), `d${MAX_REMEMBERED_SIDECARS + 9}`);
    assert.ok(!known.includes('a'));
  });

  it('counts what a request asks for', () => {
    assert.strictEqual(requestedCount({ kind: 'image', params: { n: 10_000 } }), 10_000);
    assert.strictEqual(requestedCount({ kind: 'image', params: {} }), 1);
    assert.strictEqual(requestedCount({ kind: 'video', params: { n: 5 } }), 1);
    assert.deepStrictEqual(estimateParams({ params: { n: 10_000, quality: 'low' } }), { n: '10000', quality: 'low' });
  });
});
