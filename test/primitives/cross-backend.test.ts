/**
 * JS twin vs native addon: identical results and identical bytes on seeded random inputs.
 * Skipped when the addon is not built. Every mismatch is collected with its case number,
 * inputs and first differing byte, then reported together.
 */
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type {
  AeadAlgorithm,
  AeadBatch,
  Primitives,
  SpanBatch,
} from '../../lib/primitives/types.js';
import { jsPrimitives, nativeLoad } from '../helpers/backends.js';
import { byteDiff, toHex } from '../helpers/bytes.js';
import { biasedSize, createPrng, payload, type Prng } from '../helpers/random-inputs.js';

const SEED = 0x5eed_2024;
const SENTINEL = 0x3c;
const ALGORITHMS: readonly AeadAlgorithm[] = ['xchacha20poly1305', 'aes256gcm'];
let casesRun = 0;

/** Runs `op` on both backends against identical copies of `dst`; returns the pair. */
function both(
  dst: Uint8Array,
  op: (p: Primitives, dst: Uint8Array) => number,
  native: Primitives,
): { js: number; nat: number; jsDst: Uint8Array; natDst: Uint8Array } {
  const jsDst = dst.slice();
  const natDst = dst.slice();
  casesRun++;
  return { js: op(jsPrimitives, jsDst), nat: op(native, natDst), jsDst, natDst };
}

/** A mismatch line, or null: results must agree; bytes must agree where a span was written. */
function compare(
  label: string,
  r: ReturnType<typeof both>,
  written: { offset: number; length: number } | 'all',
): string | null {
  if (r.js !== r.nat) return `${label}: js=${r.js} native=${r.nat}`;
  if (r.js < 0 && written !== 'all') return null; // failure: span contents unspecified
  const pick = (b: Uint8Array) =>
    written === 'all' ? b : b.subarray(written.offset, written.offset + written.length);
  const diff = byteDiff(pick(r.jsDst), pick(r.natDst));
  return diff === null ? null : `${label}: bytes differ (js vs native) ${diff}`;
}

function capacityNear(rng: Prng, exact: number): number {
  switch (rng.int(6)) {
    case 0: return exact;
    case 1: return Math.max(0, exact - 1);
    case 2: return exact + 1;
    case 3: return rng.int(64);
    case 4: return rng.int(2 * exact + 2);
    default: return exact + 1 + rng.int(70_000);
  }
}

/** A raw deflate stream, mostly valid; else flipped bits, cut, trailing bytes, or noise. */
function inflateInput(rng: Prng): { src: Uint8Array; kind: string; plainLength: number } {
  const plain = payload(rng, biasedSize(rng));
  const z = new Uint8Array(deflateRawSync(plain, { level: rng.int(10) }));
  const r = rng.int(10);
  if (r < 4) return { src: z, kind: 'valid', plainLength: plain.length };
  if (r < 6) {
    const src = z.slice();
    for (let k = 1 + rng.int(3); k > 0; k--) {
      const i = rng.int(src.length);
      src[i] = (src[i] as number) ^ (1 << rng.int(8));
    }
    return { src, kind: 'bit-flipped', plainLength: plain.length };
  }
  if (r < 7) {
    return { src: z.subarray(0, rng.int(z.length)), kind: 'truncated', plainLength: plain.length };
  }
  if (r < 8) {
    const src = Uint8Array.of(...z, ...rng.bytes(1 + rng.int(8)));
    return { src, kind: 'trailing', plainLength: plain.length };
  }
  if (r < 9) return { src: rng.bytes(rng.int(200)), kind: 'noise', plainLength: 0 };
  const head = z.subarray(0, rng.int(z.length + 1));
  const spliced = Uint8Array.of(...head, ...rng.bytes(rng.int(50)));
  return { src: spliced, kind: 'spliced', plainLength: plain.length };
}

const native = nativeLoad.primitives;

