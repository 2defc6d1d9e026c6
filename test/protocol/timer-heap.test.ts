import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimerHeap } from '../../lib/protocol/timer-heap.js';

describe('TimerHeap', () => {
  it('pops in time order for any sequence of pushes and pops', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constant(-1)), { maxLength: 300 }), (ops) => {
        const heap = new TimerHeap<number>();
        const model: number[] = [];
        ops.forEach((op, id) => {
          if (op < 0) {
            model.sort((a, b) => a - b);
            expect(heap.peekTime()).toBe(model[0]);
            model.shift();
            heap.pop();
          } else {
            heap.push(op, id);
            model.push(op);
          }
          expect(heap.size).toBe(model.length);
        });
        const drained: number[] = [];
        for (let t = heap.peekTime(); t !== undefined; t = heap.peekTime()) {
          drained.push(t);
          heap.pop();
        }
        expect(drained).toEqual([...model].sort((a, b) => a - b));
      }),
    );
  });

  it('keeps each item with its own time', () => {
    const heap = new TimerHeap<string>();
    for (const [t, s] of [[5, 'e'], [1, 'a'], [3, 'c'], [2, 'b'], [4, 'd']] as const) heap.push(t, s);
    const out: string[] = [];
    for (let item = heap.peekItem(); item !== undefined; item = heap.peekItem()) {
      out.push(item);
      heap.pop();
    }
    expect(out.join('')).toBe('abcde');
    heap.pop(); // popping an empty heap is a no-op
    expect(heap.size).toBe(0);
  });
});
