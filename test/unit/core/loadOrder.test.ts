/** Every vscode-free module loads on its own, whatever was loaded before it (no import cycle half-loads one). */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const coreDir = path.resolve(__dirname, '..', '..', '..', 'src', 'core');

function modules(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? modules(full) : entry.name.endsWith('.js') ? [full] : [];
  });
}

describe('core: load order', () => {
  it('each module of src/core loads first in a fresh module cache', () => {
    const files = modules(coreDir);
    assert.ok(files.length > 20, `found only ${files.length} compiled modules under ${coreDir}`);
    // One child process; the module cache is emptied before each file, so each is the first one loaded.
    const script = `
      const failures = [];
      for (const file of ${JSON.stringify(files)}) {
        for (const key of Object.keys(require.cache)) delete require.cache[key];
        try { require(file); } catch (error) { failures.push(file + ': ' + error.message); }
      }
      process.stdout.write(JSON.stringify(failures));`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
    assert.strictEqual(child.status, 0, child.stderr);
    assert.deepStrictEqual(JSON.parse(child.stdout) as string[], []);
  });
});
