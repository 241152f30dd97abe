import * as assert from 'node:assert/strict';
import { isSameOrigin, resultUrlProblem } from '../../../src/core/files/urlSafety';

const STRICT = { allowLoopback: false };
const EMULATOR = { allowLoopback: true };

describe('files: resultUrlProblem', () => {
  const publicUrls = [
    'https://cdn.example.com/results/abc.png?sig=xyz&exp=123',
    'http://example.com:8080/a.mp4',
    'HTTPS://CDN.EXAMPLE.COM/A.PNG',
    'https://8.8.8.8/x.png',
    'https://[2001:4860:4860::8888]/x.png',
    'https://[::ffff:8.8.8.8]/x.png',
    'https://172.15.255.255/', // just below 172.16/12
    'https://172.32.0.1/', // just above 172.16/12
    'https://100.63.255.255/', // just below 100.64/10
    'https://100.128.0.1/', // just above 100.64/10
    'https://192.169.0.1/',
    'https://169.253.255.255/',
    'https://126.255.255.255/',
    'https://223.255.255.255/', // just below multicast
    'https://1.0.0.0/',
    'https://localhost.example.com/x', // only *.localhost is special
    'https://cdn.example.com./trailing-dot',
  ];
  for (const url of publicUrls) {
    it(`allows ${url}`, () => {
      assert.equal(resultUrlProblem(url, STRICT), undefined);
    });
  }

  const blocked: Array<[string, RegExp]> = [
    ['http://10.0.0.1/x', /10\.0\.0\.1 is a private network address/],
    ['http://10.255.255.255/', /private network/],
    ['http://172.16.0.1/', /private network/],
    ['http://172.31.255.255/', /private network/],
    ['http://192.168.1.10/', /private network/],
    ['http://100.64.0.1/', /private network/],
    ['http://100.127.255.255/', /private network/],
    ['http://127.0.0.1:8080/x', /127\.0\.0\.1 is a loopback address/],
    ['http://127.255.255.254/', /loopback/],
    ['http://0x7f.1/', /127\.0\.0\.1 is a loopback/], // hex and short forms are normalised by the URL parser
    ['http://2130706433/', /127\.0\.0\.1 is a loopback/],
    ['http://0177.0.0.1/', /127\.0\.0\.1 is a loopback/],
    ['http://169.254.169.254/latest/meta-data/', /link-local/],
    ['http://0.0.0.0/', /the unspecified address/],
    ['http://0.1.2.3/', /unspecified/],
    ['http://224.0.0.1/', /multicast/],
    ['http://239.255.255.250/', /multicast/],
    ['http://240.0.0.1/', /reserved or broadcast/],
    ['http://255.255.255.255/', /reserved or broadcast/],
    ['http://[::1]/', /\[::1\] is a loopback/],
    ['http://[0:0:0:0:0:0:0:1]:9000/', /loopback/],
    ['http://[::]/', /unspecified/],
    ['http://[fc00::1]/', /private network/],
    ['http://[fd12:3456:789a::1]/', /private network/],
    ['http://[fe80::1]/', /link-local/],
    ['http://[febf::1]/', /link-local/],
    ['http://[fec0::1]/', /private network/],
    ['http://[ff02::1]/', /multicast/],
    ['http://[::ffff:127.0.0.1]/', /loopback/],
    ['http://[::ffff:10.1.2.3]/', /private network/],
    ['http://[::ffff:169.254.169.254]/', /link-local/],
    ['http://[::ffff:7f00:1]/', /loopback/],
    ['http://[64:ff9b::192.168.0.1]/', /private network/],
    ['http://[2002:a00:1::]/', /private network/], // 6to4 of 10.0.0.1
    ['http://localhost/x', /localhost is a loopback/],
    ['http://LOCALHOST:3000/', /loopback/],
    ['http://localhost./', /loopback/],
    ['http://api.localhost/', /loopback/],
    ['http://printer.local/', /local network name/],
    ['http://metadata.google.internal/', /local network name/],
    ['http://router.home.arpa/', /local network name/],
    ['http://intranet/', /local network name/],
  ];
  for (const [url, reason] of blocked) {
    it(`blocks ${url}`, () => {
      const problem = resultUrlProblem(url, STRICT);
      assert.ok(problem, 'expected a problem');
      assert.match(problem, reason);
      assert.match(problem, /^The provider returned a result URL /);
    });
  }

  it('says exactly why, in one sentence', () => {
    assert.equal(
      resultUrlProblem('http://192.168.0.5/img.png', STRICT),
      'The provider returned a result URL whose host 192.168.0.5 is a private network address; Media Studio only downloads from public hosts.',
    );
  });

  it('allows only loopback hosts when the emulator is in use', () => {
    for (const url of [
      'http://127.0.0.1:4010/cdn/a.png',
      'http://127.1/',
      'http://[::1]:4010/a.png',
      'http://localhost:4010/a',
      'http://cdn.localhost/a',
      'http://[::ffff:127.0.0.1]/',
    ]) {
      assert.equal(resultUrlProblem(url, EMULATOR), undefined, url);
      assert.ok(resultUrlProblem(url, STRICT), url);
    }
    for (const url of [
      'http://0.0.0.0/',
      'http://10.0.0.1/',
      'http://169.254.169.254/',
      'http://[fe80::1]/',
      'http://[::]/',
      'http://printer.local/',
    ]) {
      assert.ok(resultUrlProblem(url, EMULATOR), url);
    }
  });

  const schemes: Array<[string, string]> = [
    ['file:///etc/passwd', 'file'],
    ['FILE:///C:/Windows/win.ini', 'file'],
    ['data:image/png;base64,iVBORw0KGgo=', 'data'],
    ['javascript:alert(1)', 'javascript'],
    ['ftp://files.example.com/a.png', 'ftp'],
    ['blob:https://example.com/uuid', 'blob'],
    ['ws://example.com/socket', 'ws'],
    ['gopher://example.com/', 'gopher'],
    ['vscode://file/etc/passwd', 'vscode'],
    ['  file:///etc/passwd', 'file'],
  ];
  for (const [url, scheme] of schemes) {
    it(`refuses the "${scheme}:" scheme in ${url.trim().slice(0, 30)}`, () => {
      assert.equal(
        resultUrlProblem(url, EMULATOR),
        `The provider returned a result URL with the "${scheme}:" scheme; Media Studio only downloads http(s) URLs.`,
      );
    });
  }

  it('refuses credentials in the URL', () => {
    for (const url of [
      'https://user:secret@cdn.example.com/a.png',
      'https://user@cdn.example.com/a.png',
      'https://:secret@cdn.example.com/a.png',
    ]) {
      assert.equal(
        resultUrlProblem(url, STRICT),
        'The provider returned a result URL that contains a user name or password; Media Studio does not follow such URLs.',
        url,
      );
    }
  });

  it('refuses empty and malformed URLs', () => {
    assert.match(resultUrlProblem('', STRICT) ?? '', /empty/);
    assert.match(resultUrlProblem('   ', STRICT) ?? '', /empty/);
    assert.match(resultUrlProblem('/relative/path.png', STRICT) ?? '', /not a valid URL/);
    assert.match(resultUrlProblem('cdn.example.com/a.png', STRICT) ?? '', /not a valid URL/);
    assert.match(resultUrlProblem('http://', STRICT) ?? '', /not a valid URL/);
    assert.match(resultUrlProblem('http://[::1/', STRICT) ?? '', /not a valid URL/);
    assert.match(resultUrlProblem('http://256.0.0.1/', STRICT) ?? '', /not a valid URL/);
  });

  it('does not repeat the URL (which may carry a signature) in its messages', () => {
    const problem = resultUrlProblem('ftp://cdn.example.com/a.png?token=SECRET', STRICT);
    assert.ok(problem && !problem.includes('SECRET'));
  });
});

