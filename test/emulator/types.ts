/**
 * Public types of the provider emulator. Other test code (integration, UI, runner) depends on these
 * names; change them only together with those callers.
 */

export type ProviderName = 'pixapi' | 'pixai' | 'apixo';
export type Origin = ProviderName | 'cdn';
export type Endpoint = Origin | 'control';

/** Time spent in the queued state, then in the running state. */
export interface Timing {
  queueMs: number;
  runMs: number;
}

export interface EmulatorOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0 = ephemeral for every endpoint. Ignored by configure(). */
  ports?: Partial<Record<Endpoint, number>>;
  /** Default image {queueMs:150, runMs:600}, video {queueMs:300, runMs:1500}. */
  timing?: { image?: Timing; video?: Timing };
  /** Accepted Bearer keys; default ['test-pixapi-key'], ['test-pixai-key'], ['test-apixo-key']. */
  keys?: Partial<Record<ProviderName, string[]>>;
  /** Demo mode: any non-empty bearer accepted. */
  acceptAnyKey?: boolean;
  /** Life of a CDN URL after the task finished; default 24 h (Apixo documents 24 h). */
  resultTtlMs?: number;
  /** free: 10 req/min & 3 concurrent; pro: 60/min & 10 concurrent; default 'pro'. */
  apixoPlan?: 'free' | 'pro';
  /** Apixo per-minute and concurrency limits; default false. */
  enforceRateLimits?: boolean;
  /** Pixapi credits, Apixo USD balance; defaults 10000 credits / 74.87 USD. PixAI has no balance. */
  credits?: Partial<Record<ProviderName, number>>;
}

export interface RecordedRequest {
  /** Increases by one per recorded request; never reused, not even after reset(). */
  seq: number;
  /** Arrival time, Unix ms. */
  time: number;
  origin: Origin;
  method: string;
  /** Pathname without the query string. */
  path: string;
  /** Query string without the leading '?', '' if none. */
  query: string;
  /** Lower-cased names; values exactly as received (authorization included). */
  headers: Record<string, string>;
  bodySize: number;
  /** The prompt of a POST with a JSON body (`prompt` or Apixo's `input.prompt`), recorded even when refused. */
  prompt?: string;
  /** Watched secrets (ProviderEmulator.watchForSecrets) that appeared in the body. */
  secretsInBody?: string[];
  /** Status sent; 0 when no response was sent (drop faults, client gone). */
  status: number;
  taskId?: string;
  /** e.g. 'status:503', 'delay:200', 'drop', 'dropBeforeProcessing', 'truncate', 'malformed', 'expire'. */
  fault?: string;
}

export interface FaultRule {
  origin?: Origin;
  method?: string;
  /** Regular expression source, matched against the pathname. */
  path?: string;
  /** Regular expression source, matched against the query string without '?' (e.g. Apixo's `taskId=`). */
  query?: string;
  /** How many matching requests the rule applies to; default 1. */
  times?: number;
  action: FaultAction;
}

export type FaultAction =
  | { kind: 'status'; status: number; retryAfter?: number; body?: unknown }
  | { kind: 'delay'; ms: number }
  | { kind: 'drop' }
  | { kind: 'dropBeforeProcessing' }
  | { kind: 'truncate' }
  | { kind: 'malformed' }
  | { kind: 'expire' }
  /** A hostile server: every CDN URL in the answer (also inside Apixo's resultJson string) becomes `url`. */
  | { kind: 'rewriteResultUrls'; url: string }
  /** A hostile server: a 200 JSON answer of `bytes` bytes of nested arrays, streamed. */
  | { kind: 'jsonBomb'; bytes: number }
  /** A hostile server: answers `status` with a text body of `bytes` bytes, streamed (never held in memory). */
  | { kind: 'errorBody'; status: number; bytes: number }
  /** A hostile CDN: handles the request, then sends the body `bytesPerChunk` bytes every `everyMs` ms. */
  | { kind: 'drip'; bytesPerChunk: number; everyMs: number };

export type MediaKind = 'image' | 'video';

/** Provider-neutral life cycle; `status` on EmulatedTask carries the provider's own word. */
export type TaskPhase = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** A snapshot of one task, computed at the moment it is asked for (for assertions). */
export interface EmulatedTask {
  provider: ProviderName;
  id: string;
  /** Model as the client named it (alias kept; Apixo: the {model} path segment; PixAI: modelVersionId). */
  model: string;
  kind: MediaKind;
  prompt: string;
  /** Bearer key that created the task. */
  key: string;
  /** The request as parsed (multipart: fields, with files reduced to {filename, type, size}). */
  request: unknown;
  /** Pixapi synchronous endpoint (no task id was shown to the client). */
  sync: boolean;
  createdAt: number;
  queueMs: number;
  runMs: number;
  phase: TaskPhase;
  /** The provider's state word right now (submitted/processing/…, waiting/running/…, pending/…). */
  status: string;
  progress: number;
  /** Unix ms when the task left the queue / reached a terminal state (absent while not yet). */
  startedAt?: number;
  endedAt?: number;
  cancelledAt?: number;
  /** CDN URLs of the results (served only once the task succeeded). */
  resultUrls: string[];
  /** PixAI media ids (empty elsewhere). */
  mediaIds: string[];
  /** Pixapi credits or Apixo USD charged at submit (0 for tasks that fail, and for PixAI). */
  cost: number;
  failCode?: string;
  /** Unix ms of every status read of this task (GET /v1/tasks, /v1/task, /statusTask). */
  polls: number[];
}
