import * as fs from 'fs';
import * as vscode from 'vscode';
import type { UploadImage } from '../core/adapters/adapter';
import { IMAGE_TAIL_BYTES, inputImageDamage, isSupportedInputImage, SNIFF_HEAD_BYTES } from '../core/files/sniff';
import { RequestProblem } from '../core/engine';
import { linkOutside } from '../core/files/realPath';
import { settings } from './settings';

export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp'] as const;
const MIME = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' } as const;


/** Enough to tell what it is and whether it is cut short. */
async function readEnds(uri: vscode.Uri, size: number): Promise<{ head: Uint8Array; tail: Uint8Array }> {
  const tailStart = Math.max(0, size - IMAGE_TAIL_BYTES);
  if (uri.scheme === 'file') {
    const handle = await fs.promises.open(uri.fsPath, 'r');
    try {
      const head = Buffer.alloc(Math.min(size, SNIFF_HEAD_BYTES));
      const tail = Buffer.alloc(size - tailStart);
      const [{ bytesRead }, tailRead] = [await handle.read(head, 0, head.length, 0), await handle.read(tail, 0, tail.length, tailStart)];
      return { head: head.subarray(0, bytesRead), tail: tail.subarray(0, tailRead.bytesRead) };
    } finally {
      await handle.close();
    }
  }
  const bytes = await vscode.workspace.fs.readFile(uri);
  return { head: bytes.subarray(0, SNIFF_HEAD_BYTES), tail: bytes.subarray(tailStart) };
}

/**
 * The one location check for every way a reference enters (panel, drop, Use as Reference, arguments, chat tool,
 * upload): inside a workspace folder with no "..", and still inside once symbolic links are followed.
 */
export async function checkReferenceLocation(uri: vscode.Uri): Promise<void> {
  const shown = uri.scheme === 'file' ? uri.fsPath : uri.toString(true);
  // getWorkspaceFolder compares paths as text: "/ws/../home/x.png" would pass it.
  if (uri.path.split('/').includes('..')) {
    throw new RequestProblem(
      vscode.l10n.t(
        '"{0}" points outside the workspace folder. Only images inside the workspace can be edited: give a path relative to the workspace folder, such as "images/product.png".',
        shown,
      ),
    );
  }
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) throw new RequestProblem(vscode.l10n.t('"{0}" is not in the workspace; only workspace images can be references.', shown));
  if (folder.uri.scheme !== 'file' || uri.scheme !== 'file') return;
  const outside = await linkOutside(folder.uri.fsPath, uri.fsPath);
  if (outside)
    throw new RequestProblem(
      vscode.l10n.t('"{0}" is a link to {1}, outside the workspace folder; it is not uploaded.', outside.link, outside.realTarget),
    );
}

/** Says plainly what is wrong if not. */
export async function checkInputImage(uri: vscode.Uri): Promise<{ format: 'png' | 'jpeg' | 'webp'; size: number }> {
  await checkReferenceLocation(uri);
  const name = vscode.workspace.asRelativePath(uri, false);
  let stat: vscode.FileStat;
  try {
    stat = await vscode.workspace.fs.stat(uri);
  } catch {
    throw new RequestProblem(vscode.l10n.t('"{0}" does not exist or cannot be read.', name));
  }
  if (stat.type & vscode.FileType.Directory) throw new RequestProblem(vscode.l10n.t('"{0}" is a folder; pick image files.', name));
  if (/\.svg$/i.test(uri.path))
    throw new RequestProblem(vscode.l10n.t('"{0}" is an SVG. Providers take PNG, JPEG or WebP images: export it as PNG first.', name));
  const cap = settings.maxImageBytes();
  if (stat.size > cap) {
    throw new RequestProblem(
      vscode.l10n.t(
        '"{0}" is {1} MB, over the {2} MB limit (setting "mediaStudio.maxImageSizeMB").',
        name,
        (stat.size / 1048576).toFixed(1),
        (cap / 1048576).toFixed(0),
      ),
    );
  }
  if (stat.size === 0) throw new RequestProblem(vscode.l10n.t('"{0}" is empty.', name));
  const { head, tail } = await readEnds(uri, stat.size);
  const format = isSupportedInputImage(head);
  if (!format)
    throw new RequestProblem(
      vscode.l10n.t('"{0}" is not a PNG, JPEG or WebP image (its contents say otherwise, whatever its name).', name),
    );
  const damage = inputImageDamage(format, head, tail, stat.size);
  if (damage)
    throw new RequestProblem(
      vscode.l10n.t('"{0}" is a damaged {1} image: {2}. Open it in an image editor and save it again.', name, format.toUpperCase(), damage),
    );
  return { format, size: stat.size };
}

/** Local files are streamed from disk, not read into memory. */
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
