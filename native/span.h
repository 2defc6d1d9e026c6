// Plain views of caller memory and the bounds checks every entry point runs before reading.
// No N-API here: the core (and native/test) uses these directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace paperclip {

struct Bytes {
  const uint8_t* data = nullptr;
  size_t size = 0;
};

struct MutableBytes {
  uint8_t* data = nullptr;
  size_t size = 0;
  operator Bytes() const { return Bytes{data, size}; }  // NOLINT: writable reads as readable
};

template <typename T>
struct Array {
  T* data = nullptr;
  size_t size = 0;
};

// True when [offset, offset + length) lies inside a buffer of bufferSize bytes (no overflow).
inline bool spanFits(size_t bufferSize, uint64_t offset, uint64_t length) {
  return offset <= bufferSize && length <= bufferSize - offset;
}

inline Bytes subspan(Bytes b, size_t offset, size_t length) {
  return Bytes{b.data + offset, length};
}

inline MutableBytes subspan(MutableBytes b, size_t offset, size_t length) {
  return MutableBytes{b.data + offset, length};
}

// True when the two ranges share at least one byte.
inline bool overlaps(const uint8_t* a, size_t aSize, const uint8_t* b, size_t bSize) {
  if (aSize == 0 || bSize == 0) return false;
  auto pa = reinterpret_cast<uintptr_t>(a);
  auto pb = reinterpret_cast<uintptr_t>(b);
  return pa < pb + bSize && pb < pa + aSize;
}

// Many independent spans over one source and one destination buffer (types.ts SpanBatch).
struct SpanBatchView {
  size_t count = 0;
  Bytes src;
  Array<const uint32_t> srcOffsets, srcLengths;
  MutableBytes dst;
  Array<const uint32_t> dstOffsets, dstCapacities;
  Array<int32_t> results;
};

// Empty when every operation of the batch reads and writes inside its buffers, else why not.
std::string checkSpanBatch(const SpanBatchView& batch);

// "name has N entries, batch count is C" when the array is too short, else empty.
std::string checkArraySize(const char* name, size_t size, size_t count);

}  // namespace paperclip
