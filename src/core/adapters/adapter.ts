/** The one interface every provider implements; the engine, tree and result writer know nothing else. */
import type { ApiClient } from '../http';
import type { ProviderId } from '../providers';
import type { ModelSpec } from '../spec/types';
import type { MediaKind, RemoteStatus, Task, TaskRequest } from '../task';

/** Streamed, never read whole into memory by the core. */
export interface UploadImage {
  readonly name: string;
  readonly mime: string;
  readonly size: number;
  open(): AsyncIterable<Uint8Array>;
}

export interface SubmitContext {
  readonly api: ApiClient;
  openImage(uri: string): Promise<UploadImage>;
}

export type SubmitResult =
  | { readonly kind: 'accepted'; readonly remoteId: string; readonly status?: RemoteStatus }
  /** Synchronous endpoints: the answer is the result; inline (base64) images come as bytes, saved at once. */
  | { readonly kind: 'completed'; readonly status: RemoteStatus; readonly inline?: readonly InlineResult[] };

export interface InlineResult { readonly index: number; readonly bytes: Uint8Array }

export interface PollPolicy {
  /** The documented minimum spacing between two checks of one task. */
  readonly floorMs: number;
  readonly firstCheckMs: Readonly<Record<MediaKind, number>>;
  /** The adaptive wait never goes below it. */
  readonly minIntervalMs: Readonly<Record<MediaKind, number>>;
  /** Per account; more stay queued locally. Undefined: no cap. */
  readonly maxActiveTasks?: number;
  /** Absent: the engine's tuning. */
  readonly growth?: number;
  readonly maxIntervalMs?: number;
  /** firstMs·growth^(n−1) plus up to jitterMs, up to the longest wait. Absent: the generic default. */
  readonly errorBackoff?: ErrorBackoff;
  /** Then a task shows as stale (still checkable); absent: the generic deadlines. */
  readonly deadlinesMs?: Readonly<Record<MediaKind, number>>;
  /** Per account, submits and status checks together; absent: no limit. */
  readonly requestsPerMinute?: number;
  /** 404 documented as "no such task": only then may a check that keeps answering 404 for minutes fail the task. */
  readonly notFoundMeansNoTask?: boolean;
  /** Per kind: under a tight request budget a younger task is checked only when nothing that could be done waits. */
  readonly earliestReadyMs?: Readonly<Record<MediaKind, number>>;
}

export interface ErrorBackoff {
  readonly firstMs: number;
  readonly growth: number;
  readonly jitterMs: number;
}

export type CancelOutcome = 'cancelled' | 'notCancellable';

export interface ProviderAdapter {
  readonly id: ProviderId;
  readonly policy: PollPolicy;
  /** A user error to fix, or undefined. Never does I/O. */
  validate(request: TaskRequest): string | undefined;
  submit(context: SubmitContext, request: TaskRequest): Promise<SubmitResult>;
  poll(api: ApiClient, task: Task): Promise<RemoteStatus>;
  cancel?(api: ApiClient, task: Task): Promise<CancelOutcome>;
  /** Where the provider has a balance call (Apixo). */
  balance?(api: ApiClient): Promise<number>;
  /** The provider's list merged with its spec; exactly where the spec declares `capabilities.modelListing`. */
  listModels?(api: ApiClient): Promise<ModelSpec[]>;
}
