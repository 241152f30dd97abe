import * as assert from 'node:assert/strict';
import { request } from 'undici';
import { proxyDispatcher, proxyPlan } from '../../../src/core/proxy';
import { ProviderEmulator } from '../../emulator';
import { ForwardProxy } from '../../support/forwardProxy';

describe('core/proxy: VS Code proxy settings and the environment', () => {
  it('connects directly when nothing asks for a proxy', () => {
    assert.equal(proxyPlan({ env: {} }), undefined);
    assert.equal(proxyPlan({ proxy: '', env: { NO_PROXY: 'x' } }), undefined);
  });

  it('takes http.proxy first, then HTTPS_PROXY / HTTP_PROXY in either case', () => {
    assert.deepEqual(proxyPlan({ proxy: 'http://p:8080', env: { HTTPS_PROXY: 'http://other:1' } }), {
      httpProxy: 'http://p:8080',
      httpsProxy: 'http://p:8080',
      noProxy: '',
      strictSSL: true,
      authorization: undefined,
    });
    const fromEnv = proxyPlan({ env: { https_proxy: 'http://s:3128', http_proxy: 'http://h:3128' } });
    assert.equal(fromEnv?.httpsProxy, 'http://s:3128');
    assert.equal(fromEnv?.httpProxy, 'http://h:3128');
    assert.equal(proxyPlan({ env: { HTTP_PROXY: 'http://h:3128' } })?.httpsProxy, 'http://h:3128', 'HTTP_PROXY also serves https');
  });

  it('joins http.noProxy with NO_PROXY, honours proxyStrictSSL, proxyAuthorization and proxySupport "off"', () => {
    const plan = proxyPlan({
      proxy: 'http://p:1',
      noProxy: ['.corp.example', 'localhost'],
      strictSSL: false,
      authorization: 'Basic dTpw',
      env: { NO_PROXY: '10.0.0.1, internal' },
    });
    assert.equal(plan?.noProxy, '.corp.example,localhost,10.0.0.1,internal');
    assert.equal(plan?.strictSSL, false);
    assert.equal(plan?.authorization, 'Basic dTpw');
    assert.equal(proxyPlan({ proxy: 'http://p:1', support: 'off', env: { HTTPS_PROXY: 'http://q:2' } }), undefined);
  });

  it('says how to fix an unusable http.proxy', () => {
    assert.throws(() => proxyPlan({ proxy: 'socks5://p:1080', env: {} }), /"http\.proxy" must be an http:\/\/ or https:\/\/ URL/);
    assert.throws(() => proxyPlan({ proxy: 'not a url', env: {} }), /"http\.proxy"/);
  });

  describe('through a real local proxy', () => {
    let emulator: ProviderEmulator;
    let proxy: ForwardProxy;
    before(async () => {
      emulator = await ProviderEmulator.start();
      proxy = await ForwardProxy.start();
    });
    after(async () => {
      await proxy.close();
      await emulator.close();
    });

    it('sends requests through the proxy, with Proxy-Authorization to the proxy only', async () => {
      const plan = proxyPlan({ proxy: proxy.url, authorization: 'Basic dTpw', env: {} });
      assert.ok(plan);
      const dispatcher = proxyDispatcher(plan);
      const response = await request(`${emulator.urls.pixapi}/v1/models`, {
        headers: { authorization: 'Bearer test-pixapi-key' },
        dispatcher,
      });
      assert.equal(response.statusCode, 200);
      assert.equal(((await response.body.json()) as { object: string }).object, 'list');
      // undici tunnels every proxied request with CONNECT, so the proxy carries bytes and sees no headers.
      assert.deepEqual(
        proxy.seen.map((r) => [r.method, r.target, r.proxyAuthorization]),
        [['CONNECT', new URL(emulator.urls.pixapi).host, 'Basic dTpw']],
      );
      const arrived = emulator.requests.at(-1);
      assert.equal(arrived?.path, '/v1/models');
      assert.equal(arrived?.headers['proxy-authorization'], undefined, 'the proxy credentials stop at the proxy');
      await dispatcher.close();
    });

    it('goes direct for hosts in noProxy', async () => {
      proxy.seen.length = 0;
      const plan = proxyPlan({ proxy: proxy.url, noProxy: ['127.0.0.1'], env: {} });
      assert.ok(plan);
      const dispatcher = proxyDispatcher(plan);
      const response = await request(`${emulator.urls.pixapi}/v1/models`, {
        headers: { authorization: 'Bearer test-pixapi-key' },
        dispatcher,
      });
      assert.equal(response.statusCode, 200);
      await response.body.dump();
      assert.deepEqual(proxy.seen, []);
      await dispatcher.close();
    });
  });
});

describe('core/proxy: a local API is reached directly', () => {
  it('apiDispatcher drops the proxy for loopback base URLs only', async () => {
    const { apiDispatcher } = await import('../../../src/core/proxy');
    const proxied = proxyDispatcher({
      httpProxy: 'http://proxy.example:8080',
      httpsProxy: 'http://proxy.example:8080',
      noProxy: '',
      strictSSL: true,
    });
    for (const base of [
      'http://localhost:8000/v1',
      'http://127.0.0.1:11434',
      'http://127.1.2.3',
      'http://[::1]:8080',
      'http://api.localhost',
    ]) {
      assert.equal(apiDispatcher(base, proxied), undefined, base);
    }
    for (const base of ['https://api.pixapi.example', 'http://10.0.0.5:8000', 'http://gateway.corp.example']) {
      assert.equal(apiDispatcher(base, proxied), proxied, base);
    }
    await proxied.close();
  });
});
