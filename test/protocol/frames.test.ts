import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FRAME_HEADER, readFrames, writeFrame } from '../../lib/protocol/frames.js';
import { WireError } from '../../lib/wire/index.js';

describe('message frames', () => {
  it('rejects truncated headers and payloads with 3.0', () => {
    expect(() => readFrames(Uint8Array.of(1, 0, 0, 0))).toThrow(WireError);
    expect(() => readFrames(Uint8Array.of(1, 0, 0, 0, 3, 9, 9))).toThrow(/claims 3 bytes/);
  });

  it('refuses a payload that cannot be framed', () => {
    expect(() => writeFrame(new Uint8Array(70_000), 0, 0, 0, new Uint8Array(65_536))).toThrow(RangeError);
  });

  it('reads back any run of written frames, including empty payloads', () => {
    const frame = fc.record({ channel: fc.integer({ min: 0, max: 255 }), sequence: fc.integer({ min: 0, max: 0xffff }), payload: fc.uint8Array({ maxLength: 300 }) });
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 20 }), (frames) => {
        const buf = new Uint8Array(frames.reduce((n, f) => n + FRAME_HEADER + f.payload.length, 0));
        let at = 0;
        for (const f of frames) at = writeFrame(buf, at, f.channel, f.sequence, f.payload);
        expect(at).toBe(buf.length);
        expect(readFrames(buf)).toEqual(frames);
      }),
      { seed: 5 },
    );
  });

  it('random bytes never throw anything but WireError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (raw) => {
        try {
          readFrames(raw);
        } catch (err) {
          expect(err).toBeInstanceOf(WireError);
        }
      }),
      { seed: 6, numRuns: 5000 },
    );
  });
});
