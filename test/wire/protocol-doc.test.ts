import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot, primitives } from '../../lib/native.js';
import { decodePacket, headerLength, PacketType } from '../../lib/wire/index.js';

interface Example {
  name: string;
  bytes: Uint8Array;
  expected: Record<string, unknown>;
}

const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function readExamples(): Example[] {
  const doc = readFileSync(join(packageRoot, 'docs', 'PROTOCOL.md'), 'utf8');
  const pattern = /<!-- example: (\w+) -->\s*```hex\n([\s\S]*?)```\s*```json\n([\s\S]*?)```/g;
  return [...doc.matchAll(pattern)].map((m) => ({
    name: m[1] as string,
    bytes: fromHex(m[2] as string),
    expected: JSON.parse(m[3] as string) as Record<string, unknown>,
  }));
}

/** The decoded packet in the doc's JSON form: byte fields as hex. */
function asJson(p: ReturnType<typeof decodePacket>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(p).map(([k, v]) => [k, v instanceof Uint8Array ? toHex(v) : v]),
  );
}

describe('docs/PROTOCOL.md hex examples', () => {
  const examples = readExamples();

  it('has one example per packet type plus an encrypted one', () => {
    const types = new Set(examples.map((e) => decodePacket(e.bytes).type));
    expect(types).toEqual(new Set(Object.values(PacketType)));
    expect(examples.map((e) => e.name)).toContain('encrypted');
  });

  it.each(readExamples().map((e) => [e.name, e] as const))('%s decodes to the documented fields', (_name, example) => {
    const { open, ...fields } = example.expected as { open?: Record<string, string> };
    const packet = decodePacket(example.bytes);
    expect(asJson(packet)).toEqual(fields);
    if (open !== undefined) {
      const aead = primitives.xchacha20poly1305;
      const aadLength = headerLength(packet);
      const plaintext = new Uint8Array(packet.data.length - aead.tagBytes);
      const n = aead.open(
        fromHex(open.key as string),
        fromHex(open.nonce as string),
        example.bytes.subarray(0, aadLength),
        packet.data,
        0,
        packet.data.length,
        plaintext,
        0,
      );
      expect(n).toBe(plaintext.length);
      expect(toHex(plaintext)).toBe(open.plaintext);
    }
  });
});
