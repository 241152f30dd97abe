import * as assert from 'node:assert/strict';
import { panelCsp, panelHtmlDocument } from '../../../src/host/panel/html';

const INPUT = {
  cspSource: 'https://abc.vscode-cdn.net',
  script: 'https://abc.vscode-cdn.net/ext/dist/webview.js',
  style: 'https://abc.vscode-cdn.net/ext/media/panel.css',
  icons: 'https://abc.vscode-cdn.net/ext/dist/codicons/codicon.css',
  nonce: 'bm9uY2Utbm9uY2Utbm9uY2U=',
  language: 'en',
};

function cspOf(html: string): Map<string, string[]> {
  const content = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
  assert.ok(content, 'the document has a CSP meta element');
  return new Map(content.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
}

describe('panel: HTML and Content-Security-Policy', () => {
  it('denies everything by default and allows only the webview\'s own source for images, media and styles', () => {
    const csp = cspOf(panelHtmlDocument(INPUT));
    assert.deepEqual(csp.get('default-src'), ["'none'"]);
    for (const directive of ['img-src', 'media-src', 'style-src', 'font-src'])
      assert.deepEqual(csp.get(directive), [INPUT.cspSource], directive);
    assert.deepEqual([...csp.keys()].sort(), ['default-src', 'font-src', 'img-src', 'media-src', 'script-src', 'style-src']);
  });

  it('runs scripts only by nonce: the one script element carries it, and nothing inline is executable', () => {
    const html = panelHtmlDocument(INPUT);
    assert.deepEqual(cspOf(html).get('script-src'), [`'nonce-${INPUT.nonce}'`]);
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]);
    assert.deepEqual(scripts, [` nonce="${INPUT.nonce}" src="${INPUT.script}"`]);
    assert.ok(!/unsafe-inline|unsafe-eval|\*|https?:\/\/(?!abc\.vscode-cdn\.net)/.test(panelCsp(INPUT.cspSource, INPUT.nonce)));
  });

  it('loads nothing remote: every src and href is the webview source', () => {
    const html = panelHtmlDocument({ ...INPUT, bundle: { 'Compose': 'Verfassen' } });
    const urls = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    assert.deepEqual(urls, [INPUT.icons, INPUT.style, INPUT.script]);
    for (const url of urls) assert.ok(url.startsWith(`${INPUT.cspSource}/`), url);
  });

  it('embeds the translation bundle as inert JSON that cannot close its element', () => {
    const html = panelHtmlDocument({ ...INPUT, bundle: { evil: '</script><script>alert(1)</script>' } });
    const json = /<script type="application\/json" id="l10n-bundle">(.*)<\/script>/.exec(html)?.[1];
    assert.ok(json && !json.includes('<'), json);
    assert.deepEqual(JSON.parse(json), { evil: '</script><script>alert(1)</script>' });
    assert.equal(html.match(/<script nonce=/g)?.length, 1);
  });

  it('refuses values that would break out of an attribute, and strips the language to a tag', () => {
    assert.throws(() => panelHtmlDocument({ ...INPUT, script: 'x" onload="alert(1)' }), /script/);
    assert.throws(() => panelHtmlDocument({ ...INPUT, cspSource: "https://a; script-src 'unsafe-inline'\"" }), /cspSource/);
    assert.match(panelHtmlDocument({ ...INPUT, language: 'de"><script>' }), /<html lang="descript">/);
  });
});
