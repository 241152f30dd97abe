import * as assert from 'node:assert/strict';
import { spawn } from 'child_process';
import * as path from 'path';
import { DEMO_TIMING, parseArguments } from '../../emulator/cli';

const CLI = path.resolve(__dirname, '..', '..', 'emulator', 'cli.js');

describe('emulator: command line', () => {
  it('parses --port-base, --accept-any-key and --demo', () => {
    assert.deepEqual(parseArguments([]), {});
    assert.deepEqual(parseArguments(['--port-base', '7000']).ports, { pixapi: 7000, pixai: 7001, apixo: 7002, cdn: 7003, control: 7004 });
    assert.deepEqual(parseArguments(['--port-base=7100']).ports?.control, 7104);
    assert.equal(parseArguments(['--accept-any-key']).acceptAnyKey, true);
    const demo = parseArguments(['--demo']);
    assert.equal(demo.acceptAnyKey, true);
    assert.deepEqual(demo.timing, DEMO_TIMING);
    const imageSeconds = (DEMO_TIMING.image.queueMs + DEMO_TIMING.image.runMs) / 1000;
    const videoSeconds = (DEMO_TIMING.video.queueMs + DEMO_TIMING.video.runMs) / 1000;
    assert.ok(imageSeconds >= 3 && imageSeconds <= 6);
    assert.ok(videoSeconds >= 10 && videoSeconds <= 20);
    assert.throws(() => parseArguments(['--port-base', 'x']));
    assert.throws(() => parseArguments(['--bogus']));
  });

  it('prints EMULATOR_READY with the origins and exits cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, '--accept-any-key'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const urls = await new Promise<Record<string, string>>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const line = /^EMULATOR_READY (.*)$/m.exec(output);
          if (line) resolve(JSON.parse(line[1]) as Record<string, string>);
        });
        child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${output}`)));
      });
      assert.deepEqual(Object.keys(urls).sort(), ['apixo', 'cdn', 'control', 'pixai', 'pixapi']);
      for (const url of Object.values(urls)) assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${urls.control}/health`);
      assert.equal(health.status, 200);
      const models = await fetch(`${urls.pixapi}/v1/models`, { headers: { authorization: 'Bearer any-key-at-all' } });
      assert.equal(models.status, 200);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
