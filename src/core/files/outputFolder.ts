/**
 * The `mediaStudio.outputFolder` setting: a folder inside a workspace folder, relative to it. Workspace settings can
 * set it, so anything that could reach outside is refused rather than normalised into what the user did not write.
 */
import * as l10n from '@vscode/l10n';

export const DEFAULT_OUTPUT_FOLDER = 'generated';

export type OutputFolder = { segments: string[] } | { error: string };

const MAX_SETTING_LENGTH = 1024;
const MAX_SEGMENT_LENGTH = 255;

/** Device names Windows reserves in every folder, also with an extension ("nul.txt"). */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
/** Characters Windows does not allow in names; ":" would also open an NTFS alternate data stream. */
const WINDOWS_FORBIDDEN = /[<>:"|?*]/;

/** Control characters made visible. */
function quote(value: string): string {
  const visible = value.replace(/[\x00-\x1f\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `"${visible}"`;
}

/** Whole sentences, for translators. */
function problem(message: string): { error: string } {
  return { error: `${message} ${advice()}` };
}

function advice(): string {
  return l10n.t('Use a folder inside the workspace, such as "generated" or "assets/ai".');
}

/** Segments relative to the workspace folder (empty for the folder itself), or an error naming the value. */
export function resolveOutputFolder(setting: unknown): OutputFolder {
  // unknown, not string: settings.json can hold any JSON value here, whatever the schema says.
  if (setting === undefined || setting === null) return { segments: [DEFAULT_OUTPUT_FOLDER] };
  if (typeof setting !== 'string') return { error: `${l10n.t('The output folder setting must be text.')} ${advice()}` };
  const value = setting.trim();
  if (value === '') return { segments: [DEFAULT_OUTPUT_FOLDER] };

  if (value.length > MAX_SETTING_LENGTH)
    return { error: `${l10n.t('The output folder setting is longer than {0} characters.', MAX_SETTING_LENGTH)} ${advice()}` };
  if (/[\x00-\x1f\x7f]/.test(value)) return problem(l10n.t('{0} contains a control character.', quote(value)));
  if (value.startsWith('~')) return problem(l10n.t('{0} refers to a home folder, which is outside the workspace folder.', quote(value)));
  if (/^[\\/]{2}/.test(value)) return problem(l10n.t('{0} is a network (UNC) path, which is outside the workspace folder.', quote(value)));
  if (/^[a-z]:/i.test(value)) return problem(l10n.t('{0} is a Windows drive path, which is outside the workspace folder.', quote(value)));
  if (/^[\\/]/.test(value)) return problem(l10n.t('{0} is an absolute path, which is outside the workspace folder.', quote(value)));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return problem(l10n.t('{0} is a URL, not a folder path.', quote(value)));

  const segments: string[] = [];
  let depth = 0;
  let leavesWorkspace = false;
  let hasDotDot = false;
  for (const raw of value.split(/[\\/]/)) {
    const segment = raw.trim(); // Windows drops trailing spaces, so " .. " would act as ".."
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      hasDotDot = true;
      depth -= 1;
      if (depth < 0) leavesWorkspace = true;
      continue;
    }
    depth += 1;
    segments.push(segment);
  }
  if (leavesWorkspace) return problem(l10n.t('{0} is outside the workspace folder.', quote(value)));
  if (hasDotDot) return problem(l10n.t('{0} contains ".."; write the folder path without it.', quote(value)));

  for (const segment of segments) {
    if (/^\.+$/.test(segment))
      return problem(l10n.t('{0} contains the folder name {1}, which is not a valid folder name.', quote(value), quote(segment)));
    if (segment.endsWith('.'))
      return problem(
        l10n.t('{0} contains the folder name {1}; folder names cannot end with "." on Windows.', quote(value), quote(segment)),
      );
    if (WINDOWS_FORBIDDEN.test(segment))
      return problem(l10n.t('{0} contains {1}; folder names cannot contain < > : " | ? *.', quote(value), quote(segment)));
    if (WINDOWS_RESERVED.test(segment))
      return problem(l10n.t('{0} contains {1}, a name Windows reserves for devices.', quote(value), quote(segment)));
    if (segment.length > MAX_SEGMENT_LENGTH)
      return problem(l10n.t('{0} contains a folder name longer than {1} characters.', quote(value), String(MAX_SEGMENT_LENGTH)));
  }
  return { segments };
}
