/** paperclip-net public API. */
export { primitives, backendName, nativeLoad, jsPrimitives, packageVersion } from './native.js';
export type { NativeLoad } from './native.js';
export { PrimitiveStatus } from './primitives/types.js';
export type {
  Primitives,
  Aead,
  AeadAlgorithm,
  AeadBatch,
  SpanBatch,
  Crc32,
  RawDeflate,
  BackendName,
} from './primitives/types.js';
export * from './wire/index.js';
export { doctorReport } from './cli/doctor.js';
export type { DoctorReport } from './cli/doctor.js';
