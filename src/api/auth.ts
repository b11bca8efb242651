/**
 * Bearer-token check for the HTTP API (RFC 6750 `Authorization: Bearer <token>`). The comparison takes the same
 * time whatever the presented value: both sides are hashed to 32 bytes first, so neither a differing length nor
 * a differing first byte answers any sooner.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const BEARER = /^Bearer +(\S+) *$/i;

export class BearerAuth {
  readonly #expected: Buffer;

  constructor(token: string) {
    this.#expected = digest(token);
  }

  /** True when the Authorization header carries exactly the configured token. */
  allows(authorization: string | undefined): boolean {
    const presented = authorization === undefined ? null : BEARER.exec(authorization)?.[1];
    // A missing or malformed header still costs one hash and one comparison.
    const ok = timingSafeEqual(digest(presented ?? ''), this.#expected);
    return ok && presented !== null && presented !== undefined;
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
