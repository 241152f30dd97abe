/** Injected faults: rules matched per request, each used up after `times` matches. */
import { type FaultAction, type FaultRule, type Origin } from './types';

const ORIGINS: readonly Origin[] = ['pixapi', 'pixai', 'apixo', 'cdn'];
const KINDS: readonly FaultAction['kind'][] = [
  'status',
  'delay',
  'drop',
  'dropBeforeProcessing',
  'truncate',
  'malformed',
  'expire',
  'rewriteResultUrls',
  'jsonBomb',
  'errorBody',
  'drip',
];

interface ActiveRule {
  rule: FaultRule;
  pattern?: RegExp;
  queryPattern?: RegExp;
  remaining: number;
}

/** Throws a TypeError describing the first problem of a rule (rules also arrive as JSON). */
export function validateFaultRule(rule: unknown): asserts rule is FaultRule {
  if (typeof rule !== 'object' || rule === null) throw new TypeError('a fault rule must be an object');
  const r = rule as Partial<FaultRule>;
  if (r.origin !== undefined && !ORIGINS.includes(r.origin)) throw new TypeError(`unknown origin '${String(r.origin)}'`);
  if (r.method !== undefined && typeof r.method !== 'string') throw new TypeError('method must be a string');
  if (r.path !== undefined) {
    if (typeof r.path !== 'string') throw new TypeError('path must be a regular expression source string');
    new RegExp(r.path); // throws SyntaxError on a bad pattern
  }
  if (r.query !== undefined) {
    if (typeof r.query !== 'string') throw new TypeError('query must be a regular expression source string');
    new RegExp(r.query);
  }
  if (r.times !== undefined && (typeof r.times !== 'number' || !Number.isInteger(r.times) || r.times < 1)) {
    throw new TypeError('times must be a positive integer');
  }
  const action = r.action;
  if (typeof action !== 'object' || action === null || !KINDS.includes(action.kind)) {
    throw new TypeError(`action.kind must be one of ${KINDS.join(', ')}`);
  }
  if (action.kind === 'status') {
    if (!Number.isInteger(action.status) || action.status < 100 || action.status > 599)
      throw new TypeError('action.status must be an HTTP status');
    if (action.retryAfter !== undefined && (typeof action.retryAfter !== 'number' || action.retryAfter < 0)) {
      throw new TypeError('action.retryAfter must be a number of seconds');
    }
  }
  if (action.kind === 'delay' && (typeof action.ms !== 'number' || action.ms < 0)) throw new TypeError('action.ms must be a number ≥ 0');
  if (action.kind === 'rewriteResultUrls' && typeof action.url !== 'string') throw new TypeError('action.url must be a string');
  if (action.kind === 'errorBody') {
    if (!Number.isInteger(action.status) || action.status < 400 || action.status > 599)
      throw new TypeError('action.status must be an HTTP error status');
    if (!Number.isInteger(action.bytes) || action.bytes < 1) throw new TypeError('action.bytes must be a whole number ≥ 1');
  }
  if (
    action.kind === 'drip' &&
    (!Number.isInteger(action.bytesPerChunk) || action.bytesPerChunk < 1 || typeof action.everyMs !== 'number' || action.everyMs < 0)
  ) {
    throw new TypeError('action.bytesPerChunk must be a whole number ≥ 1 and action.everyMs a number ≥ 0');
  }
  if (action.kind === 'jsonBomb' && (!Number.isInteger(action.bytes) || action.bytes < 2))
    throw new TypeError('action.bytes must be a whole number ≥ 2');
}

/** How a fault appears in the request log. */
export function describeFault(action: FaultAction): string {
  switch (action.kind) {
    case 'status':
      return `status:${action.status}`;
    case 'delay':
      return `delay:${action.ms}`;
    case 'errorBody':
      return `errorBody:${action.status}`;
    default:
      return action.kind;
  }
}

export class FaultList {
  private rules: ActiveRule[] = [];

  add(rule: FaultRule): void {
    validateFaultRule(rule);
    this.rules.push({
      rule,
      pattern: rule.path !== undefined ? new RegExp(rule.path) : undefined,
      queryPattern: rule.query !== undefined ? new RegExp(rule.query) : undefined,
      remaining: rule.times ?? 1,
    });
  }

  clear(): void {
    this.rules = [];
  }

  /** The first rule matching this request, used up by one; rules apply in the order added. */
  take(origin: Origin, method: string, pathname: string, query = ''): FaultAction | undefined {
    const index = this.rules.findIndex(({ rule, pattern, queryPattern }) => {
      if (rule.origin !== undefined && rule.origin !== origin) return false;
      if (rule.method !== undefined && rule.method.toUpperCase() !== method.toUpperCase()) return false;
      if (pattern && !pattern.test(pathname)) return false;
      if (queryPattern && !queryPattern.test(query)) return false;
      // 'expire' only means something for CDN files.
      return rule.action.kind !== 'expire' || origin === 'cdn';
    });
    if (index < 0) return undefined;
    const active = this.rules[index];
    if (--active.remaining <= 0) this.rules.splice(index, 1);
    return active.rule.action;
  }

  get size(): number {
    return this.rules.length;
  }
}
