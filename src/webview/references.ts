/** The compose area's reference images (workspace files, reorderable) and input image URLs. */
import * as l10n from '@vscode/l10n';
import type { ReferenceView } from '../core/panelProtocol';
import { renderNote } from './compose';
import { byId, h } from './dom';
import { panel, save } from './state';
import { setStatus } from './status';

export function renderReferences(): void {
  const list = byId('reference-list');
  const references = panel.compose.references;
  list.replaceChildren(...references.map((ref, index) => {
    const move = (to: number) => {
      const next = [...references];
      const [item] = next.splice(index, 1);
      next.splice(to, 0, item);
      save({ references: next });
      renderReferences();
      renderNote();
      // Keep the keyboard where it was: on the same reference's button.
      list.querySelectorAll<HTMLButtonElement>('li')[to]?.querySelector<HTMLButtonElement>(to < index ? '.up' : '.down')?.focus();
    };
    const up = h('button', { type: 'button', class: 'icon up', 'aria-label': l10n.t('Move {0} up', ref.name), disabled: index === 0 }, '↑');
    const down = h(
      'button',
      { type: 'button', class: 'icon down', 'aria-label': l10n.t('Move {0} down', ref.name), disabled: index === references.length - 1 },
      '↓',
    );
    const remove = h('button', { type: 'button', class: 'icon', 'aria-label': l10n.t('Remove {0}', ref.name) }, '✕');
    up.addEventListener('click', () => move(index - 1));
    down.addEventListener('click', () => move(index + 1));
    remove.addEventListener('click', () => {
      save({ references: references.filter((_, i) => i !== index) });
      renderReferences();
      renderNote();
      byId('add-references').focus();
    });
    return h(
      'li',
      { class: 'reference' },
      h('img', { src: ref.src, alt: ref.name }),
      h('span', { class: 'name', title: ref.name }, ref.name),
      up,
      down,
      remove,
    );
  }));
  const urls = byId('url-list');
  urls.replaceChildren(...panel.compose.imageUrls.map((url, index) => {
    const remove = h('button', { type: 'button', class: 'icon', 'aria-label': l10n.t('Remove input image URL') }, '✕');
    remove.addEventListener('click', () => {
      save({ imageUrls: panel.compose.imageUrls.filter((_, i) => i !== index) });
      renderReferences();
      renderNote();
    });
    return h('li', {}, h('span', { class: 'name', title: url }, l10n.t('Input image URL: {0}', url)), remove);
  }));
}

export function addReferences(references: readonly ReferenceView[]): void {
  // A reference offered again (after a reload) keeps its place and takes the host's fresh thumbnail URI.
  const fresh = new Map(references.map((r) => [r.uri, r]));
  const kept = panel.compose.references.map((r) => fresh.get(r.uri) ?? r);
  const known = new Set(kept.map((r) => r.uri));
  const added = references.filter((r) => !known.has(r.uri));
  save({ references: [...kept, ...added].slice(0, 16) });
  renderReferences();
  renderNote();
  if (added.length)
    setStatus(added.length === 1 ? l10n.t('1 reference image added.') : l10n.t('{0} reference images added.', added.length));
}

