/**
 * Seed corpora for the libFuzzer targets in native/fuzz/targets/, written fresh before each
 * run into a git-ignored directory: a few hand-written cases per target plus the real packets
 * of docs/PROTOCOL.md §10, framed in each target's input layout (documented at the top of its
 * .cc file). The packets are read from the doc, not copied, so the seeds follow the doc.
 */
import { createCipheriv } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';

interface DocExample {
  readonly name: string;
  readonly bytes: Buffer;
  /** The encrypted example's key, nonce and the length of its sealed data, when present. */
  readonly open?: { readonly key: Buffer; readonly nonce: Buffer; readonly sealedLength: number };
}

/** The `<!-- example: name -->` hex blocks, found as test/wire/protocol-doc.test.ts finds them. */
export function docExamples(root: string): DocExample[] {
  const doc = readFileSync(join(root, 'docs', 'PROTOCOL.md'), 'utf8');
  const pattern = /<!-- example: (\w+) -->\s*```hex\n([\s\S]*?)```\s*```json\n([\s\S]*?)```/g;
  const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
  return [...doc.matchAll(pattern)].map((m) => {
    const json = JSON.parse(m[3] as string) as { data: string; open?: { key: string; nonce: string } };
    const example: DocExample = { name: m[1] as string, bytes: hex(m[2] as string) };
    if (json.open === undefined) return example;
    return { ...example, open: { key: hex(json.open.key), nonce: hex(json.open.nonce), sealedLength: json.data.length / 2 } };
  });
}

const u8 = (v: number): Buffer => Buffer.from([v & 0xff]);
const u16 = (v: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v & 0xffff);
  return b;
};
const u32 = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
};
/** A batch_input.h draw that resolves to exactly `v` (selector 0: v % (bound + 1), v <= bound). */
const draw = (v: number): Buffer => Buffer.concat([u8(0), u32(v)]);
const cat = (...parts: Buffer[]): Buffer => Buffer.concat(parts);

/** aead_open.h's and aead_batch.cc's fixed key 00 01 .. 1f. */
const KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => i));

function aesGcmSeal(nonce: Buffer, aad: Buffer, plain: Buffer): Buffer {
  const c = createCipheriv('aes-256-gcm', KEY, nonce, { authTagLength: 16 });
  c.setAAD(aad);
  return cat(c.update(plain), c.final(), c.getAuthTag());
}

type Seeds = Record<string, Buffer[]>;

