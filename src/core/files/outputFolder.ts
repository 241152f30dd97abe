/**
 * Validates the `mediaStudio.outputFolder` setting: a folder inside a workspace folder, given relative to
 * it. A workspace's settings can set it, so anything that could reach outside the workspace is refused
 * rather than normalised into something the user did not write.
 */

export const DEFAULT_OUTPUT_FOLDER = 'generated';

export type OutputFolder = { segments: string[] } | { error: string };

const MAX_SETTING_LENGTH = 1024;
const MAX_SEGMENT_LENGTH = 255;
const ADVICE = 'Use a folder inside the workspace, such as "generated" or "assets/ai".';

/** Device names Windows reserves in every folder, also with an extension ("nul.txt"). */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
/** Characters Windows does not allow in names; ":" would also open an NTFS alternate data stream. */
const WINDOWS_FORBIDDEN = /[<>:"|?*]/;

/** Shows the value as the user typed it, with control characters made visible. */
function quote(value: string): string {
  const visible = value.replace(/[\x00-\x1f\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `"${visible}"`;
}

function problem(value: string, what: string): { error: string } {
  return { error: `${quote(value)} ${what}. ${ADVICE}` };
}

/**
 * The folder's path segments relative to the workspace folder (empty for the workspace folder itself),
 * or an error message that names the value and says what is allowed.
 */
export function resolveOutputFolder(setting: unknown): OutputFolder {
  // unknown, not string: settings.json can hold any JSON value here, whatever the schema says.
  if (setting === undefined || setting === null) return { segments: [DEFAULT_OUTPUT_FOLDER] };
  if (typeof setting !== 'string') return { error: `The output folder setting must be text. ${ADVICE}` };
  const value = setting.trim();
  if (value === '') return { segments: [DEFAULT_OUTPUT_FOLDER] };

  if (value.length > MAX_SETTING_LENGTH) return { error: `The output folder setting is longer than ${MAX_SETTING_LENGTH} characters. ${ADVICE}` };
  if (/[\x00-\x1f\x7f]/.test(value)) return problem(value, 'contains a control character');
  if (value.startsWith('~')) return problem(value, 'refers to a home folder, which is outside the workspace folder');
  if (/^[\\/]{2}/.test(value)) return problem(value, 'is a network (UNC) path, which is outside the workspace folder');
  if (/^[a-z]:/i.test(value)) return problem(value, 'is a Windows drive path, which is outside the workspace folder');
  if (/^[\\/]/.test(value)) return problem(value, 'is an absolute path, which is outside the workspace folder');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return problem(value, 'is a URL, not a folder path');

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
  if (leavesWorkspace) return problem(value, 'is outside the workspace folder');
  if (hasDotDot) return problem(value, 'contains ".."; write the folder path without it');

  for (const segment of segments) {
    if (/^\.+$/.test(segment)) return problem(value, `contains the folder name ${quote(segment)}, which is not a valid folder name`);
    if (segment.endsWith('.')) return problem(value, `contains the folder name ${quote(segment)}; folder names cannot end with "." on Windows`);
    if (WINDOWS_FORBIDDEN.test(segment)) return problem(value, `contains ${quote(segment)}; folder names cannot contain < > : " | ? *`);
    if (WINDOWS_RESERVED.test(segment)) return problem(value, `contains ${quote(segment)}, a name Windows reserves for devices`);
    if (segment.length > MAX_SEGMENT_LENGTH) return problem(value, `contains a folder name longer than ${MAX_SEGMENT_LENGTH} characters`);
  }
  return { segments };
}
