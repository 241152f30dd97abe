import * as assert from 'assert';
import * as vscode from 'vscode';
import type { MediaStudioApi } from '../../src/api';

export const EXTENSION_ID = 'media-studio.media-studio';

export async function activateExtension(): Promise<MediaStudioApi> {
  const extension = vscode.extensions.getExtension<MediaStudioApi>(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is not installed in this host`);
  return extension.activate();
}
