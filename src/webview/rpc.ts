/**
 * `request(type, fields)` resolves with the typed reply (checked against REPLY_TYPES), or rejects with RequestFailed
 * (host error) or RequestCancelled (the person stopped it). Errors show via main's 'error' handler, hence `send`.
 */
import { REPLY_TYPES } from '../core/panelProtocol';
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
/** The host answered done where another reply was due. */
export class RequestCancelled extends Error {}

interface Waiting {
  readonly expects: readonly HostMessage['type'][];
  resolve(reply: HostMessage): void;
  reject(error: Error): void;
}

const pending = new Map<number, Waiting>();
let nextRequestId = 1;

export function request<K extends RequestType>(type: K, fields: RequestFields<K>): Promise<ReplyTo<K>> {
  const requestId = nextRequestId++;
  return new Promise((resolve, reject) => {
    // settleReply resolves only with a reply whose type REPLY_TYPES lists for K, which is ReplyTo<K>.
    pending.set(requestId, { expects: REPLY_TYPES[type], resolve: (reply) => resolve(reply as ReplyTo<K>), reject });
    // A correlated union TypeScript cannot follow through the spread: {type: K} with K's own fields is K's message.
    vscodeApi.postMessage({ type, requestId, ...fields } as PanelRequest);
  });
}

/** A failure is already shown by the 'error' notice. */
export function send<K extends RequestType>(type: K, fields: RequestFields<K>): void {
  request(type, fields).catch(() => undefined);
}

/** If it answers one. */
export function settleReply(message: HostMessage): void {
  if (!('requestId' in message) || message.requestId === undefined) return;
  const waiting = pending.get(message.requestId);
  if (!waiting) return;
  pending.delete(message.requestId);
  if (message.type === 'error') waiting.reject(new RequestFailed(message.message));
  else if (waiting.expects.includes(message.type)) waiting.resolve(message);
  else if (message.type === 'done') waiting.reject(new RequestCancelled());
  else waiting.reject(new RequestFailed(`unexpected reply ${message.type}`));
}
