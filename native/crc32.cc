#include "crc32.h"

#include <zlib.h>

#include <cstdio>

namespace paperclip {

uint32_t crc32(Bytes data, uint32_t seed) {
  // zlib returns 0 for a null pointer whatever the seed; an empty span keeps the seed.
  if (data.size == 0) return seed;
  return static_cast<uint32_t>(crc32_z(seed, data.data, data.size));
}

std::string checkCrcBatch(const CrcBatchView& b) {
  std::string err;
  if (!(err = checkArraySize("offsets", b.offsets.size, b.count)).empty()) return err;
  if (!(err = checkArraySize("lengths", b.lengths.size, b.count)).empty()) return err;
  if (!(err = checkArraySize("results", b.results.size, b.count)).empty()) return err;
  for (size_t i = 0; i < b.count; i++) {
    uint32_t off = b.offsets.data[i], len = b.lengths.data[i];
    if (spanFits(b.buf.size, off, len)) continue;
    char msg[160];
    std::snprintf(msg, sizeof msg, "buf[%zu] span [%u, +%u) exceeds its buffer of %zu bytes", i,
                  off, len, b.buf.size);
    return msg;
  }
  return {};
}

void crc32Batch(const CrcBatchView& b) {
  for (size_t i = 0; i < b.count; i++) {
    b.results.data[i] = crc32(subspan(b.buf, b.offsets.data[i], b.lengths.data[i]), 0);
  }
}

}  // namespace paperclip
