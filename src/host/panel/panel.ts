/** The panel, restored after reload by a serializer (no retainContextWhenHidden: the webview keeps its own state). */
import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import { registerCommand, UserError } from '../commands';
import { Emitter } from '../../core/events';
import type { HostMessage } from '../../core/panelProtocol';
import type { Log } from '../log';
import { outputFolderUri } from '../resultFolder';
import type { PanelController, PanelDeps } from './controller';
import { features } from '../lazy';
import { panelHtmlDocument } from './html';

export const PANEL_VIEW_TYPE = 'mediaStudio.panel';

export interface PanelHostDeps extends Omit<PanelDeps, 'log'> {
  readonly log: Log;
}

/**
 * Never whole workspace folders (unless an image sits at the top of one). A root must be a folder: VS Code refuses a
 * file that equals its root. (data: URLs for thumbnails would need a wider CSP.)
 */
function resourceRoots(extensionUri: vscode.Uri, referenceFolders: readonly vscode.Uri[]): vscode.Uri[] {
  const roots = [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    try {
      roots.push(outputFolderUri(folder.uri));
    } catch {
      // An invalid output folder setting is reported when saving; the panel just cannot show results from it.
    }
  }
  return [...roots, ...referenceFolders];
}

function webviewOptions(extensionUri: vscode.Uri, referenceFolders: readonly vscode.Uri[] = []): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: resourceRoots(extensionUri, referenceFolders) };
}

function isEqualOrInside(uri: vscode.Uri, root: vscode.Uri): boolean {
  if (uri.scheme !== root.scheme || uri.authority !== root.authority) return false;
  const base = root.path.endsWith('/') ? root.path : `${root.path}/`;
  return uri.path === root.path || uri.path.startsWith(base);
}

export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  return panelHtmlDocument({
    cspSource: webview.cspSource,
    script: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
    style: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'panel.css')).toString(),
    icons: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'codicons', 'codicon.css')).toString(),
    nonce: randomBytes(18).toString('base64'),
    language: vscode.env.language,
    bundle: vscode.l10n.bundle,
  });
}

/** For integration tests, to prove the live panel is fed by the extension's own store and engine; not API. */
export interface LivePanelProbe {
  receive(raw: unknown): Promise<void>;
  onDidPost(listener: (message: HostMessage) => void): { dispose(): void };
  /** As URI strings. */
  resourceRoots(): readonly string[];
}

class PanelHost {
  private panel: vscode.WebviewPanel | undefined;
  private controller: PanelController | undefined;
  private readonly posted = new Emitter<HostMessage>();
  private referenceRoots: vscode.Uri[] = [];

  constructor(private readonly context: vscode.ExtensionContext, private readonly deps: PanelHostDeps) {}

  /** Creating it beside the editor the first time. */
  open(): PanelController {
    if (this.panel && this.controller) {
      this.panel.reveal(undefined, true);
      return this.controller;
    }
    const panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      'Media Studio',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
      webviewOptions(this.context.extensionUri),
    );
    return this.attach(panel);
  }

  attach(panel: vscode.WebviewPanel): PanelController {
    this.panel?.dispose();
    this.referenceRoots = [];
    panel.webview.options = webviewOptions(this.context.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(this.context.extensionUri, 'media', 'activity.svg');
    const controller = new (features().panelController.PanelController)({ ...this.deps, log: this.deps.log }, {
      post: (message) => {
        void panel.webview.postMessage(message);
        this.posted.fire(message);
      },
      onDidReceive: (listener) => panel.webview.onDidReceiveMessage(listener),
      asWebviewUri: (uri) => panel.webview.asWebviewUri(uri).toString(),
      allowResource: (uri) => {
        if ((panel.webview.options.localResourceRoots ?? []).some((root) => isEqualOrInside(uri, root))) return false;
        this.referenceRoots.push(vscode.Uri.joinPath(uri, '..'));
        // New roots reach the webview only with new options, and VS Code reloads it for them (its state is kept).
        panel.webview.options = webviewOptions(this.context.extensionUri, this.referenceRoots);
        return true;
      },
    });
    panel.webview.html = panelHtml(panel.webview, this.context.extensionUri);
    panel.onDidDispose(() => {
      controller.dispose();
      if (this.panel === panel) {
        this.panel = undefined;
        this.controller = undefined;
      }
    });
    this.panel = panel;
    this.controller = controller;
    return controller;
  }

  probe(): LivePanelProbe | undefined {
    const controller = this.controller;
    const panel = this.panel;
    return controller && panel && {
      receive: (raw) => controller.receive(raw),
      onDidPost: (listener) => this.posted.event(listener),
      resourceRoots: () => (panel.webview.options.localResourceRoots ?? []).map((root) => root.toString()),
    };
  }

  dispose(): void {
    this.panel?.dispose();
    this.posted.dispose();
  }
}

function selectedUris(clicked: unknown, selection: unknown): vscode.Uri[] {
  const all = Array.isArray(selection) && selection.length ? selection : [clicked];
  return all.filter((u): u is vscode.Uri => u instanceof vscode.Uri);
}

/** Disposing the result undoes all of it. `livePanel` is for tests only. */
export function registerPanel(
  context: vscode.ExtensionContext,
  deps: PanelHostDeps,
): vscode.Disposable & { livePanel(): LivePanelProbe | undefined } {
  const host = new PanelHost(context, deps);
  const disposables: vscode.Disposable[] = [
    host,
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => {
        host.attach(panel);
      },
    }),
    registerCommand(deps.log, 'mediaStudio.openPanel', () => {
      host.open();
    }),
    registerCommand(deps.log, 'mediaStudio.useAsReference', async (clicked?: unknown, selection?: unknown) => {
      let uris = selectedUris(clicked, selection);
      if (!uris.length && vscode.window.activeTextEditor) uris = [vscode.window.activeTextEditor.document.uri];
      if (!uris.length) throw new UserError(vscode.l10n.t('Right-click an image in the Explorer to use it as a reference.'));
      await host.open().addReferences(uris);
    }),
    registerCommand(deps.log, 'mediaStudio.regenerate', async (clicked?: unknown) => {
      if (!(clicked instanceof vscode.Uri))
        throw new UserError(vscode.l10n.t('Right-click a generated file that has a .json sidecar in the Explorer.'));
      return [(await features().regenerate.regenerateFromSidecar(deps.engine, clicked)).id];
    }),
  ];
  const registration = vscode.Disposable.from(...disposables);
  return { dispose: () => registration.dispose(), livePanel: () => host.probe() };
}
