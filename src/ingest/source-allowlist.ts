/** Which senders a listener accepts: a CIDR list compiled once into a node:net BlockList. */
import { BlockList, isIPv4 } from 'node:net';

const MAPPED_PREFIX = '::ffff:';

/**
 * "::ffff:1.2.3.4" (how a dual-stack socket reports an IPv4 peer) → "1.2.3.4"; anything else unchanged.
 * Cheap enough for the per-datagram path.
 */
export function normalizeRemoteAddress(address: string): string {
  // Node prints the prefix in lower case (upper case is taken too, for allows()); only a dotted IPv4 tail is
  // unwrapped: the hex form "::ffff:c000:201" stays as it is.
  if (address.startsWith(MAPPED_PREFIX) || address.startsWith('::FFFF:')) {
    const v4 = address.slice(MAPPED_PREFIX.length);
    if (isIPv4(v4)) return v4;
  }
  return address;
}

export class SourceAllowlist {
  /** True when no list was configured: every sender is allowed and callers may skip the check. */
  readonly allowsAll: boolean;
  readonly #blocks: BlockList | null;

  private constructor(blocks: BlockList | null) {
    this.#blocks = blocks;
    this.allowsAll = blocks === null;
  }

  /**
   * Compile "10.0.0.0/8", "2001:db8::/32" or single addresses; null = allow everyone.
   * Throws RangeError on an entry that is not an address or CIDR block (the config schema rejects those first).
   */
  static compile(cidrs: readonly string[] | null): SourceAllowlist {
    if (cidrs === null) return new SourceAllowlist(null);
    const blocks = new BlockList();
    for (const entry of cidrs) {
      const slash = entry.indexOf('/');
      const address = slash < 0 ? entry : entry.slice(0, slash);
      const family = isIPv4(address) ? 'ipv4' : 'ipv6';
      const prefix = slash < 0 ? null : parsePrefix(entry.slice(slash + 1), entry);
      try {
        if (prefix === null) blocks.addAddress(address, family);
        else blocks.addSubnet(address, prefix, family);
      } catch (err) {
        throw new RangeError(`invalid allow entry "${entry}": expected an address or CIDR block`, { cause: err });
      }
    }
    return new SourceAllowlist(blocks);
  }

  /**
   * Whether a sender may send. Accepts plain IPv4, IPv6 (a %zone suffix is ignored) and IPv4-mapped IPv6,
   * which matches IPv4 rules. Anything unparsable is refused.
   */
  allows(address: string): boolean {
    const blocks = this.#blocks;
    if (blocks === null) return true;
    const plain = normalizeRemoteAddress(address);
    if (isIPv4(plain)) return blocks.check(plain, 'ipv4') || (plain !== address && blocks.check(address, 'ipv6'));
    const zone = plain.indexOf('%');
    return blocks.check(zone < 0 ? plain : plain.slice(0, zone), 'ipv6');
  }
}

function parsePrefix(text: string, entry: string): number {
  if (!/^\d{1,3}$/.test(text)) throw new RangeError(`invalid allow entry "${entry}": bad prefix length`);
  return Number(text);
}
