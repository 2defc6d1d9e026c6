// CRC-32 (IEEE 802.3, zlib's polynomial) through zlib's crc32_z.
#pragma once

#include <cstdint>
#include <string>

#include "span.h"

namespace paperclip {

uint32_t crc32(Bytes data, uint32_t seed);

struct CrcBatchView {
  size_t count = 0;
  Bytes buf;
  Array<const uint32_t> offsets, lengths;
  Array<uint32_t> results;
};

// Empty when every span lies inside buf and every array holds count entries, else why not.
std::string checkCrcBatch(const CrcBatchView& batch);

// results[i] = crc32(buf[offsets[i], +lengths[i]), 0). Call checkCrcBatch first.
void crc32Batch(const CrcBatchView& batch);

}  // namespace paperclip