describe.runIf(native !== null)('cross-backend byte equality: js vs native', () => {
  const nat = native as Primitives;

  it('crc32: 200 random spans, half with a random seed', () => {
    const rng = createPrng(SEED ^ 1);
    const bad: string[] = [];
    for (let i = 0; i < 200; i++) {
      const n = biasedSize(rng);
      const off = rng.int(16);
      const buf = new Uint8Array(off + n + rng.int(16));
      buf.set(payload(rng, n), off);
      const seed = rng.chance(0.5) ? 0 : rng.u32();
      casesRun++;
      const a = jsPrimitives.crc32(buf, off, n, seed);
      const b = nat.crc32(buf, off, n, seed);
      if (a !== b) bad.push(`case ${i} n=${n} seed=${seed}: js=${a} native=${b}`);
    }
    expect(bad).toEqual([]);
  });

  it('deflateRaw: 200 random payloads, levels 0..9, roomy and tight capacities', () => {
    const rng = createPrng(SEED ^ 2);
    const bad: string[] = [];
    for (let i = 0; i < 200; i++) {
      const n = biasedSize(rng);
      const src = payload(rng, n);
      const level = rng.int(10);
      const exact = deflateRawSync(src, { level }).length;
      const cap = rng.chance(0.6) ? n + 1024 : capacityNear(rng, exact);
      const off = rng.int(8);
      const dst = new Uint8Array(off + cap + 8).fill(SENTINEL);
      const r = both(dst, (p, d) => p.deflateRaw(src, 0, n, d, off, cap, level), nat);
      const label = `case ${i} n=${n} level=${level} cap=${cap}`;
      const line = compare(label, r, { offset: off, length: Math.max(r.js, 0) });
      if (line !== null) bad.push(line);
    }
    expect(bad).toEqual([]);
  });

  it('inflateRaw: 250 valid, bit-flipped, truncated, trailing, noise and spliced streams', () => {
    const rng = createPrng(SEED ^ 3);
    const bad: string[] = [];
    for (let i = 0; i < 250; i++) {
      const { src, kind, plainLength } = inflateInput(rng);
      const cap = capacityNear(rng, plainLength);
      const off = rng.int(8);
      const dst = new Uint8Array(off + cap + 8).fill(SENTINEL);
      const r = both(dst, (p, d) => p.inflateRaw(src, 0, src.length, d, off, cap), nat);
      const head = toHex(src.subarray(0, 24));
      const label = `case ${i} ${kind} plain=${plainLength} cap=${cap} src=${head}…/${src.length}`;
      const line = compare(label, r, { offset: off, length: Math.max(r.js, 0) });
      if (line !== null) bad.push(line);
      for (const [name, d] of [['js', r.jsDst], ['native', r.natDst]] as const) {
        const outside = [...d.subarray(0, off), ...d.subarray(off + cap)];
        if (outside.some((b) => b !== SENTINEL)) bad.push(`${label}: ${name} wrote outside dst`);
      }
    }
    expect(bad).toEqual([]);
  });

  describe.each(ALGORITHMS)('%s', (algorithm) => {
    const nb = jsPrimitives[algorithm].nonceBytes;

    it('seal: 150 random messages, half with AAD, dst compared whole', () => {
      const rng = createPrng(SEED ^ 4 ^ nb);
      const bad: string[] = [];
      for (let i = 0; i < 150; i++) {
        const n = biasedSize(rng);
        const key = rng.bytes(32);
        const nonce = rng.bytes(nb);
        const aad = rng.chance(0.5) ? rng.bytes(rng.int(64)) : null;
        const off = rng.int(8);
        const src = new Uint8Array(off + n + 4);
        src.set(rng.bytes(n), off);
        const dst = new Uint8Array(3 + n + 16 + 5).fill(SENTINEL);
        const r = both(dst, (p, d) => p[algorithm].seal(key, nonce, aad, src, off, n, d, 3), nat);
        const line = compare(`case ${i} n=${n} aad=${aad?.length ?? 'null'}`, r, 'all');
        if (line !== null) bad.push(line);
      }
      expect(bad).toEqual([]);
    });

    it('open: 150 boxes (a third tampered or short), plaintext compared', () => {
      const rng = createPrng(SEED ^ 5 ^ nb);
      const bad: string[] = [];
      for (let i = 0; i < 150; i++) {
        const n = biasedSize(rng);
        let key = rng.bytes(32);
        let nonce = rng.bytes(nb);
        let aad: Uint8Array | null = rng.chance(0.5) ? rng.bytes(1 + rng.int(64)) : null;
        const plain = rng.bytes(n);
        let box = new Uint8Array(n + 16);
        jsPrimitives[algorithm].seal(key, nonce, aad, plain, 0, n, box, 0);
        let how = 'intact';
        if (rng.chance(1 / 3)) {
          const flip = (b: Uint8Array) => {
            const c = b.slice();
            const j = rng.int(c.length);
            c[j] = (c[j] as number) ^ (1 << rng.int(8));
            return c;
          };
          how = rng.pick(['box', 'key', 'nonce', 'aad', 'short']);
          if (how === 'box') box = flip(box);
          if (how === 'key') key = flip(key);
          if (how === 'nonce') nonce = flip(nonce);
          if (how === 'aad') aad = aad === null ? rng.bytes(1) : null;
          if (how === 'short') box = box.subarray(0, rng.int(16));
        }
        const room = Math.max(0, box.length - 16);
        const dst = new Uint8Array(2 + room + 2).fill(SENTINEL);
        const open = (p: Primitives, d: Uint8Array) =>
          p[algorithm].open(key, nonce, aad, box, 0, box.length, d, 2);
        const r = both(dst, open, nat);
        const line = compare(`case ${i} n=${n} ${how}`, r, { offset: 2, length: room });
        if (line !== null) bad.push(line);
      }
      expect(bad).toEqual([]);
    });
  });

  it('batch forms: 8 random batches per primitive give identical results and bytes', () => {
    const rng = createPrng(SEED ^ 6);
    const bad: string[] = [];
    for (let b = 0; b < 8; b++) {
      const count = 1 + rng.int(24);
      const parts = Array.from({ length: count }, () => payload(rng, rng.int(3000)));
      const offsets: number[] = [];
      let at = 0;
      for (const x of parts) {
        offsets.push(at);
        at += x.length;
      }
      const src = new Uint8Array(at);
      parts.forEach((x, i) => src.set(x, offsets[i] as number));
      const lengths = parts.map((x) => x.length);

      // crc32Batch
      const crc = (p: Primitives) => {
        const res = new Uint32Array(count);
        p.crc32Batch(src, Uint32Array.from(offsets), Uint32Array.from(lengths), count, res);
        return [...res];
      };
      casesRun += count;
      const [cj, cn] = [crc(jsPrimitives), crc(nat)];
      if (toHex(Uint8Array.from(cj.flatMap((v) => [v >>> 24, v >>> 16, v >>> 8, v]))) !==
          toHex(Uint8Array.from(cn.flatMap((v) => [v >>> 24, v >>> 16, v >>> 8, v])))) {
        bad.push(`batch ${b} crc32: js=${cj} native=${cn}`);
      }

      // deflateRawBatch then inflateRawBatch of the js output (with some caps too small)
      const level = rng.int(10);
      const zCaps = lengths.map((n) => (rng.chance(0.15) ? rng.int(16) : n + 1024));
      const z = spanBatchPair(src, offsets, lengths, zCaps);
      const zj = z.run(jsPrimitives, (p, bt) => p.deflateRawBatch(bt, level));
      const zn = z.run(nat, (p, bt) => p.deflateRawBatch(bt, level));
      bad.push(...z.diff(`batch ${b} deflate level ${level}`, zj, zn));
      const iLengths = [...zj.results].map((r) => Math.max(r, 0));
      const iCaps = lengths.map((n) => capacityNear(rng, n));
      const i = spanBatchPair(zj.dst, [...zj.dstOffsets], iLengths, iCaps);
      const ij = i.run(jsPrimitives, (p, bt) => p.inflateRawBatch(bt));
      const inn = i.run(nat, (p, bt) => p.inflateRawBatch(bt));
      bad.push(...i.diff(`batch ${b} inflate`, ij, inn));

      for (const algorithm of ALGORITHMS) {
        const nb = jsPrimitives[algorithm].nonceBytes;
        const keys = rng.bytes(32 * 4);
        const nonces = rng.bytes(nb * count);
        const keyIndex = Uint32Array.from(parts, () => rng.int(4));
        const aadLengths = Uint32Array.from(parts, (x) =>
          rng.chance(0.5) ? 0 : rng.int(Math.min(x.length, 40) + 1),
        );
        const extra = { keys, nonces, keyIndex, aadOffsets: Uint32Array.from(offsets), aadLengths };
        const s = spanBatchPair(src, offsets, lengths, lengths.map((n) => n + 16), extra);
        const sj = s.run(jsPrimitives, (p, bt) => p[algorithm].sealBatch(bt as AeadBatch));
        const sn = s.run(nat, (p, bt) => p[algorithm].sealBatch(bt as AeadBatch));
        bad.push(...s.diff(`batch ${b} ${algorithm} seal`, sj, sn));
        // Open the js boxes; AAD spans are read from the box buffer, so point them at 0.
        const boxes = sj.dst.slice();
        if (boxes.length > 0 && rng.chance(0.5)) {
          const j = rng.int(boxes.length);
          boxes[j] = (boxes[j] as number) ^ 1;
        }
        const o = spanBatchPair(boxes, [...sj.dstOffsets], lengths.map((n) => n + 16), lengths, {
          ...extra,
          aadOffsets: new Uint32Array(count),
          aadLengths: Uint32Array.from(aadLengths, (a, k) =>
            Math.min(a, (lengths[k] as number) + 16),
          ),
        });
        const oj = o.run(jsPrimitives, (p, bt) => p[algorithm].openBatch(bt as AeadBatch));
        const on = o.run(nat, (p, bt) => p[algorithm].openBatch(bt as AeadBatch));
        bad.push(...o.diff(`batch ${b} ${algorithm} open`, oj, on));
      }
    }
    expect(bad).toEqual([]);
  });

  it('ran at least 1,000 randomized cross-backend cases', () => {
    console.log(`cross-backend cases: ${casesRun}`);
    expect(casesRun).toBeGreaterThanOrEqual(1000);
  });
});

