import * as fs from 'fs';
import * as vscode from 'vscode';
import type { UploadImage } from '../core/adapters/adapter';
import { isSupportedInputImage, SNIFF_HEAD_BYTES } from '../core/files/sniff';
import { RequestProblem } from '../core/engine';

export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp'] as const;
const MIME = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' } as const;

function maxImageBytes(): number {
  return vscode.workspace.getConfiguration('mediaStudio').get<number>('maxImageSizeMB', 20) * 1024 * 1024;
}

async function readHead(uri: vscode.Uri, size: number): Promise<Uint8Array> {
  if (uri.scheme === 'file') {
    const handle = await fs.promises.open(uri.fsPath, 'r');
    try {
      const buffer = Buffer.alloc(Math.min(size, SNIFF_HEAD_BYTES));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }
  return (await vscode.workspace.fs.readFile(uri)).subarray(0, SNIFF_HEAD_BYTES);
}

/** Checks that a workspace file is an image a provider can take, and says plainly what is wrong if not. */
export async function checkInputImage(uri: vscode.Uri): Promise<{ format: 'png' | 'jpeg' | 'webp'; size: number }> {
  const name = vscode.workspace.asRelativePath(uri, false);
  let stat: vscode.FileStat;
  try {
    stat = await vscode.workspace.fs.stat(uri);
  } catch {
    throw new RequestProblem(vscode.l10n.t('"{0}" does not exist or cannot be read.', name));
  }
  if (stat.type & vscode.FileType.Directory) throw new RequestProblem(vscode.l10n.t('"{0}" is a folder; pick image files.', name));
  if (/\.svg$/i.test(uri.path)) throw new RequestProblem(vscode.l10n.t('"{0}" is an SVG. Providers take PNG, JPEG or WebP images: export it as PNG first.', name));
  const cap = maxImageBytes();
  if (stat.size > cap) {
    throw new RequestProblem(vscode.l10n.t('"{0}" is {1} MB, over the {2} MB limit (setting "mediaStudio.maxImageSizeMB").', name, (stat.size / 1048576).toFixed(1), (cap / 1048576).toFixed(0)));
  }
  if (stat.size === 0) throw new RequestProblem(vscode.l10n.t('"{0}" is empty.', name));
  const format = isSupportedInputImage(await readHead(uri, stat.size));
  if (!format) throw new RequestProblem(vscode.l10n.t('"{0}" is not a PNG, JPEG or WebP image (its contents say otherwise, whatever its name).', name));
  return { format, size: stat.size };
}

/** Opens a checked image for a multipart upload; local files are streamed from disk, not read into memory. */
export async function openImage(uriString: string): Promise<UploadImage> {
  const uri = vscode.Uri.parse(uriString);
  const { format, size } = await checkInputImage(uri);
  const name = uri.path.split('/').pop() ?? `image.${format}`;
  const type = MIME[format];
  const open = uri.scheme === 'file'
    ? () => fs.createReadStream(uri.fsPath)
    : async function* () { yield await vscode.workspace.fs.readFile(uri); }; // virtual file systems have no streams
  return { name, mime: type, size, open };
}
