/**
 * References for URL-only models. A workspace file's bytes are never uploaded where the user did not choose: a file
 * from a result whose URL is still valid (per its sidecar) goes as that URL; for others the user is asked, and told why.
 */
import * as vscode from 'vscode';
import { sidecarName } from '../core/files/naming';
import { parseSidecar, UNKNOWN_EXPIRY_MAX_AGE_MS, validResultUrl } from '../core/files/sidecar';
import { UserError } from './commands';

/** If any. */
export async function resultUrlOf(file: vscode.Uri): Promise<string | undefined> {
  const sidecar = file.with({ path: file.path.replace(/[^/]+$/, (name) => sidecarName(name)) });
  let text: string;
  try {
    text = Buffer.from(await vscode.workspace.fs.readFile(sidecar)).toString('utf8');
  } catch {
    return undefined;
  }
  const parsed = parseSidecar(text);
  return 'error' in parsed ? undefined : validResultUrl(parsed, Date.now());
}

/** With `ask` false (automation) a file without a valid result URL is an error saying what to do. */
export async function urlsForFiles(files: readonly vscode.Uri[], providerLabel: string, ask: boolean): Promise<string[]> {
  const urls: string[] = [];
  for (const file of files) {
    const known = await resultUrlOf(file);
    if (known) {
      urls.push(known);
      continue;
    }
    const name = vscode.workspace.asRelativePath(file, false);
    const why = vscode.l10n.t(
      '{0} takes reference images only as public URLs, and Media Studio does not upload your files anywhere you did not choose.',
      providerLabel,
    );
    if (!ask) {
      throw new UserError(
        vscode.l10n.t(
          '"{0}" has no result URL that is still valid (a result URL is reused until its provider\'s stated expiry, or for {1} minutes after the task finished when the provider states none; PixAI\'s keyed media route never). {2} Pass a public URL in "imageUrls" instead.',
          name,
          UNKNOWN_EXPIRY_MAX_AGE_MS / 60_000,
          why,
        ),
      );
    }
    const typed = await vscode.window.showInputBox({
      title: vscode.l10n.t('Public URL for {0}', name),
      prompt: vscode.l10n.t('{0} Enter a public http(s) URL of this image (for example after uploading it yourself).', why),
      placeHolder: 'https://…',
      ignoreFocusOut: true,
      validateInput: (value) => (/^https?:\/\/\S+$/.test(value.trim()) ? undefined : vscode.l10n.t('Enter an http(s) URL.')),
    });
    if (!typed) throw new vscode.CancellationError();
    urls.push(typed.trim());
  }
  return urls;
}
