import * as assert from 'assert';
import { spendingHtml } from '../../../src/host/spending/html';
import { lastDays, type LedgerEntry } from '../../../src/core/spending/model';

const NOW = new Date(2026, 11, 1, 15, 0).getTime();

describe('Show Spending page', () => {
  const days = lastDays(NOW, 30).map((day) => ({ version: 1 as const, day, entries: [] as LedgerEntry[], allowedUnknown: [] as string[] }));
  const entry = (partial: Partial<LedgerEntry>): LedgerEntry => ({
    id: 'r',
    provider: 'pixapi',
    model: 'gpt-image-2',
    day: '2026-12-01',
    at: NOW,
    state: 'settled',
    usd: 0.14,
    basis: 'reported',
    taskId: 't1',
    label: 'a <b>cup</b>',
    ...partial,
  });
  days[29] = {
    ...days[29],
    entries: [
      entry({}),
      entry({ id: 'r2', taskId: 't2', provider: 'apixo', model: 'nano-banana', usd: 0.03, basis: 'estimated', label: 'elsewhere' }),
      entry({ id: 'r3', taskId: 't3', provider: 'pixai', model: 'm', usd: undefined, basis: 'unknown' }),
    ],
  };
  const html = spendingHtml(
    { now: NOW, days, dailyLimitUSD: 0.2, monthlyLimitUSD: 5, balances: [{ provider: 'apixo', usd: 74.87 }], known: (id) => id === 't1' },
    { cspSource: 'vscode-webview://x', style: 'vscode-webview://x/spending.css', nonce: 'abc123', language: 'en' },
  );

  it('allows only the stylesheet and its one nonce script', () => {
    assert.match(html, /content="default-src 'none'; style-src vscode-webview:\/\/x; script-src 'nonce-abc123'"/);
    assert.strictEqual((html.match(/<script/g) ?? []).length, 1);
    assert.match(html, /<script nonce="abc123">/);
    assert.doesNotMatch(html, /style="/, 'no inline styles (the CSP refuses them)');
  });

  it('shows the totals against the limits, the balance, 30 bars and the most expensive tasks, escaped', () => {
    assert.match(html, /<strong>\$0\.17<\/strong> of \$0\.20, \$0\.03 left \(setting &quot;mediaStudio\.spending\.dailyLimitUSD&quot;\)/);
    assert.match(html, /of \$5\.00, \$4\.83 left/);
    assert.match(html, /\$0\.03 of it estimated · 1 task of unknown cost/);
    assert.match(html, /Apixo balance: \$74\.87/);
    assert.strictEqual((html.match(/<rect /g) ?? []).length, 29 + 2, '29 empty days, and Pixapi and Apixo on the last');
    assert.match(
      html,
      /<button type="button" class="link" data-task="t1"[^>]*>a &lt;b&gt;cup&lt;\/b&gt;<\/button>/,
      'a task of this window opens',
    );
    assert.doesNotMatch(html, /data-task="t2"/, 'a task of another workspace does not');
    assert.match(html, /≈\$0\.03 \(estimated\)/);
  });
});
