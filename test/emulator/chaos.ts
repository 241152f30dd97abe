/**
 * A seeded chaos plan: which fault hits which task's submit, polls and download, and what the task must
 * end as because of it. The same seed gives the same plan; the faults are plain FaultRules, applied by the
 * emulator as documented in its README (status, delay, drop, dropBeforeProcessing, truncate, malformed,
 * expire, errorBody, drip; a Retry-After of years, a 404 on a check). Used by the chaos integration test; no dependency beyond this file.
 */
import type { FaultAction, FaultRule, MediaKind, ProviderName } from './types';
import { seededRandom } from '../support/random';


/**
 * How a task must end, given its faults:
 * - `succeeded`: finished, every result saved as a whole, valid file;
 * - `expired`: finished, but its result URL expired before the download: the URL is kept and the error shown;
 * - `failed`: the provider reported a failure (the `[fail]` switch), with a message;
 * - `unconfirmed`: the submit may have reached the provider (5xx, reset, unreadable answer): never resent.
 */
export type ChaosExpectation = 'succeeded' | 'expired' | 'failed' | 'unconfirmed';

export type SubmitFaultName =
  'none' | '500' | '503' | '429-retry-after' | '429' | 'drop' | 'dropBeforeProcessing' | 'malformed' | 'truncate' | 'slow';
export type PollFaultName =
  '5xx-burst' | '503' | '429-retry-after' | '429' | 'drop' | 'truncate' | 'malformed' | 'slow' | 'huge-retry-after' | '404';
export type DownloadFaultName = 'none' | '5xx' | 'drop' | 'truncate' | 'slow' | 'expire' | 'endless-error-body' | 'drip';

export interface ChaosTaskPlan {
  readonly index: number;
  readonly provider: ProviderName;
  readonly kind: MediaKind;
  readonly willFail: boolean;
  readonly submitFault: SubmitFaultName;
  readonly pollFaults: readonly PollFaultName[];
  readonly downloadFault: DownloadFaultName;
  /**
   * The first write of the task's first result fails in the extension (a full disk for a moment; the test
   * injects it through the extension's test hooks, not the emulator): the failure is announced, the result
   * kept, and Save Again must save it whole, once.
   */
  readonly writeFault: boolean;
  readonly expect: ChaosExpectation;
}

/** The classes of work the run spreads its tasks over (PixAI has no video through its API). */
export const CHAOS_CLASSES: readonly { provider: ProviderName; kind: MediaKind }[] = [
  { provider: 'pixapi', kind: 'image' },
  { provider: 'pixapi', kind: 'video' },
  { provider: 'pixai', kind: 'image' },
  { provider: 'apixo', kind: 'image' },
  { provider: 'apixo', kind: 'video' },
];

const SUBMIT_FAULTS: readonly SubmitFaultName[] = [
  '500',
  '503',
  '429-retry-after',
  '429',
  'drop',
  'dropBeforeProcessing',
  'malformed',
  'truncate',
  'slow',
];
const POLL_FAULTS: readonly PollFaultName[] = [
  '5xx-burst',
  '503',
  '429-retry-after',
  '429',
  'drop',
  'truncate',
  'malformed',
  'slow',
  'huge-retry-after',
  '404',
];
const DOWNLOAD_FAULTS: readonly DownloadFaultName[] = ['5xx', 'drop', 'truncate', 'slow', 'expire', 'endless-error-body', 'drip'];

/** A Retry-After of more than three years: the client waits at most an hour, so the run Refreshes such a task. */
export const HUGE_RETRY_AFTER_S = 99_999_999;
/** Submit faults after which the provider may have the task, so the client must not send it again. */
const UNCERTAIN_SUBMITS: readonly SubmitFaultName[] = ['500', '503', 'drop', 'dropBeforeProcessing', 'malformed', 'truncate'];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

/** `count` tasks, round-robin over the classes, each with faults drawn from `seed`. */
export function chaosPlan(seed: number, count: number): ChaosTaskPlan[] {
  const random = seededRandom(seed);
  // A stream of its own, so adding write faults left every other fault of a seed where it was.
  const writes = seededRandom(seed + 0x5eed);
  const plan: ChaosTaskPlan[] = [];
  for (let index = 0; index < count; index++) {
    const { provider, kind } = CHAOS_CLASSES[index % CHAOS_CLASSES.length];
    const submitFault = random() < 0.3 ? pick(random, SUBMIT_FAULTS) : 'none';
    const willFail = random() < 0.1;
    const pollFaults: PollFaultName[] = [];
    const pollFaultCount = random() < 0.6 ? 1 + Math.floor(random() * 2) : 0;
    for (let i = 0; i < pollFaultCount; i++) pollFaults.push(pick(random, POLL_FAULTS));
    const downloadFault = random() < 0.45 ? pick(random, DOWNLOAD_FAULTS) : 'none';
    const expect: ChaosExpectation = UNCERTAIN_SUBMITS.includes(submitFault) ? 'unconfirmed'
      : willFail ? 'failed'
      : downloadFault === 'expire' ? 'expired'
      : 'succeeded';
    const writeFault = expect === 'succeeded' && writes() < 0.3;
    plan.push({ index, provider, kind, willFail, submitFault, pollFaults, downloadFault, writeFault, expect });
  }
  return plan;
}

