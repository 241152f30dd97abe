/**
 * The panel's action buttons, as VS Code draws them: a codicon per action in a toolbar (shown on hover and on
 * keyboard focus), each with a tooltip and an accessible name; arrow keys move along a toolbar, Tab leaves it.
 */
import type { TaskAction } from '../core/panelProtocol';

/** The codicon of each action (VS Code's own icons for the same commands where it has them). */
export const ACTION_ICONS: Readonly<Record<TaskAction, string>> = {
  open: 'go-to-file',
  reveal: 'folder-opened',
  copyPrompt: 'copy',
  useAsReference: 'pin',
  animate: 'device-camera-video',
  regenerate: 'refresh',
  cancel: 'stop-circle',
};

/** An icon button: the label is its tooltip and, with `context`, its accessible name. */
export function iconButton(action: TaskAction, label: string, context: string): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = `icon-button codicon codicon-${ACTION_ICONS[action]}`;
  button.dataset.action = action;
  button.title = label;
  button.setAttribute('aria-label', context ? `${label}: ${context}` : label);
  return button;
}

/**
 * A toolbar of buttons with one tab stop (the first button, or the last one used): Left/Right/Home/End move
 * between its buttons, as in VS Code's own toolbars.
 */
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