describe('files: isSameOrigin', () => {
  const same: Array<[string, string]> = [
    ['https://api.example.com/v1/tasks', 'https://api.example.com/cdn/a.png'],
    ['https://api.example.com:443/x', 'https://API.example.com/y'],
    ['http://example.com:80/', 'http://example.com/'],
    ['http://127.0.0.1:4010/a', 'http://127.0.0.1:4010/b?c#d'],
    ['http://[::1]:4010/', 'http://[0:0::1]:4010/'],
  ];
  for (const [a, b] of same) {
    it(`treats ${a} and ${b} as one origin`, () => assert.equal(isSameOrigin(a, b), true));
  }

  const different: Array<[string, string]> = [
    ['https://api.example.com/', 'http://api.example.com/'],
    ['https://api.example.com/', 'https://cdn.example.com/'],
    ['https://example.com/', 'https://example.com:8443/'],
    ['http://example.com:80/', 'http://example.com:8080/'],
    ['http://127.0.0.1:4010/', 'http://localhost:4010/'],
    ['https://example.com/', 'https://example.com.evil.test/'],
    ['file:///a', 'file:///a'],
    ['data:text/plain,a', 'data:text/plain,a'],
    ['not a url', 'not a url'],
    ['https://example.com/', ''],
  ];
  for (const [a, b] of different) {
    it(`treats ${a || '""'} and ${b || '""'} as different origins`, () => assert.equal(isSameOrigin(a, b), false));
  }
});
