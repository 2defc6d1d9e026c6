#include "feedback.h"

namespace paperclip::fuzz {
namespace {

// libFuzzer (Linux) treats every byte of this section as an 8-bit coverage counter.
__attribute__((section("__libfuzzer_extra_counters"), used)) uint8_t counters[1 << 14];

}  // namespace

void feature(uint32_t a, uint32_t b, uint32_t c) {
  uint32_t h = a * 0x9E3779B1u ^ b * 0x85EBCA77u ^ c * 0xC2B2AE3Du;
  h ^= h >> 15;
  uint8_t& counter = counters[h % sizeof counters];
  if (counter != 0xff) counter++;
}

}  // namespace paperclip::fuzz