/** Submit paths by provider, as documented (PROVIDERS.md). */
const SUBMIT_PATHS: Record<ProviderName, Record<MediaKind, string>> = {
  pixapi: { image: '^/v1/async/images/generations$', video: '^/v1/async/videos/generations$' },
  pixai: { image: '^/v2/image/create$', video: '^/v2/image/create$' },
  apixo: { image: '^/api/v1/generateTask/', video: '^/api/v1/generateTask/' },
};

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function submitAction(fault: SubmitFaultName): { action: FaultAction; times: number } | undefined {
  switch (fault) {
    case 'none': return undefined;
    case '500': return { action: { kind: 'status', status: 500 }, times: 1 };
    case '503': return { action: { kind: 'status', status: 503 }, times: 1 };
    case '429-retry-after': return { action: { kind: 'status', status: 429, retryAfter: 1 }, times: 1 };
    case '429': return { action: { kind: 'status', status: 429 }, times: 2 };
    case 'slow': return { action: { kind: 'delay', ms: 1500 }, times: 1 };
    default: return { action: { kind: fault }, times: 1 };
  }
}

/** The rule for a task's submit; apply it just before that task is sent (submits are sent one at a time). */
export function submitFaultRule(task: ChaosTaskPlan): FaultRule | undefined {
  const fault = submitAction(task.submitFault);
  return fault && { origin: task.provider, method: 'POST', path: SUBMIT_PATHS[task.provider][task.kind], ...fault };
}

function pollAction(fault: PollFaultName): { action: FaultAction; times: number } {
  switch (fault) {
    case '5xx-burst': return { action: { kind: 'status', status: 500 }, times: 3 };
    case '503': return { action: { kind: 'status', status: 503 }, times: 1 };
    case '429-retry-after': return { action: { kind: 'status', status: 429, retryAfter: 1 }, times: 1 };
    case '429': return { action: { kind: 'status', status: 429 }, times: 1 };
    case 'slow': return { action: { kind: 'delay', ms: 1500 }, times: 1 };
    case 'huge-retry-after': return { action: { kind: 'status', status: 429, retryAfter: HUGE_RETRY_AFTER_S }, times: 1 };
    case '404': return { action: { kind: 'status', status: 404 }, times: 1 };
    default: return { action: { kind: fault }, times: 1 };
  }
}

/** Rules for the status checks of one provider task (apply once its id is known, before its first check). */
export function pollFaultRules(task: ChaosTaskPlan, remoteId: string): FaultRule[] {
  const id = escapeRegExp(encodeURIComponent(remoteId));
  const target: Pick<FaultRule, 'origin' | 'method' | 'path' | 'query'> =
    task.provider === 'pixapi' ? { origin: 'pixapi', method: 'GET', path: `^/v1/tasks/${id}$` }
    : task.provider === 'pixai' ? { origin: 'pixai', method: 'GET', path: `^/v1/task/${id}$` }
    : { origin: 'apixo', method: 'GET', path: '^/api/v1/statusTask/', query: `(^|&)taskId=${id}(&|$)` };
  return task.pollFaults.map((fault) => ({ ...target, ...pollAction(fault) }));
}

/** The rule for the download of a task's first result (its CDN path is known from the emulator once submitted). */
export function downloadFaultRule(task: ChaosTaskPlan, resultUrl: string): FaultRule | undefined {
  const path = `^${escapeRegExp(new URL(resultUrl).pathname)}$`;
  switch (task.downloadFault) {
    case 'none':
      return undefined;
    case '5xx':
      return { origin: 'cdn', method: 'GET', path, action: { kind: 'status', status: 500 }, times: 2 };
    case 'slow':
      return { origin: 'cdn', method: 'GET', path, action: { kind: 'delay', ms: 1500 } };
    // 64 MiB of error page, twice: read a few KiB deep each time, then the third attempt succeeds.
    case 'endless-error-body':
      return { origin: 'cdn', method: 'GET', path, action: { kind: 'errorBody', status: 500, bytes: 64 * 1024 * 1024 } as const, times: 2 };
    // Slow but steady (40 KiB/s): finishes well within the download deadline.
    case 'drip':
      return { origin: 'cdn', method: 'GET', path, action: { kind: 'drip', bytesPerChunk: 4096, everyMs: 100 } };
    default:
      return { origin: 'cdn', method: 'GET', path, action: { kind: task.downloadFault } };
  }
}
