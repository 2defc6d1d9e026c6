/**
 * native/ack_window.cc and lib/protocol/ack-window.ts on the same operations: identical answers
 * and identical state words after every step (the engine and the JS core share these words on
 * the native path, so any difference would corrupt a connection's replay or ACK state).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nativeLoad } from '../../lib/native.js';
import { AckWindow, ACK_WINDOW_WORDS } from '../../lib/protocol/ack-window.js';

// Skipped (reason) where the addon does not load (the js-fallback project): there is no C++ twin to compare.
const addon = nativeLoad.addon;

type Op = { kind: 'counter'; value: number } | { kind: 'sequence'; value: number };

const ops = fc.array(
  fc.oneof(
    // counters: near the start, a mid range, and near 2^53 (the 32-bit word split matters there)
    fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 2 ** 32 - 3000, max: 2 ** 32 + 3000 }), fc.integer({ min: 2 ** 53 - 4000, max: 2 ** 53 - 1 })).map((value): Op => ({ kind: 'counter', value })),
    fc.integer({ min: 0, max: 0xffff }).map((value): Op => ({ kind: 'sequence', value })),
  ),
  { maxLength: 300 },
);

describe.skipIf(addon === null)('ack window: native and JS twins', () => {
  it('give the same answers and leave the same words, over counters and sequence ids', () => {
    const native = addon as NonNullable<typeof addon>;
    fc.assert(
      fc.property(fc.boolean(), ops, (sequences, list) => {
        const js = new AckWindow();
        const words = new Uint32Array(ACK_WINDOW_WORDS);
        for (const op of list) {
          // one window is used either for counters or for sequence ids, never both
          if (sequences) {
            if (op.kind !== 'sequence') continue;
            expect(native.ackWindowRecord(words, op.value)).toBe(js.record(op.value));
          } else {
            if (op.kind !== 'counter') continue;
            const fresh = js.check(op.value);
            expect(native.ackWindowCheck(words, op.value)).toBe(fresh);
            if (fresh) {
              js.commit(op.value);
              native.ackWindowCommit(words, op.value);
            }
          }
          expect(Array.from(words)).toEqual(Array.from(js.words));
        }
      }),
      { seed: 6, numRuns: 400 },
    );
  });

  it('agree on runs of consecutive sequence ids across the 16-bit wrap', () => {
    const native = addon as NonNullable<typeof addon>;
    const js = new AckWindow();
    const words = new Uint32Array(ACK_WINDOW_WORDS);
    for (let i = 0; i < 70_000; i += 1 + (i % 7 === 0 ? 3 : 0)) {
      const s = i & 0xffff;
      expect(native.ackWindowRecord(words, s)).toBe(js.record(s));
    }
    expect(Array.from(words)).toEqual(Array.from(js.words));
    expect(js.ackId).toBe((words[2] as number) & 0xffff);
  });

  it('refuses a commit that check() refuses, rather than corrupting the window', () => {
    const native = addon as NonNullable<typeof addon>;
    const words = new Uint32Array(ACK_WINDOW_WORDS);
    native.ackWindowCommit(words, 5);
    expect(() => native.ackWindowCommit(words, 5)).toThrow(RangeError);
    expect(() => native.ackWindowCheck(new Uint32Array(8), 1)).toThrow(RangeError);
  });
});
