// Batch descriptions derived from fuzz input: counts, typed-array lengths and span fields.
// The point of the batch targets is that bogus offsets/lengths are rejected before anything
// is read, so every array is a heap vector of exactly its declared length and every buffer
// exactly its size: a check that lets one bad span through ends in an AddressSanitizer report.
#pragma once

#include <cstdint>
#include <vector>

#include "fuzz_input.h"

namespace paperclip::fuzz {

using U32s = std::vector<uint32_t>;

// A span field drawn before the buffer it refers to has a size (the buffer is the input's
// tail): a selector byte and a raw value, resolved later against the real bound.
struct Draw {
  uint8_t how = 0;
  uint32_t value = 0;
};

inline Draw draw(Reader& r) {
  Draw d;
  d.how = r.u8();
  d.value = r.u32();
  return d;
}

// 12 selectors in 16 land in [0, bound], so batches often pass their checks and run; the rest
// are the values a caller bug or a hostile length field produces: just past the bound, any
// u32, and values near 2^32 that wrap a 32-bit offset + length.
inline uint32_t resolve(Draw d, uint64_t bound) {
  const uint64_t kMax = 0xffffffffu;
  switch (d.how % 16) {
    case 12: {
      uint64_t past = bound + 1 + d.value % 4;
      return static_cast<uint32_t>(past > kMax ? kMax : past);
    }
    case 13: return d.value;
    case 14: return static_cast<uint32_t>(kMax - d.value % 4);
    default: return static_cast<uint32_t>(d.value % (bound + 1));
  }
}

// An (offset, length) pair in a buffer of `size` bytes: the length is drawn against what is
// left after the offset, so both-in-range draws give a span that fits.
struct Span {
  uint32_t offset, length;
};

inline Span resolveSpan(Draw offset, Draw length, uint64_t size) {
  uint32_t o = resolve(offset, size);
  return Span{o, resolve(length, size - (o < size ? o : size))};
}

// A typed array's length from one byte: usually `count`, sometimes longer (fine), sometimes
// shorter (must be rejected).
inline size_t arrayLength(uint8_t b, size_t count) {
  if (b < 0xe0) return count;
  if (b < 0xf0) return count + b % 4;
  return count == 0 ? 0 : b % count;
}

// The first `length` of `values`, padded with 0xffffffff (entries past count are never used).
inline U32s sized(const U32s& values, size_t length) {
  U32s out(length, 0xffffffffu);
  for (size_t i = 0; i < length && i < values.size(); i++) out[i] = values[i];
  return out;
}

// The oracle's own bounds test, in 64-bit arithmetic that cannot wrap.
inline bool fits(uint64_t size, uint64_t offset, uint64_t length) { return offset + length <= size; }

}  // namespace paperclip::fuzz
