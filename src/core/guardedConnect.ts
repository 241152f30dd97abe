/**
 * Downloads connect only to public addresses. A public name can resolve to 10.x or 169.254.169.254, directly or after
 * a redirect, so the address is checked in the DNS lookup of every connection undici opens; refused ones never connect.
 */
import * as dns from 'dns';
import type { LookupFunction } from 'net';
import type { Dispatcher } from 'undici';
import { connectedAddressProblem } from './files/urlSafety';
import { loadUndici } from './http';

export class PrivateAddressError extends Error {
  readonly code = 'MEDIA_STUDIO_PRIVATE_ADDRESS';
}

type LookupAnswer = string | dns.LookupAddress[];

/** Refuses any answer holding a non-public address. */
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

/** One per loopback exception, kept so connections are reused. Direct only: through a proxy the proxy resolves names. */
export function guardedAgent(allowLoopback: boolean, resolve?: LookupFunction): Dispatcher {
  if (resolve) return new (loadUndici().Agent)({ connect: { lookup: guardedLookup(allowLoopback, resolve) } });
  let agent = agents.get(allowLoopback);
  if (!agent) {
    agent = new (loadUndici().Agent)({ connect: { lookup: guardedLookup(allowLoopback) } });
    agents.set(allowLoopback, agent);
  }
  return agent;
}
