/** IPv4 addresses and /8, /16, /24 networks as numeric ranges, for the "no overlap" rule of IP lists. */

export interface Ipv4Range {
  entry: string;
  start: number;
  end: number;
}

function parseAddress(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

/**
 * The addresses an entry covers. NOTE: the seeds do not say whether a network with host bits set
 * (`1.1.1.5/24`) is rejected; we read it as its network (`1.1.1.0/24`) rather than invent an error.
 */
export function rangeOf(entry: string): Ipv4Range | undefined {
  const [addressText, prefixText] = entry.split('/');
  const address = parseAddress(addressText ?? '');
  if (address === undefined) return undefined;
  const prefix = prefixText === undefined ? 32 : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  const start = Math.floor(address / size) * size;
  return { entry, start, end: start + size - 1 };
}

/** The first pair of entries that overlap (or repeat), or undefined when all are disjoint. */
export function findOverlap(entries: readonly string[]): [string, string] | undefined {
  const ranges = entries
    .map(rangeOf)
    .filter((r): r is Ipv4Range => r !== undefined)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  let widest: Ipv4Range | undefined;
  for (const range of ranges) {
    if (widest && range.start <= widest.end) return [widest.entry, range.entry];
    if (!widest || range.end > widest.end) widest = range;
  }
  return undefined;
}
