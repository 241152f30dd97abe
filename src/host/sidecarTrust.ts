/** The secret in SecretStorage, the hashes in global storage: trust holds across workspaces on this machine only. */
import { randomBytes } from 'crypto';
import type * as vscode from 'vscode';
import { rememberDigest, sidecarDigest } from '../core/files/sidecarTrust';

const SECRET_NAME = 'mediaStudio.sidecarHashKey';
const WRITTEN_KEY = 'mediaStudio.sidecarsWritten';

export class SidecarTrust {
  private secret: Promise<string> | undefined;
  /** One at a time, so two results saved at once both get remembered. */
  private writes: Promise<void> = Promise.resolve();

  constructor(private readonly context: Pick<vscode.ExtensionContext, 'secrets' | 'globalState'>) {}

  private key(): Promise<string> {
    this.secret ??= (async () => {
      const stored = await this.context.secrets.get(SECRET_NAME);
      if (stored) return stored;
      const made = randomBytes(32).toString('hex');
      await this.context.secrets.store(SECRET_NAME, made);
      return made;
    })();
    return this.secret;
  }

  recordWritten(text: string): Promise<void> {
    this.writes = this.writes.then(async () => {
      const digest = sidecarDigest(await this.key(), text);
      await this.context.globalState.update(WRITTEN_KEY, rememberDigest(this.context.globalState.get<unknown[]>(WRITTEN_KEY, []), digest));
    }).catch(() => undefined);
    return this.writes;
  }

  async wroteIt(text: string): Promise<boolean> {
    await this.writes;
    const digest = sidecarDigest(await this.key(), text);
    return this.context.globalState.get<unknown[]>(WRITTEN_KEY, []).includes(digest);
  }
}

let current: SidecarTrust | undefined;

export function initSidecarTrust(context: Pick<vscode.ExtensionContext, 'secrets' | 'globalState'>): SidecarTrust {
  current = new SidecarTrust(context);
  return current;
}

  /** Undefined before activation (every sidecar is then foreign). */
export function sidecarTrust(): SidecarTrust | undefined {
  return current;
}

/** A modal dialog cannot be clicked from the host, so integration tests answer here. */
export interface RegenerateConfirmations {
  answer?: (summary: string) => boolean;
  /** Sees the status-bar notice of a Regenerate sent without asking (its own sidecar, a trusted workspace). */
  noticed?: (notice: string) => void;
}

export const regenerateConfirmations: RegenerateConfirmations = {};
