/**
 * Every primitive backend that loaded in this process: always the JS twin, plus the native
 * addon when it is built. Shared suites run `describe.each(backends)`.
 */
import { jsPrimitives, nativeLoad } from '../../lib/native.js';
import type { Primitives } from '../../lib/primitives/types.js';

export const backends: readonly Primitives[] = [jsPrimitives, nativeLoad.primitives].filter(
  (p): p is Primitives => p !== null,
);

export { jsPrimitives, nativeLoad };
