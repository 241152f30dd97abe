import * as assert from 'node:assert/strict';
import { DEFAULT_OUTPUT_FOLDER, resolveOutputFolder } from '../../../src/core/files/outputFolder';

const ADVICE = 'Use a folder inside the workspace, such as "generated" or "assets/ai".';

function errorOf(setting: unknown): string {
  const result = resolveOutputFolder(setting);
  assert.ok('error' in result, `expected ${JSON.stringify(setting)} to be rejected, got ${JSON.stringify(result)}`);
  return result.error;
}

describe('files: resolveOutputFolder', () => {
  const accepted: Array<[unknown, string[]]> = [
    ['generated', ['generated']],
    ['assets/ai', ['assets', 'ai']],
    ['assets\\ai', ['assets', 'ai']],
    ['assets/ai/', ['assets', 'ai']],
    ['./generated/./images/.', ['generated', 'images']],
    ['a//b', ['a', 'b']],
    ['  out  ', ['out']],
    ['my images / 2026', ['my images', '2026']],
    ['Bilder/画像', ['Bilder', '画像']],
    ['a/~/b', ['a', '~', 'b']],
    ['.hidden', ['.hidden']],
    ['v1.2', ['v1.2']],
    ['.', []],
    ['./', []],
  ];
  for (const [setting, segments] of accepted) {
    it(`accepts ${JSON.stringify(setting)} as ${JSON.stringify(segments)}`, () => {
      assert.deepEqual(resolveOutputFolder(setting), { segments });
    });
  }

  it(`uses "${DEFAULT_OUTPUT_FOLDER}" when the setting is empty, blank or missing`, () => {
    assert.equal(DEFAULT_OUTPUT_FOLDER, 'generated');
    for (const setting of ['', '   ', '\t', undefined, null])
      assert.deepEqual(resolveOutputFolder(setting), { segments: ['generated'] }, String(setting));
  });

  const rejected: Array<[string, RegExp]> = [
    ['/etc', /absolute path/],
    ['/', /absolute path/],
    ['\\etc', /absolute path/],
    ['C:\\x', /Windows drive path/],
    ['C:/x', /Windows drive path/],
    ['c:', /Windows drive path/],
    ['D:relative', /Windows drive path/],
    ['\\\\server\\x', /network \(UNC\) path/],
    ['//server/x', /network \(UNC\) path/],
    ['../../etc', /is outside the workspace folder/],
    ['..', /is outside the workspace folder/],
    ['a/../..', /is outside the workspace folder/],
    ['a\\..\\..\\b', /is outside the workspace folder/],
    [' .. /x', /is outside the workspace folder/],
    ['a/../b', /contains ".."/],
    ['a/..', /contains ".."/],
    ['~', /home folder/],
    ['~/images', /home folder/],
    ['~user/x', /home folder/],
    ['gen\u0000x', /control character/],
    ['gen\nx', /control character/],
    ['gen\u007f', /control character/],
    ['a/\u001b[31m/b', /control character/],
    ['file:///etc', /is a URL/],
    ['https://example.com/x', /is a URL/],
    ['a/.../b', /not a valid folder name/],
    ['folder./x', /cannot end with "\."/],
    ['a:b', /Windows drive path/],
    ['ab:c', /cannot contain/],
    ['generated:stream', /cannot contain/],
    ['out/x?y', /cannot contain/],
    ['a*', /cannot contain/],
    ['nul', /reserves for devices/],
    ['assets/CON.txt', /reserves for devices/],
    ['com1/x', /reserves for devices/],
    [`a/${'x'.repeat(300)}`, /longer than 255/],
  ];
  for (const [setting, reason] of rejected) {
    it(`rejects ${JSON.stringify(setting).slice(0, 40)}, naming the value and what is allowed`, () => {
      const error = errorOf(setting);
      assert.match(error, reason);
      assert.ok(error.endsWith(ADVICE), error);
      if (!/[\x00-\x1f\x7f]/.test(setting)) assert.ok(error.includes(`"${setting.trim()}"`), error);
    });
  }

  it('explains the classic traversal exactly', () => {
    assert.equal(errorOf('../../etc'), `"../../etc" is outside the workspace folder. ${ADVICE}`);
  });

  it('shows control characters visibly in the message', () => {
    assert.equal(errorOf('gen\u0000x'), `"gen\\u0000x" contains a control character. ${ADVICE}`);
  });

  it('rejects values that are not text and absurdly long values', () => {
    assert.match(errorOf(42), /must be text/);
    assert.match(errorOf(['generated']), /must be text/);
    assert.match(errorOf('a/'.repeat(600)), /longer than 1024/);
  });
});
