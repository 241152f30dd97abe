/** Which workspace folder receives a task's results (the host asks VS Code for folders and the pick). */

export interface FolderLike {
  readonly name: string;
  readonly uri: string;
}

export type FolderChoice<F extends FolderLike> =
  | { readonly kind: 'noFolder' }
  | { readonly kind: 'unknownName'; readonly name: string }
  | { readonly kind: 'use'; readonly folder: F }
  /** Several folders and nothing to go by: the user picks one. */
  | { readonly kind: 'ask' };

/** Named folder wins; then the edited image's folder; one folder, or automation (must not ask), takes the first. */
export function chooseFolder<F extends FolderLike>(
  folders: readonly F[],
  hint: { readonly name?: string; readonly nearOwner?: F; readonly ask: boolean },
): FolderChoice<F> {
  if (folders.length === 0) return { kind: 'noFolder' };
  if (hint.name) {
    const named = folders.find((f) => f.name === hint.name || f.uri === hint.name);
    return named ? { kind: 'use', folder: named } : { kind: 'unknownName', name: hint.name };
  }
  if (hint.nearOwner) return { kind: 'use', folder: hint.nearOwner };
  if (folders.length === 1 || !hint.ask) return { kind: 'use', folder: folders[0] };
  return { kind: 'ask' };
}
