/** The one interface every provider implements; the engine, tree and result writer know nothing else. */
import type { ApiClient } from '../http';
import type { ProviderId } from '../providers';
import type { ModelSpec } from '../spec/types';
import type { MediaKind, RemoteStatus, Task, TaskRequest } from '../task';

/** A reference image to upload as a file: streamed, never read whole into memory by the core. */
export interface UploadImage {
  readonly name: string;
  readonly mime: string;
  readonly size: number;
  open(): AsyncIterable<Uint8Array>;
}

export interface SubmitContext {
  readonly api: ApiClient;
  /** Opens a workspace image (URI string) for upload. */
  openImage(uri: string): Promise<UploadImage>;
}

export type SubmitResult =
  | { readonly kind: 'accepted'; readonly remoteId: string; readonly status?: RemoteStatus }
  /** Synchronous endpoints: the answer is the result; inline (base64) images come as bytes, saved at once. */
  | { readonly kind: 'completed'; readonly status: RemoteStatus; readonly inline?: readonly InlineResult[] };

export interface InlineResult { readonly index: number; readonly bytes: Uint8Array }

export interface PollPolicy {
  /** The provider's documented minimum spacing between two checks of one task. */
  readonly floorMs: number;
  /** Delay before the first check, by media kind. */
  readonly firstCheckMs: Readonly<Record<MediaKind, number>>;
  /** Shortest interval between later checks, by media kind (the adaptive wait never goes below it). */
  readonly minIntervalMs: Readonly<Record<MediaKind, number>>;
  /** Tasks this provider runs at once for one account; more stay queued locally. Undefined: no cap. */
  readonly maxActiveTasks?: number;
  /** Growth of the wait per check, and the longest wait between checks; absent: the engine's tuning. */
  readonly growth?: number;
  readonly maxIntervalMs?: number;
  /** Waits after failed checks: firstMs·growth^(n−1) plus up to jitterMs, up to the longest wait. Absent: the generic default. */
  readonly errorBackoff?: ErrorBackoff;
  /** After this long without an answer a task shows as stale (still checkable); absent: the generic deadlines. */
  readonly deadlinesMs?: Readonly<Record<MediaKind, number>>;
  /** Requests a minute this provider allows one account (submits and status checks together); absent: no limit. */
  readonly requestsPerMinute?: number;
  /**
   * The provider documents 404 on a status check as "this task does not exist". Only then may a check that keeps
   * answering 404 for several minutes fail the task; otherwise a 404 is a refused check like any other.
   */
  readonly notFoundMeansNoTask?: boolean;
  /**
   * Per kind, how soon the provider documents a task may be ready: under a tight request budget a task younger
   * than this is checked only when nothing that could be done is waiting (see budgetOrder.ts).
   */
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
  /** Returns why this request cannot be sent (a user error to fix), or undefined. Never does I/O. */
  validate(request: TaskRequest): string | undefined;
  submit(context: SubmitContext, request: TaskRequest): Promise<SubmitResult>;
  poll(api: ApiClient, task: Task): Promise<RemoteStatus>;
  /** Present only where the provider has a cancel call. */
  cancel?(api: ApiClient, task: Task): Promise<CancelOutcome>;
  /** The account balance in USD; present only where the provider has a balance call (Apixo). */
  balance?(api: ApiClient): Promise<number>;
  /**
   * The provider's own model list merged with its spec (an empty list: it listed none we can offer); present
   * exactly where the spec declares `capabilities.modelListing` (Pixapi's GET /v1/models).
   */
  listModels?(api: ApiClient): Promise<ModelSpec[]>;
}
