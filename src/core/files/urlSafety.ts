import * as l10n from '@vscode/l10n';
/**
 * Result URLs are untrusted: a compromised provider must not make Media Studio fetch local files, cloud metadata or
 * the user's network. This checks the URL text only; a public name resolving privately is caught at connect time.
 */

export interface UrlSafetyOptions {
  /** Allow 127.0.0.0/8, ::1 and localhost: the local provider emulator serves results from there. */
  allowLoopback: boolean;
}

type AddressClass = 'loopback' | 'private' | 'link-local' | 'unspecified' | 'multicast' | 'reserved';

/** A function, not a constant: the translations are configured after this module loads. */
const describe = (addressClass: AddressClass): string => ({
  loopback: l10n.t('a loopback address (this computer)'),
  private: l10n.t('a private network address'),
  'link-local': l10n.t('a link-local address'),
  unspecified: l10n.t('the unspecified address'),
  multicast: l10n.t('a multicast address'),
  reserved: l10n.t('a reserved or broadcast address'),
})[addressClass];

const LOCAL_NAME_SUFFIXES = ['local', 'internal', 'home.arpa', 'localdomain'];

function parseIpv4(host: string): number[] | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!match) return undefined;
  const bytes = match.slice(1).map(Number);
  return bytes.every((b) => b <= 255) ? bytes : undefined;
}

function classifyIpv4([a, b]: readonly number[]): AddressClass | undefined {
  if (a === 0) return 'unspecified'; // 0.0.0.0/8, "this network"
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 100 && b >= 64 && b <= 127) return 'private'; // 100.64.0.0/10, carrier-grade NAT
  if (a === 169 && b === 254) return 'link-local'; // includes the 169.254.169.254 cloud metadata service
  if (a >= 224 && a <= 239) return 'multicast';
  if (a >= 240) return 'reserved'; // 240.0.0.0/4 and 255.255.255.255
  return undefined;
}

/** Accepts "::" and a dotted IPv4 tail. */
function parseIpv6(text: string): number[] | undefined {
  let rest = text;
  const tail: number[] = [];
  const dotted = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(rest);
  if (dotted) {
    const v4 = parseIpv4(dotted[2]);
    if (!v4) return undefined;
    tail.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
    rest = dotted[1].endsWith('::') ? dotted[1] : dotted[1].slice(0, -1);
  }
  const halves = rest.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups = part.split(':');
    if (!groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
    return groups.map((g) => parseInt(g, 16));
  };
  const head = parseGroups(halves[0]);
  const after = halves.length === 2 ? parseGroups(halves[1]) : [];
  if (!head || !after) return undefined;
  const known = head.length + after.length + tail.length;
  if (halves.length === 1) return known === 8 ? [...head, ...tail] : undefined;
  if (known > 7) return undefined;
  return [...head, ...new Array<number>(8 - known).fill(0), ...after, ...tail];
}

function embeddedIpv4(high: number, low: number): number[] {
  return [high >>> 8, high & 0xff, low >>> 8, low & 0xff];
}

function classifyIpv6(groups: readonly number[]): AddressClass | undefined {
  const zeroPrefix = (n: number) => groups.slice(0, n).every((g) => g === 0);
  if (zeroPrefix(8)) return 'unspecified';
  if (zeroPrefix(7) && groups[7] === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d), deprecated IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) carry an IPv4 address.
  const carriesIpv4 =
    (zeroPrefix(5) && (groups[5] === 0xffff || groups[5] === 0)) ||
    (groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0));
  if (carriesIpv4) {
    return classifyIpv4(embeddedIpv4(groups[6], groups[7]));
  }
  if (groups[0] === 0x2002) {
    return classifyIpv4(embeddedIpv4(groups[1], groups[2])); // 6to4 embeds the IPv4 address in bits 16–47
  }
  const first = groups[0];
  if ((first & 0xfe00) === 0xfc00) return 'private'; // fc00::/7 unique local
  if ((first & 0xffc0) === 0xfe80) return 'link-local'; // fe80::/10
  if ((first & 0xffc0) === 0xfec0) return 'private'; // fec0::/10, deprecated site-local
  if ((first & 0xff00) === 0xff00) return 'multicast';
  return undefined;
}

