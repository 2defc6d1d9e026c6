import { describe, expect, it } from 'vitest';
import { FragmentAssembler } from '../../lib/protocol/fragment-assembler.js';
import { WireError } from '../../lib/wire/index.js';

const options = { maxMessageSize: 10_000, maxFragmentPayload: 1000, minFragmentPayload: 1000, memoryCap: 5000, timeoutMs: 1000 };
const part = (n: number, fill: number) => new Uint8Array(n).fill(fill);

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof WireError) return err.code;
    throw err;
  }
  return 'none';
}

describe('FragmentAssembler', () => {
  it('refuses a fragment count that implies a message over the limit (3.6) before buffering', () => {
    const a = new FragmentAssembler(options);
    expect(codeOf(() => a.add(0, 1, 0, 11, part(10, 1), 0))).toBe('3.6');
    expect(a.bufferedBytes).toBe(0);
  });

  it('refuses a fragment count that changes mid-message (3.6) and an oversize fragment (3.5)', () => {
    const a = new FragmentAssembler(options);
    a.add(0, 1, 0, 3, part(10, 1), 0);
    expect(codeOf(() => a.add(0, 1, 1, 4, part(10, 1), 0))).toBe('3.6');
    expect(codeOf(() => a.add(0, 2, 0, 2, part(1001, 1), 0))).toBe('3.5');
  });

  it('stops a fragment bomb at the memory cap', () => {
    const a = new FragmentAssembler(options);
    let code = 'none';
    for (let seq = 0; seq < 100 && code === 'none'; seq++) code = codeOf(() => a.add(0, seq, 0, 10, part(1000, 1), 0));
    expect(code).toBe('3.0');
    expect(a.bufferedBytes).toBeLessThanOrEqual(5000);
  });

  it('reassembles out-of-order fragments and ignores duplicates', () => {
    const a = new FragmentAssembler(options);
    expect(a.add(3, 7, 2, 3, part(5, 3), 0).kind).toBe('incomplete');
    expect(a.add(3, 7, 0, 3, part(1000, 1), 0).kind).toBe('incomplete');
    expect(a.add(3, 7, 0, 3, part(1000, 1), 0).kind).toBe('duplicate');
    const done = a.add(3, 7, 1, 3, part(1000, 2), 0);
    expect(done.kind).toBe('complete');
    if (done.kind !== 'complete') return;
    expect(done.message.length).toBe(2005);
    expect([done.message[0], done.message[1000], done.message[2004]]).toEqual([1, 2, 3]);
    expect(a.bufferedBytes).toBe(0);
  });

  it('discards incomplete messages after the timeout and frees their memory', () => {
    const a = new FragmentAssembler(options);
    a.add(0, 1, 0, 2, part(500, 1), 0);
    a.add(0, 2, 0, 2, part(500, 1), 600);
    expect(a.nextExpiry()).toBe(1000);
    expect(a.expire(1000)).toBe(1);
    expect(a.bufferedBytes).toBe(500);
    expect(a.discardedByTimeout).toBe(1);
  });
});