/** A batch over `src` with dst spans of `caps` laid end to end; run it per backend, diff. */
function spanBatchPair(
  src: Uint8Array,
  srcOffsets: readonly number[],
  srcLengths: readonly number[],
  caps: readonly number[],
  aead?: Pick<AeadBatch, 'keys' | 'nonces' | 'keyIndex' | 'aadOffsets' | 'aadLengths'>,
) {
  const dstOffsets: number[] = [];
  let total = 0;
  for (const c of caps) {
    dstOffsets.push(total);
    total += c;
  }
  const make = (): SpanBatch & Partial<AeadBatch> => ({
    count: caps.length,
    src,
    srcOffsets: Uint32Array.from(srcOffsets),
    srcLengths: Uint32Array.from(srcLengths),
    dst: new Uint8Array(total).fill(SENTINEL),
    dstOffsets: Uint32Array.from(dstOffsets),
    dstCapacities: Uint32Array.from(caps),
    results: new Int32Array(caps.length),
    ...aead,
  });
  return {
    run(p: Primitives, op: (p: Primitives, batch: SpanBatch) => void) {
      const batch = make();
      op(p, batch);
      if (p === jsPrimitives) casesRun += batch.count; // count each op once per pair
      return batch;
    },
    diff(label: string, a: SpanBatch, b: SpanBatch): string[] {
      const out: string[] = [];
      for (let i = 0; i < a.count; i++) {
        const ra = a.results[i] as number;
        const rb = b.results[i] as number;
        if (ra !== rb) {
          out.push(`${label} op ${i}: js=${ra} native=${rb}`);
        } else if (ra >= 0) {
          const o = dstOffsets[i] as number;
          const d = byteDiff(a.dst.subarray(o, o + ra), b.dst.subarray(o, o + ra));
          if (d !== null) out.push(`${label} op ${i}: bytes differ ${d}`);
        }
      }
      return out;
    },
  };
}
