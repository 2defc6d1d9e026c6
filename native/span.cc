#include "span.h"

#include <cstdio>

namespace paperclip {

std::string checkArraySize(const char* name, size_t size, size_t count) {
  if (size >= count) return {};
  char msg[160];
  std::snprintf(msg, sizeof msg, "%s has %zu entries, batch count is %zu", name, size, count);
  return msg;
}

static std::string spanError(const char* name, size_t i, uint64_t offset, uint64_t length,
                             size_t bufferSize) {
  char msg[200];
  std::snprintf(msg, sizeof msg, "%s[%zu] span [%llu, +%llu) exceeds its buffer of %zu bytes",
                name, i, static_cast<unsigned long long>(offset),
                static_cast<unsigned long long>(length), bufferSize);
  return msg;
}

std::string checkSpanBatch(const SpanBatchView& b) {
  std::string err;
  if (!(err = checkArraySize("srcOffsets", b.srcOffsets.size, b.count)).empty()) return err;
  if (!(err = checkArraySize("srcLengths", b.srcLengths.size, b.count)).empty()) return err;
  if (!(err = checkArraySize("dstOffsets", b.dstOffsets.size, b.count)).empty()) return err;
  if (!(err = checkArraySize("dstCapacities", b.dstCapacities.size, b.count)).empty()) return err;
  if (!(err = checkArraySize("results", b.results.size, b.count)).empty()) return err;
  for (size_t i = 0; i < b.count; i++) {
    uint32_t so = b.srcOffsets.data[i], sl = b.srcLengths.data[i];
    if (!spanFits(b.src.size, so, sl)) return spanError("src", i, so, sl, b.src.size);
    uint32_t d = b.dstOffsets.data[i], dc = b.dstCapacities.data[i];
    if (!spanFits(b.dst.size, d, dc)) return spanError("dst", i, d, dc, b.dst.size);
  }
  return {};
}

}  // namespace paperclip
