/** Which workspace folder receives a task's results (the host asks VS Code for the folders and the pick). */

export interface FolderLike {
  readonly name: string;
  /** The folder's URI as a string. */
  readonly uri: string;
}

export type FolderChoice<F extends FolderLike> =
  | { readonly kind: 'noFolder' }
  | { readonly kind: 'unknownName'; readonly name: string }
  | { readonly kind: 'use'; readonly folder: F }
  /** Several folders and nothing to go by: the user picks one. */
  | { readonly kind: 'ask' };

/**
 * A folder named in the arguments wins; then the folder holding the edited image (`nearOwner`); one folder,
 * or a caller that must not ask (automation), takes the first; otherwise the user is asked.
 */
export function chooseFolder<F extends FolderLike>(folders: readonly F[], hint: { readonly name?: string; readonly nearOwner?: F; readonly ask: boolean }): FolderChoice<F> {
  if (folders.length === 0) return { kind: 'noFolder' };
  if (hint.name) {
    const named = folders.find((f) => f.name === hint.name || f.uri === hint.name);
    return named ? { kind: 'use', folder: named } : { kind: 'unknownName', name: hint.name };
  }
  if (hint.nearOwner) return { kind: 'use', folder: hint.nearOwner };
  if (folders.length === 1 || !hint.ask) return { kind: 'use', folder: folders[0] };
  return { kind: 'ask' };
}
