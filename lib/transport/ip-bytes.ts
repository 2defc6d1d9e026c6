/**
 * IP addresses as the engine's entries carry them (16 bytes, IPv4 as ::ffff:a.b.c.d) and as the
 * endpoint names them ("1.2.3.4:5" / "[::1]:5", formatPeer), both ways.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { formatPeer } from './udp-driver.js';

/** `bytes` (16) of an entry's address → the endpoint's address string. */
export function formatEntryAddress(bytes: Uint8Array, port: number): string {
  let mapped = bytes[10] === 0xff && bytes[11] === 0xff;
  for (let i = 0; i < 10 && mapped; i++) mapped = bytes[i] === 0;
  if (mapped) return `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}:${port}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] as number) << 8) | (bytes[i + 1] as number));
  return formatPeer(ipv6Text(groups), port);
}

/** RFC 5952 text: lower-case hex, the longest run (≥ 2) of zero groups as "::". */
function ipv6Text(groups: readonly number[]): string {
  let bestAt = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestAt = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestAt < 0) return hex.join(':');
  return `${hex.slice(0, bestAt).join(':')}::${hex.slice(bestAt + bestLength).join(':')}`;
}

/** An IP literal → 16 bytes (IPv4 mapped), or undefined when it is not one. */
export function ipBytes(host: string): Uint8Array | undefined {
  const out = new Uint8Array(16);
  if (isIPv4(host)) {
    out[10] = 0xff;
    out[11] = 0xff;
    host.split('.').forEach((part, i) => (out[12 + i] = Number(part)));
    return out;
  }
  if (!isIPv6(host) || host.includes('.') || host.includes('%')) return undefined;
  const [head = '', tail] = host.split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...left, ...new Array<string>(8 - left.length - right.length).fill('0'), ...right];
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
}
