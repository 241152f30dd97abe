/**
 * The requests-a-minute budgets of the windows open on one workspace, shared through its task folder:
 * `<storage>/requests/<provider>/<place>`, one small file per request holding its time, created exclusively
 * (written under a private name, then linked into place, as claims are), so each place is one window's.
 * Synchronous node `fs`: the scheduler looks and takes in one step, and these are a few bytes on the
 * extension host's own disk.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { MemoryRequestLog, type RequestLog, type RequestLogView } from '../core/engine';
import type { ProviderId } from '../core/providers';

/** Places kept per provider: far more than any budget reads (Apixo Pro's 60), so pruning never touches one in use. */
const PLACES_KEPT = 256;

function code(error: unknown): unknown {
  return (error as { code?: unknown } | undefined)?.code;
}

export class FileRequestLog implements RequestLog {
  /** A place's time never changes once linked, so each file is read once. */
  private readonly known = new Map<ProviderId, Map<number, number>>();
  private readonly ensured = new Set<ProviderId>();
  /** Once the folder fails, this window keeps its own budget (logged once) rather than send unpaced. */
  private fallback: MemoryRequestLog | undefined;

  constructor(readonly folder: string, private readonly warn: (line: string) => void = () => undefined) {}

  read(provider: ProviderId, newest: number): RequestLogView {
    if (this.fallback) return this.fallback.read(provider, newest);
    try {
      const places = this.places(provider);
      const next = places.length ? places[places.length - 1] + 1 : 0;
      const times = places.slice(-newest).map((place) => this.timeOf(provider, place));
      if (places.length > PLACES_KEPT) this.prune(provider, places.slice(0, places.length - PLACES_KEPT));
      return { times, next };
    } catch (error) {
      return this.broken(error).read(provider, newest);
    }
  }

  record(provider: ProviderId, next: number, at: number): boolean {
    if (this.fallback) return this.fallback.record(provider, next, at);
    const dir = this.dir(provider);
    let temp: string | undefined;
    try {
      if (!this.ensured.has(provider)) {
        fs.mkdirSync(dir, { recursive: true });
        this.ensured.add(provider);
      }
      temp = path.join(dir, `.${next}.${randomBytes(4).toString('hex')}.tmp`);
      fs.writeFileSync(temp, String(at), { flag: 'wx' });
      fs.linkSync(temp, path.join(dir, String(next)));
      this.knownOf(provider).set(next, at);
      return true;
    } catch (error) {
      if (code(error) === 'EEXIST') return false;
      const fallback = this.broken(error);
      return fallback.record(provider, fallback.read(provider, 1).next, at);
    } finally {
      if (temp) fs.rmSync(temp, { force: true });
    }
  }

  private dir(provider: ProviderId): string {
    return path.join(this.folder, provider);
  }

  private knownOf(provider: ProviderId): Map<number, number> {
    let known = this.known.get(provider);
    if (!known) this.known.set(provider, (known = new Map()));
    return known;
  }

  /** The places taken so far, in order (temporary files and anything else in the folder are not places). */
  private places(provider: ProviderId): number[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir(provider));
    } catch (error) {
      if (code(error) === 'ENOENT') return [];
      throw error;
    }
    return names.filter((name) => /^(0|[1-9]\d{0,14})$/.test(name)).map(Number).sort((a, b) => a - b);
  }

  /** A place's time; one damaged or from the future counts as now, which holds the budget back, never spends it twice. */
  private timeOf(provider: ProviderId, place: number): number {
    const known = this.knownOf(provider);
    const cached = known.get(place);
    if (cached !== undefined) return cached;
    const now = Date.now();
    let time = now;
    try {
      const read = Number(fs.readFileSync(path.join(this.dir(provider), String(place)), 'utf8'));
      if (Number.isFinite(read) && read <= now) time = read;
    } catch (error) {
      if (code(error) !== 'ENOENT') throw error; // pruned meanwhile by another window: it was old
      time = 0;
    }
    known.set(place, time);
    return time;
  }

  private prune(provider: ProviderId, places: readonly number[]): void {
    const known = this.knownOf(provider);
    for (const place of places) {
      fs.rmSync(path.join(this.dir(provider), String(place)), { force: true });
      known.delete(place);
    }
  }

  private broken(error: unknown): MemoryRequestLog {
    const reason = error instanceof Error ? error.message : String(error);
    this.warn(`The shared request budget in ${this.folder} failed (${reason}); this window paces its own requests only.`);
    this.fallback = new MemoryRequestLog();
    return this.fallback;
  }
}
