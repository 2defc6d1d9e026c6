// Coverage feedback from inside the uninstrumented libraries. libFuzzer keeps an input only
// when it reaches new coverage, but zlib comes from Debian's package, uninstrumented: a
// stream that drives inflate into a new error or a new block structure looks like nothing
// new, and the corpus collapses to a few bytes. feature(...) bumps a counter in the
// __libfuzzer_extra_counters section, which libFuzzer reads as coverage, so inputs that make
// the library do something new (a new outcome, output size class, error message) are kept.
#pragma once

#include <cstddef>
#include <cstdint>

namespace paperclip::fuzz {

// Marks the feature (a, b, c) as reached (hashed into a fixed counter table).
void feature(uint32_t a, uint32_t b = 0, uint32_t c = 0);

// 0 for 0, else 1 + floor(log2(n)): size classes, so "longer" counts as new only by doubling.
inline uint32_t sizeClass(uint64_t n) {
  uint32_t c = 0;
  while (n != 0) n >>= 1, c++;
  return c;
}

}  // namespace paperclip::fuzz
