/**
 * The Show Spending page, rendered whole in the host (unit-tested in Node). The panel's CSP: the stylesheet and one
 * nonce'd inline script, which only posts "open this task" back.
 */
import * as l10n from '@vscode/l10n';
import { PROVIDER_IDS, PROVIDERS, type ProviderId } from '../../core/providers';
import { formatUSD } from '../../core/spending/estimate';
import { type DayRecord, holds, type LedgerEntry, mostExpensive, totalsOf, type Totals } from '../../core/spending/model';

export interface SpendingPage {
  readonly now: number;
  readonly days: readonly DayRecord[];
  readonly dailyLimitUSD?: number;
  readonly monthlyLimitUSD?: number;
  readonly confirmAboveUSD?: number;
  /** Apixo's, or why one could not be read. */
  readonly balances: readonly { readonly provider: ProviderId; readonly usd?: number; readonly error?: string }[];
  /** In this window's Tasks view, so it can be opened. */
  readonly known: (taskId: string) => boolean;
}

const EXPENSIVE_COUNT = 10;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const ATTRIBUTE_UNSAFE = /["<>&]/;

function dayTotals(record: DayRecord, now: number): Totals {
  return totalsOf(record.entries, now);
}

function chart(page: SpendingPage): string {
  const width = 600;
  const height = 160;
  const bar = width / page.days.length;
  const perDay = page.days.map((d) => dayTotals(d, page.now));
  const top = Math.max(0.01, page.dailyLimitUSD ?? 0, ...perDay.map((t) => t.spentUSD + t.queuedUSD));
  const scale = (usd: number) => (usd / top) * (height - 10);
  const bars: string[] = [];
  perDay.forEach((totals, i) => {
    let y = height;
    const parts: string[] = [];
    for (const provider of PROVIDER_IDS) {
      const t = totals.byProvider[provider];
      const usd = t ? t.spentUSD + t.queuedUSD : 0;
      if (usd <= 0) continue;
      const h = Math.max(1, scale(usd));
      y -= h;
      parts.push(`${PROVIDERS[provider].label} ${formatUSD(usd)}`);
      bars.push(
        `<rect class="bar ${provider}" x="${(i * bar + 1).toFixed(1)}" y="${y.toFixed(1)}" width="${(bar - 2).toFixed(1)}" height="${h.toFixed(1)}"><title>${escape(`${page.days[i].day}: ${PROVIDERS[provider].label} ${formatUSD(usd)}`)}</title></rect>`,
      );
    }
    if (parts.length === 0)
      bars.push(
        `<rect class="bar empty" x="${(i * bar + 1).toFixed(1)}" y="${height - 1}" width="${(bar - 2).toFixed(1)}" height="1"><title>${escape(`${page.days[i].day}: $0.00`)}</title></rect>`,
      );
  });
  const limit =
    page.dailyLimitUSD !== undefined
      ? `<line class="limit" x1="0" x2="${width}" y1="${(height - scale(page.dailyLimitUSD)).toFixed(1)}" y2="${(height - scale(page.dailyLimitUSD)).toFixed(1)}"><title>${escape(l10n.t('Daily limit {0}', formatUSD(page.dailyLimitUSD)))}</title></line>`
      : '';
  const legend = PROVIDER_IDS.map((p) => `<span class="key"><span class="swatch ${p}"></span>${escape(PROVIDERS[p].label)}</span>`).join(
    ' ',
  );
  const first = page.days[0]?.day ?? '';
  const last = page.days[page.days.length - 1]?.day ?? '';
  return `<figure>
<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escape(l10n.t('Spending per day by provider, {0} to {1}', first, last))}">${bars.join('')}${limit}</svg>
<figcaption><span class="meta">${escape(first)}</span><span class="legend">${legend}</span><span class="meta">${escape(last)}</span></figcaption>
</figure>`;
}

function amountOf(entry: LedgerEntry): string {
  if (entry.usd === undefined) return l10n.t('unknown');
  if (entry.state === 'reserved') return l10n.t('{0} queued', formatUSD(entry.usd));
  return entry.basis === 'estimated' ? l10n.t('≈{0} (estimated)', formatUSD(entry.usd)) : formatUSD(entry.usd);
}

function summary(label: string, totals: Totals, limitUSD: number | undefined, setting: string): string {
  const used = totals.spentUSD + totals.queuedUSD;
  const parts = [l10n.t('{0} spent', formatUSD(totals.spentUSD))];
  if (totals.estimatedUSD > 0) parts.push(l10n.t('{0} of it estimated', formatUSD(totals.estimatedUSD)));
  if (totals.queuedUSD > 0) parts.push(l10n.t('{0} queued', formatUSD(totals.queuedUSD)));
  if (totals.unknownTasks > 0)
    parts.push(totals.unknownTasks === 1 ? l10n.t('1 task of unknown cost') : l10n.t('{0} tasks of unknown cost', totals.unknownTasks));
  const limit = limitUSD === undefined
    ? l10n.t('no limit (setting "{0}")', setting)
    : l10n.t('of {0}, {1} left (setting "{2}")', formatUSD(limitUSD), formatUSD(Math.max(0, limitUSD - used)), setting);
  const meter = limitUSD !== undefined && limitUSD > 0
    ? `<meter min="0" max="${limitUSD}" value="${Math.min(used, limitUSD)}" high="${limitUSD * 0.8}" aria-label="${escape(label)}"></meter>`
    : '';
  return `<div class="total"><h3>${escape(label)}</h3><p><strong>${escape(formatUSD(used))}</strong> ${escape(limit)}</p>${meter}<p class="meta">${escape(parts.join(' · '))}</p></div>`;
}

export function spendingHtml(page: SpendingPage, input: { cspSource: string; style: string; nonce: string; language: string }): string {
  for (const [name, value] of Object.entries({ cspSource: input.cspSource, style: input.style, nonce: input.nonce })) {
    if (ATTRIBUTE_UNSAFE.test(value)) throw new Error(`${name} cannot be placed in an HTML attribute`);
  }
  const today = page.days[page.days.length - 1];
  const month = today ? today.day.slice(0, 7) : '';
  const monthEntries = page.days.filter((d) => d.day.startsWith(month)).flatMap((d) => d.entries);
  const monthTotals = totalsOf(monthEntries, page.now);
  const todayTotals = today ? dayTotals(today, page.now) : totalsOf([], page.now);
  const allEntries = page.days.flatMap((d) => d.entries);
  const expensive = mostExpensive(allEntries, page.now, EXPENSIVE_COUNT);
  const rows = expensive.map((e) => {
    const what = `${escape(e.label ?? '')}`;
    const open =
      e.taskId && page.known(e.taskId)
        ? `<button type="button" class="link" data-task="${escape(e.taskId)}" title="${escape(l10n.t('Open this task'))}">${what || escape(e.taskId)}</button>`
        : `<span title="${escape(l10n.t('Started in another workspace, or removed from the Tasks view'))}">${what}</span>`;
    return `<tr><td>${escape(e.day)}</td><td>${escape(PROVIDERS[e.provider]?.label ?? e.provider)}</td><td>${escape(e.model)}</td><td class="prompt">${open}</td><td class="num">${escape(amountOf(e))}</td></tr>`;
  });
  const balances = page.balances
    .map(
      (b) =>
        `<p class="balance">${escape(b.usd !== undefined ? l10n.t('{0} balance: {1}', PROVIDERS[b.provider].label, formatUSD(b.usd)) : l10n.t('{0} balance: not available ({1})', PROVIDERS[b.provider].label, b.error ?? ''))}</p>`,
    )
    .join('');
  const openCount = allEntries.filter((e) => holds(e, page.now)).length;
  return `<!DOCTYPE html>
<html lang="${input.language.replace(/[^A-Za-z0-9-]/g, '')}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${input.cspSource}; script-src 'nonce-${input.nonce}'">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${input.style}">
<title>${escape(l10n.t('Media Studio Spending'))}</title>
</head>
<body>
<main aria-label="${escape(l10n.t('Media Studio Spending'))}">
<h2>${escape(l10n.t('Spending, last {0} days', page.days.length))}</h2>
<div class="totals">
${summary(l10n.t('Today'), todayTotals, page.dailyLimitUSD, 'mediaStudio.spending.dailyLimitUSD')}
${summary(l10n.t('This month'), monthTotals, page.monthlyLimitUSD, 'mediaStudio.spending.monthlyLimitUSD')}
<div class="total">${balances || `<p class="meta">${escape(l10n.t('No provider balance to show (Apixo reports one once its key is set).'))}</p>`}${page.confirmAboveUSD !== undefined ? `<p class="meta">${escape(l10n.t('Requests above {0} ask first.', formatUSD(page.confirmAboveUSD)))}</p>` : ''}${openCount ? `<p class="meta">${escape(l10n.t('{0} task(s) not finished yet are counted at their estimate.', openCount))}</p>` : ''}</div>
</div>
${chart(page)}
<h2>${escape(l10n.t('Most expensive tasks'))}</h2>
${rows.length ? `<table><thead><tr><th>${escape(l10n.t('Day'))}</th><th>${escape(l10n.t('Provider'))}</th><th>${escape(l10n.t('Model'))}</th><th>${escape(l10n.t('Prompt'))}</th><th class="num">${escape(l10n.t('Cost'))}</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : `<p class="meta">${escape(l10n.t('No task with a known cost yet.'))}</p>`}
<p class="meta">${escape(l10n.t('Costs are what the provider reported (Pixapi: 1 credit = $0.01); where it reports none, the documented estimate (≈) or "unknown".'))}</p>
</main>
<script nonce="${input.nonce}">
const vscode = acquireVsCodeApi();
document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('[data-task]') : null;
  if (button) vscode.postMessage({ type: 'openTask', taskId: button.getAttribute('data-task') });
});
</script>
</body>
</html>`;
}
