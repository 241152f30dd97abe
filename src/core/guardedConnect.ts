/**
 * Downloads connect only to public addresses. The URL check (files/urlSafety.ts) sees the text only; a public
 * name can resolve to 10.x, 169.254.169.254 or another private range, directly or after a redirect. So the
 * address is checked where the connection is made: in the DNS lookup of every connection undici opens, with
 * the same per-task loopback exception. A name that resolves to a refused address is never connected to.
 */
import * as dns from 'dns';
import type { LookupFunction } from 'net';
import type { Dispatcher } from 'undici';
import { connectedAddressProblem } from './files/urlSafety';
import { loadUndici } from './http';

/** A connection refused because its host resolved to an address Media Studio does not download from. */
export class PrivateAddressError extends Error {
  readonly code = 'MEDIA_STUDIO_PRIVATE_ADDRESS';
}

type LookupAnswer = string | dns.LookupAddress[];

/** A lookup that resolves with `resolve` (dns.lookup by default) and refuses any answer holding a non-public address. */
export function guardedLookup(allowLoopback: boolean, resolve: LookupFunction = dns.lookup as LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, options, (error: NodeJS.ErrnoException | null, address: LookupAnswer, family?: number) => {
      if (error) return callback(error, address as string, family);
      const addresses = Array.isArray(address) ? address.map((a) => a.address) : [address];
      for (const each of addresses) {
        const problem = connectedAddressProblem(hostname, each, { allowLoopback });
        if (problem) return callback(new PrivateAddressError(problem), '', 4);
      }
      // The answer is passed on as it came (one address, or all of them when asked for all).
      (callback as (e: null, a: LookupAnswer, f?: number) => void)(null, address, family);
    });
  };
}

const agents = new Map<boolean, Dispatcher>();

/**
 * The dispatcher for direct downloads: undici's Agent with the guarded lookup. One per loopback exception,
 * kept for the session so connections are reused. Through a proxy the proxy resolves names, so this applies
 * to direct connections only.
 */
export function guardedAgent(allowLoopback: boolean, resolve?: LookupFunction): Dispatcher {
  if (resolve) return new (loadUndici().Agent)({ connect: { lookup: guardedLookup(allowLoopback, resolve) } });
  let agent = agents.get(allowLoopback);
  if (!agent) {
    agent = new (loadUndici().Agent)({ connect: { lookup: guardedLookup(allowLoopback) } });
    agents.set(allowLoopback, agent);
  }
  return agent;
}
