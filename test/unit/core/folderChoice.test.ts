/** Which workspace folder receives results: none open, a named one, the edited image's, one, or ask. */
import * as assert from 'assert';
import { chooseFolder } from '../../../src/core/folderChoice';

const A = { name: 'site', uri: 'file:///work/site' };
const B = { name: 'assets', uri: 'file:///work/assets' };

describe('core/folderChoice', () => {
  it('no workspace folder: the caller says so (and writes nothing)', () => {
    assert.deepStrictEqual(chooseFolder([], { ask: true }), { kind: 'noFolder' });
    assert.deepStrictEqual(chooseFolder([], { name: 'site', ask: false }), { kind: 'noFolder' });
  });

  it('one folder is used without asking', () => {
    assert.deepStrictEqual(chooseFolder([A], { ask: true }), { kind: 'use', folder: A });
  });

  it('multi-root: asks when nothing says which folder', () => {
    assert.deepStrictEqual(chooseFolder([A, B], { ask: true }), { kind: 'ask' });
  });

  it('multi-root: the folder of the edited image, without asking', () => {
    assert.deepStrictEqual(chooseFolder([A, B], { nearOwner: B, ask: true }), { kind: 'use', folder: B });
  });

  it('multi-root automation (must not ask) takes the first folder', () => {
    assert.deepStrictEqual(chooseFolder([A, B], { ask: false }), { kind: 'use', folder: A });
  });

  it('a folder named by name or URI wins, an unknown name is an error', () => {
    assert.deepStrictEqual(chooseFolder([A, B], { name: 'assets', nearOwner: A, ask: true }), { kind: 'use', folder: B });
    assert.deepStrictEqual(chooseFolder([A, B], { name: 'file:///work/assets', ask: true }), { kind: 'use', folder: B });
    assert.deepStrictEqual(chooseFolder([A, B], { name: 'nope', ask: true }), { kind: 'unknownName', name: 'nope' });
  });
});
