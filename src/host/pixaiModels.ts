/** PixAI has no list endpoint: the user pastes an id or model URL, may name it; recent ones are remembered (nothing secret). */
import * as vscode from 'vscode';
import { BACK, type Back } from '../core/stepFlow';
import { inputStep, pickStep } from './quickInputs';

const RECENT_KEY = 'mediaStudio.pixai.recentModels';
const MAX_RECENT = 12;

export interface NamedModel { readonly id: string; readonly name: string }

export class PixaiModels {
  constructor(
    private readonly state: vscode.Memento,
    private readonly parse: (input: string) => string | undefined,
  ) {}

  recent(): NamedModel[] {
    const value = this.state.get<unknown>(RECENT_KEY, []);
    return Array.isArray(value)
      ? value.filter((m): m is NamedModel => !!m && typeof m.id === 'string' && /^\d+$/.test(m.id) && typeof m.name === 'string')
      : [];
  }

  async remember(model: NamedModel): Promise<void> {
    const others = this.recent().filter((m) => m.id !== model.id);
    await this.state.update(RECENT_KEY, [model, ...others].slice(0, MAX_RECENT));
  }

  /** `preferred` (the default model) comes first, so it is the one preselected. */
  async pick(title: string, fallback: readonly NamedModel[], preferred?: string): Promise<string | undefined> {
    const id = await this.pickStep(title, fallback, preferred, false);
    return id === BACK ? undefined : id;
  }

  /** The same as a step of a flow: with a Back button when `back`; Back from the paste box returns to the list. */
  async pickStep(
    title: string,
    fallback: readonly NamedModel[],
    preferred: string | undefined,
    back: boolean,
  ): Promise<string | Back | undefined> {
    const paste = { label: vscode.l10n.t('$(add) Paste a model version id or pixai.art model URL…'), id: '' };
    const recent = this.recent();
    const known = [...recent, ...fallback.filter((f) => !recent.some((r) => r.id === f.id))];
    const first = known.findIndex((m) => m.id === preferred);
    if (first > 0) known.unshift(...known.splice(first, 1));
    const items = [...known.map((m) => ({ label: m.name, description: m.id, id: m.id })), paste];
    for (;;) {
      const picked = await pickStep({
        title,
        placeHolder: vscode.l10n.t('PixAI model'),
        items,
        active: items.find((i) => i.id && i.id === preferred),
        back,
      });
      if (picked === undefined || picked === BACK) return picked;
      if (picked !== paste) {
        await this.remember({ id: picked.id, name: picked.label });
        return picked.id;
      }
      const input = await inputStep({
        title,
        prompt: vscode.l10n.t('The model version id is the last part of a model page URL: pixai.art/model/<id>/<version id>'),
        placeHolder: vscode.l10n.t('https://pixai.art/model/…/… or 1983308862240288769'),
        back: true,
        validate: (value) =>
          this.parse(value.trim())
            ? undefined
            : vscode.l10n.t('Paste a model version id (digits) or a pixai.art/model/<id>/<version> URL.'),
      });
      if (input === BACK) continue;
      const id = input ? this.parse(input.trim()) : undefined;
      if (!id) return undefined;
      const name = await vscode.window.showInputBox({
        title,
        prompt: vscode.l10n.t('A name to remember this model by (optional)'),
        value: vscode.l10n.t('Model {0}', id),
        ignoreFocusOut: true,
      });
      await this.remember({ id, name: name?.trim() || vscode.l10n.t('Model {0}', id) });
      return id;
    }
  }
}
