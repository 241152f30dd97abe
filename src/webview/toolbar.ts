/** Action buttons as VS Code draws them: codicons in toolbars (on hover and focus), tooltips, accessible names. */
import type { TaskAction } from '../core/panelProtocol';

/** VS Code's own icons for the same commands where it has them. */
export const ACTION_ICONS: Readonly<Record<TaskAction, string>> = {
  open: 'go-to-file',
  reveal: 'folder-opened',
  copyPrompt: 'copy',
  useAsReference: 'pin',
  animate: 'device-camera-video',
  regenerate: 'refresh',
  cancel: 'stop-circle',
};

/** The label is its tooltip and, with `context`, its accessible name. */
export function iconButton(action: TaskAction, label: string, context: string): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = `icon-button codicon codicon-${ACTION_ICONS[action]}`;
  button.dataset.action = action;
  button.title = label;
  button.setAttribute('aria-label', context ? `${label}: ${context}` : label);
  return button;
}

/** One tab stop (the first button, or the last used); Left/Right/Home/End move, as in VS Code's own toolbars. */
export function toolbar(label: string, buttons: readonly (HTMLButtonElement | undefined)[]): HTMLDivElement {
  const bar = document.createElement('div');
  bar.className = 'toolbar';
  bar.setAttribute('role', 'toolbar');
  bar.setAttribute('aria-label', label);
  const present = buttons.filter((b): b is HTMLButtonElement => b !== undefined);
  present.forEach((button, index) => {
    button.tabIndex = index === 0 ? 0 : -1;
    bar.append(button);
  });
  bar.addEventListener('keydown', (event) => {
    const current = present.indexOf(event.target as HTMLButtonElement);
    if (current < 0) return;
    const next = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: present.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const target = present[(next + present.length) % present.length];
    for (const b of present) b.tabIndex = b === target ? 0 : -1;
    target.focus();
  });
  return bar;
}
