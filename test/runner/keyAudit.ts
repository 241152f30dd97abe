/**
 * The key audit of every request the emulator received in a run: a provider's key may appear only in the
 * Authorization header of a request to that provider's own API origin — never at the CDN, another
 * provider, in a path, a query string, another header or a body.
 */
import type { Origin, RecordedRequest } from '../emulator/types';

export function keyLeaks(requests: readonly RecordedRequest[], keys: ReadonlyArray<{ key: string; origins: readonly Origin[] }>): string[] {
  const leaks: string[] = [];
  for (const request of requests) {
    for (const { key, origins } of keys) {
      const where: string[] = [];
      if (request.path.includes(key) || request.query.includes(key)) where.push('the URL');
      for (const [name, value] of Object.entries(request.headers)) {
        if (!value.includes(key)) continue;
        if (name !== 'authorization') where.push(`the ${name} header`);
        else if (!origins.includes(request.origin)) where.push('the Authorization header');
      }
      if (request.secretsInBody?.includes(key)) where.push('the body');
      if (where.length) leaks.push(`#${request.seq} ${request.method} ${request.origin}${request.path}: a key in ${where.join(', ')}`);
    }
  }
  return leaks;
}