function schemeOf(raw: string): string | undefined {
  return /^\s*([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1].toLowerCase();
}

/** http(s) only, no credentials, and a host not loopback (unless allowed), private, link-local, multicast or reserved. */
export function resultUrlProblem(raw: string, options: UrlSafetyOptions): string | undefined {
  if (typeof raw !== 'string' || raw.trim() === '') return l10n.t('The provider returned a result URL that is empty.');
  const scheme = schemeOf(raw);
  if (scheme && scheme !== 'http' && scheme !== 'https') {
    return l10n.t('The provider returned a result URL with the "{0}:" scheme; Media Studio only downloads http(s) URLs.', scheme);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return l10n.t('The provider returned a result URL that is not a valid URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return l10n.t('The provider returned a result URL with the "{0}" scheme; Media Studio only downloads http(s) URLs.', url.protocol);
  }
  if (url.username || url.password)
    return l10n.t('The provider returned a result URL that contains a user name or password; Media Studio does not follow such URLs.');

  // The URL parser has already lower-cased the host and turned 0x7f.1, 2130706433 and similar into dotted form.
  const hostname = url.hostname.replace(/\.$/, '');
  if (hostname === '') return l10n.t('The provider returned a result URL without a host.');
  const blocked = (addressClass: AddressClass) =>
    l10n.t(
      'The provider returned a result URL whose host {0} is {1}; Media Studio only downloads from public hosts.',
      hostname,
      describe(addressClass),
    );

  let addressClass: AddressClass | undefined;
  if (hostname.startsWith('[')) {
    const groups = parseIpv6(hostname.slice(1, -1));
    if (!groups) return l10n.t('The provider returned a result URL with an invalid IPv6 address.');
    addressClass = classifyIpv6(groups);
  } else {
    const v4 = parseIpv4(hostname);
    if (v4) {
      addressClass = classifyIpv4(v4);
    } else if (hostname === 'localhost' || hostname.endsWith('.localhost')) {
      addressClass = 'loopback';
    } else if (LOCAL_NAME_SUFFIXES.some((suffix) => hostname === suffix || hostname.endsWith(`.${suffix}`)) || !hostname.includes('.')) {
      return l10n.t(
        'The provider returned a result URL whose host {0} is a local network name; Media Studio only downloads from public hosts.',
        hostname,
      );
    }
  }
  if (addressClass === undefined || (addressClass === 'loopback' && options.allowLoopback)) return undefined;
  return blocked(addressClass);
}

/** Undefined for a public address or a name. */
function classifyAddress(address: string): AddressClass | undefined {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const v4 = parseIpv4(bare);
  if (v4) return classifyIpv4(v4);
  const groups = parseIpv6(bare.replace(/%.*$/, ''));
  return groups ? classifyIpv6(groups) : undefined;
}

/** localhost (and *.localhost), 127.0.0.0/8 or ::1. */
export function isLoopbackUrl(raw: string): boolean {
  let hostname: string;
  try {
    hostname = new URL(raw).hostname.replace(/\.$/, '');
  } catch {
    return false;
  }
  return hostname === 'localhost' || hostname.endsWith('.localhost') || classifyAddress(hostname) === 'loopback';
}

/** The URL text may name a public host that resolves to a private one. */
export function connectedAddressProblem(host: string, address: string, options: UrlSafetyOptions): string | undefined {
  const addressClass = classifyAddress(address);
  if (addressClass === undefined || (addressClass === 'loopback' && options.allowLoopback)) return undefined;
  return l10n.t(
    'The result host {0} resolves to {1}, which is {2}; Media Studio only downloads from public hosts.',
    host,
    address,
    describe(addressClass),
  );
}

/** Default ports normalised; false for unparsable URLs. */
export function isSameOrigin(a: string, b: string): boolean {
  try {
    const first = new URL(a);
    const second = new URL(b);
    // Schemes such as file: and data: have an opaque origin ("null"), which equals nothing, not even itself.
    if (first.origin === 'null' || second.origin === 'null') return false;
    return first.origin === second.origin;
  } catch {
    return false;
  }
}
