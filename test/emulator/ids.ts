/** Identifier formats that look like each provider's own. */
import { randomBytes } from 'crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID: 10 chars of millisecond time + 16 random chars, Crockford base32 (Pixapi: task_<ULID>). */
export function ulid(now: number = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const random = randomBytes(16);
  let tail = '';
  for (let i = 0; i < 16; i++) tail += CROCKFORD[random[i] % 32];
  return time + tail;
}

/** A 19-digit decimal id like PixAI's (e.g. 1983308862240288769), never starting with 0. */
export function snowflakeLikeId(): string {
  const digits = randomBytes(19);
  let id = String(1 + (digits[0] % 9));
  for (let i = 1; i < 19; i++) id += String(digits[i] % 10);
  return id;
}

/** Apixo shows `task_abc123xyz789`: lower-case letters and digits. */
export function lowerAlnumId(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(length);
  let id = '';
  for (let i = 0; i < length; i++) id += alphabet[bytes[i] % alphabet.length];
  return id;
}

/** An unguessable URL path segment for CDN files (128 random bits). */
export function unguessableToken(): string {
  return randomBytes(16).toString('hex');
}