/** Every target's seeds; `packets` are the doc's examples. */
function seedsFor(examples: readonly DocExample[]): Seeds {
  const packets = examples.map((e) => e.bytes);
  const emptyStream = Buffer.from([0x03, 0x00]);
  const seeds: Seeds = {
    // seed u32 | split u16 | data: the CRC-32 check value, then each packet split after its header
    crc32: [cat(u32(0), u16(4), Buffer.from('123456789')), ...packets.map((p) => cat(u32(0), u16(4), p))],
    // count 2, full-length arrays, spans [0, 4) and [8, end) of the packet
    crc32_batch: packets.map((p) => cat(u8(2), u8(0), u8(0), u8(0), draw(0), draw(4), draw(8), draw(p.length - 8), p)),
    // cap u16 | stream: exact cap (fits), cap - 1 (TOO_LARGE), the stream cut short (CORRUPT)
    inflate: [
      cat(u16(0), emptyStream),
      ...packets.flatMap((p) => {
        const z = deflateRawSync(p);
        return [cat(u16(p.length), z), cat(u16(p.length - 1), z), cat(u16(p.length), z.subarray(0, z.length - 1))];
      }),
    ],
    // level | capMode | capValue | data: bound, exact size and one byte short
    deflate_roundtrip: packets.flatMap((p) => [cat(u8(6), u8(0), u16(0), p), cat(u8(0), u8(2), u16(0), p), cat(u8(9), u8(3), u16(0), p)]),
    span_batch: packets.flatMap((p) => {
      const z = deflateRawSync(p);
      const lengths = [0, 0, 0, 0, 0].map(u8);
      // inflate: both items inflate the same stream into the two halves of dst
      const inflate = cat(u8(0), u8(2), ...lengths, u16(2 * p.length), draw(0), draw(z.length), draw(0), draw(p.length), draw(0), draw(z.length), draw(p.length), draw(p.length), z);
      // deflate at level 6: header and body of the packet, each with room to spare
      const deflate = cat(u8(1 | (6 << 1)), u8(2), ...lengths, u16(4 * p.length + 64), draw(0), draw(4), draw(0), draw(32), draw(4), draw(p.length - 4), draw(64), draw(4 * p.length), p);
      return [inflate, deflate];
    }),
    xchacha_open: [],
    aesgcm_open: [],
    aead_roundtrip: [],
    aead_batch: [],
  };
  for (const p of packets) {
    const header = p.subarray(0, 4);
    const body = p.subarray(4);
    const gcmNonce = Buffer.alloc(12, 7);
    // nonce | aadLength | aad | sealed: a genuine AES-GCM packet (opens) and one that does not
    (seeds.aesgcm_open as Buffer[]).push(cat(gcmNonce, u8(4), header, aesGcmSeal(gcmNonce, header, body)));
    (seeds.xchacha_open as Buffer[]).push(cat(Buffer.alloc(24), u8(4), header, body));
    for (const alg of [0, 1]) {
      const nonce = Buffer.alloc(alg === 1 ? 12 : 24, 9);
      // mode | nonce | aadLength | aad | shift | flipAt | flipBit | plaintext: in place, shifted
      // either way (overlap), flipping a byte of the packet, of the AAD and of the nonce
      for (const [shift, flipBit] of [[128, 0], [129, 8], [128 - 17, 16], [255, 3]] as const) {
        (seeds.aead_roundtrip as Buffer[]).push(cat(u8(alg), nonce, u8(4), header, u8(shift), u16(5), u8(flipBit), body));
      }
    }
    // AES-GCM seal batch: header as AAD of both items, body and whole packet sealed into dst
    const aeadLengths = [0, 0, 0, 0, 0, 0, 0, 0].map(u8);
    const items = cat(
      draw(4), draw(p.length - 4), draw(0), draw(p.length + 16), draw(0), draw(0), draw(4),
      draw(0), draw(p.length), draw(p.length + 16), draw(p.length + 16), draw(1), draw(0), draw(0),
    );
    (seeds.aead_batch as Buffer[]).push(cat(u8(1 | 2), u8(2), ...aeadLengths, u8(64), u8(2), Buffer.alloc(24, 5), u16(2 * p.length + 32), items, p));
  }
  for (const e of examples) {
    if (e.open === undefined || !e.open.key.equals(KEY)) continue;
    // The doc's encrypted packet: it opens under the fixed key, so its mutations probe tampering.
    const headerLength = e.bytes.length - e.open.sealedLength;
    const aad = e.bytes.subarray(0, headerLength);
    const sealed = e.bytes.subarray(headerLength);
    (seeds.xchacha_open as Buffer[]).push(cat(e.open.nonce, u8(aad.length), aad, sealed));
    // XChaCha open batch of that one packet: src = the packet, AAD = its header, key 0
    const lengths = [0, 0, 0, 0, 0, 0, 0, 0].map(u8);
    const item = cat(draw(headerLength), draw(sealed.length), draw(0), draw(sealed.length), draw(0), draw(0), draw(headerLength));
    (seeds.aead_batch as Buffer[]).push(cat(u8(0), u8(1), ...lengths, u8(32), u8(2), e.open.nonce, u16(sealed.length), item, e.bytes));
  }
  return seeds;
}

/**
 * Brings `<dir>/<target>/seed-N` in line with the current seeds of every target in `targets`.
 * Unchanged files are left alone and changed ones replaced by rename, so a fuzzer of a run
 * started a moment earlier never finds a seed half written or gone.
 */
export function writeSeeds(root: string, dir: string, targets: readonly string[]): number {
  const seeds = seedsFor(docExamples(root));
  let written = 0;
  for (const target of targets) {
    const targetDir = join(dir, target);
    mkdirSync(targetDir, { recursive: true });
    const wanted = new Map((seeds[target] ?? []).map((seed, i) => [`seed-${i}`, seed]));
    for (const name of readdirSync(targetDir)) {
      if (!wanted.has(name)) rmSync(join(targetDir, name), { force: true });
    }
    for (const [name, seed] of wanted) {
      const path = join(targetDir, name);
      if (existsSync(path) && readFileSync(path).equals(seed)) continue;
      writeFileSync(`${path}.${process.pid}.tmp`, seed);
      renameSync(`${path}.${process.pid}.tmp`, path);
      written++;
    }
  }
  return written;
}
