/**
 * Byte helpers for primitive tests: hex for vectors, and a fast equality that describes the
 * first difference (vitest's deep equality is far too slow on 64 KiB typed arrays).
 */
export function fromHex(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

const view = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/** null when equal, else e.g. "lengths 10 vs 12; first difference at byte 3: 0a vs 0b". */
export function byteDiff(a: Uint8Array, b: Uint8Array): string | null {
  if (view(a).equals(view(b))) return null;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  const lengths =
    a.length === b.length ? `length ${a.length}` : `lengths ${a.length} vs ${b.length}`;
  if (i === n) return `${lengths}; equal over the common prefix`;
  const hex = (x: Uint8Array) => toHex(x.subarray(i, Math.min(i + 8, x.length)));
  return `${lengths}; first difference at byte ${i}: ${hex(a)}… vs ${hex(b)}…`;
}
