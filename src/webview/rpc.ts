/**
 * The webview's side of the panel protocol: `request(type, fields)` posts a request and resolves with its
 * typed reply (core/panelProtocol's PanelReplies), or rejects with RequestFailed when the host answers with
 * an error. The error itself is shown by main's 'error' handler, so `send` is for requests nobody awaits.
 */
import type { HostMessage, PanelRequest, ReplyTo, RequestFields, RequestType, WebviewMessage } from '../core/panelProtocol';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** VS Code allows one call of acquireVsCodeApi per page: this module makes it for everyone. */
export const vscodeApi = acquireVsCodeApi();

export class RequestFailed extends Error {}

const pending = new Map<number, { resolve(reply: HostMessage): void; reject(error: RequestFailed): void }>();
let nextRequestId = 1;

export function request<K extends RequestType>(type: K, fields: RequestFields<K>): Promise<ReplyTo<K>> {
  const requestId = nextRequestId++;
  return new Promise((resolve, reject) => {
    // The host answers a request of type K only with ReplyTo<K> (or an error), as PanelReplies says.
    pending.set(requestId, { resolve: (reply) => resolve(reply as ReplyTo<K>), reject });
    // A correlated union TypeScript cannot follow through the spread: {type: K} with K's own fields is K's message.
    vscodeApi.postMessage({ type, requestId, ...fields } as PanelRequest);
  });
}

/** A request whose reply changes nothing here: a failure is already shown by the 'error' notice. */
export function send<K extends RequestType>(type: K, fields: RequestFields<K>): void {
  request(type, fields).catch(() => undefined);
}

/** Settles the request a host message answers, if it answers one. */
export function settleReply(message: HostMessage): void {
  if (!('requestId' in message) || message.requestId === undefined) return;
  const waiting = pending.get(message.requestId);
  pending.delete(message.requestId);
  if (message.type === 'error') waiting?.reject(new RequestFailed(message.message));
  else waiting?.resolve(message);
}
