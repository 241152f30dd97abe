/** Provider facts and the checks on what a person pastes: keys and base URLs. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
  baseUrlProblem,
  isLoopbackUrl,
  isProviderId,
  keyProblem,
  loopbackResultsAllowed,
  PROVIDER_IDS,
  PROVIDERS,
} from '../../../src/core/providers';

describe('core/providers', () => {
  it('describes every provider under its own id with an https default base URL', () => {
    assert.deepStrictEqual([...PROVIDER_IDS], ['pixapi', 'pixai', 'apixo', 'openai']);
    for (const id of PROVIDER_IDS) {
      const info = PROVIDERS[id];
      assert.strictEqual(info.id, id);
      assert.ok(info.label && info.keyHelp, id);
      assert.strictEqual(baseUrlProblem(info.defaultBaseUrl), undefined, id);
      assert.strictEqual(new URL(info.defaultBaseUrl).protocol, 'https:', id);
      assert.strictEqual(isLoopbackUrl(info.defaultBaseUrl), false, id);
    }
  });

  it("matches the base URL defaults of the extension's settings", () => {
    const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../../package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
    };
    const properties = manifest.contributes.configuration.properties;
    for (const id of PROVIDER_IDS) {
      const setting = properties[`mediaStudio.${id}.baseUrl`];
      if (setting) assert.strictEqual(setting.default, PROVIDERS[id].defaultBaseUrl, id);
    }
    assert.ok(properties['mediaStudio.pixapi.baseUrl'], 'the Pixapi setting exists');
  });

  it('isProviderId accepts only the known ids', () => {
    for (const id of PROVIDER_IDS) assert.strictEqual(isProviderId(id), true);
    for (const value of ['PIXAPI', 'midjourney', '', undefined, null, 1, ['pixapi'], 'toString'])
      assert.strictEqual(isProviderId(value), false, String(value));
  });

  describe('keyProblem', () => {
    it('accepts a plausible key', () => {
      for (const key of ['test-pixapi-key', 'sk-proj-AbC123_xyz.~+/=', 'x'.repeat(512), '12345678'])
        assert.strictEqual(keyProblem(key), undefined, key);
    });

    it('says what is wrong with a pasted key', () => {
      const cases: ReadonlyArray<[string, string]> = [
        ['', 'The key is empty.'],
        ['Bearer sk-abcdef123456', 'Paste the key without the "Bearer " prefix.'],
        ['bearer\tsk-abcdef123456', 'Paste the key without the "Bearer " prefix.'],
        ['sk-abc def123456', 'The key contains spaces or line breaks; paste only the key itself.'],
        ['sk-abcdef123456\n', 'The key contains spaces or line breaks; paste only the key itself.'],
        ['sk-abc\r\nX-Evil: 1', 'The key contains spaces or line breaks; paste only the key itself.'],
        ['short', 'The key is too short to be an API key.'],
        ['1234567', 'The key is too short to be an API key.'],
        ['x'.repeat(513), 'The key is too long to be an API key.'],
        ['sk-ключ-123456', 'The key contains characters that cannot be sent in an HTTP header.'],
        ['sk-abc\u0000def123', 'The key contains characters that cannot be sent in an HTTP header.'],
        ['sk-abc\u007fdef123', 'The key contains characters that cannot be sent in an HTTP header.'],
      ];
      for (const [key, message] of cases) assert.strictEqual(keyProblem(key), message, JSON.stringify(key));
    });
  });

  describe('baseUrlProblem', () => {
    it('accepts http(s) base URLs, with a path or port', () => {
      for (const url of [
        'https://api.pixapi.ai',
        'https://gateway.example/openai/',
        'http://127.0.0.1:7000',
        'http://localhost:8080/api',
        'http://[::1]:7000',
        'https://localhost',
      ]) {
        assert.strictEqual(baseUrlProblem(url), undefined, url);
      }
    });

    it('explains why a base URL cannot be used', () => {
      const cases: ReadonlyArray<[string, string]> = [
        ['api.pixapi.ai', '"api.pixapi.ai" is not a URL.'],
        ['', '"" is not a URL.'],
        ['https://', '"https://" is not a URL.'],
        ['ftp://api.pixapi.ai', '"ftp://api.pixapi.ai" must start with https://.'],
        [
          'http://api.pixapi.ai',
          '"http://api.pixapi.ai" must start with https:// (plain http:// is allowed only for 127.0.0.1, ::1 or localhost): the API key would travel unencrypted.',
        ],
        [
          'http://10.0.0.7:8080',
          '"http://10.0.0.7:8080" must start with https:// (plain http:// is allowed only for 127.0.0.1, ::1 or localhost): the API key would travel unencrypted.',
        ],
        [
          'http://127.0.0.1.nip.io',
          '"http://127.0.0.1.nip.io" must start with https:// (plain http:// is allowed only for 127.0.0.1, ::1 or localhost): the API key would travel unencrypted.',
        ],
        ['file:///etc/hosts', '"file:///etc/hosts" must start with https://.'],
        ['javascript:alert(1)', '"javascript:alert(1)" must start with https://.'],
        ['https://user:pass@api.pixapi.ai', 'The base URL must not contain a user name or password.'],
        ['https://user@api.pixapi.ai', 'The base URL must not contain a user name or password.'],
        ['https://api.pixapi.ai/?key=1', 'The base URL must not contain a query or fragment.'],
        ['https://api.pixapi.ai/#v1', 'The base URL must not contain a query or fragment.'],
      ];
      for (const [url, message] of cases) assert.strictEqual(baseUrlProblem(url), message, url);
    });
  });

  describe('isLoopbackUrl', () => {
    it('recognises this machine', () => {
      for (const url of [
        'http://127.0.0.1:7000',
        'http://127.1.2.3/',
        'http://localhost:3000',
        'http://LOCALHOST',
        'http://emulator.localhost:1',
        'http://[::1]:7000/api',
        'http://2130706433/',
        'http://0x7f.1/',
      ]) {
        assert.strictEqual(isLoopbackUrl(url), true, url);
      }
    });

    it('does not mistake other hosts for it', () => {
      for (const url of [
        'https://api.pixapi.ai',
        'http://localhost.example.com',
        'http://mylocalhost',
        'http://10.0.0.1',
        'http://128.0.0.1',
        'http://[::2]',
        'not a url',
        '',
        'http://0.0.0.0',
      ]) {
        assert.strictEqual(isLoopbackUrl(url), false, url);
      }
    });

  });

  describe('loopbackResultsAllowed', () => {
    it('allows loopback results only for a provider whose own API is local', () => {
      assert.strictEqual(loopbackResultsAllowed('pixapi', 'http://127.0.0.1:7000'), true);
      assert.strictEqual(loopbackResultsAllowed('pixai', 'http://localhost:7000'), true);
      assert.strictEqual(loopbackResultsAllowed('apixo', undefined), false, 'the default, public API');
      assert.strictEqual(loopbackResultsAllowed('apixo', ''), false, 'an empty setting means the default');
      assert.strictEqual(loopbackResultsAllowed('openai', 'https://gateway.example/v1'), false);
    });

    it('answers false, never throws, for an unusable setting', () => {
      for (const value of ['not a url', 'ftp://127.0.0.1', 'http://user:pw@127.0.0.1', 'http://127.0.0.1/?q=1']) {
        assert.strictEqual(loopbackResultsAllowed('openai', value), false, value);
      }
    });
  });

  describe('found by review', () => {
    it('does not take a public name that starts with "127." for this machine', () => {
      for (const url of ['https://127.0.0.1.nip.io', 'https://127.attacker.example/api', 'http://127.example.com:7000']) {
        assert.strictEqual(isLoopbackUrl(url), false, url);
      }
    });
  });
});
