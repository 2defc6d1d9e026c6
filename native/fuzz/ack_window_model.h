// The oracle for AckWindowView (native/ack_window.h), shared by the ack_window fuzz target and
// native/test/engine_test.cc: the window is the set of committed values in (top - 1024, top] plus
// the top; sequence ids are widened to the candidate nearest the top (the first one wrap up).
#pragma once
#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "../ack_window.h"

namespace paperclip::fuzz {

struct AckWindowModel {
  std::set<uint64_t> seen;  // pruned to (top - 1024, top]
  int64_t top = -1;

  bool check(uint64_t v) const {
    if (top < 0 || v > static_cast<uint64_t>(top)) return true;
    if (static_cast<uint64_t>(top) - v >= kAckWindowSize) return false;
    return seen.count(v) == 0;
  }
  void commit(uint64_t v) {
    seen.insert(v);
    if (top < 0 || v > static_cast<uint64_t>(top)) top = static_cast<int64_t>(v);
    while (!seen.empty() && *seen.begin() + kAckWindowSize <= static_cast<uint64_t>(top)) seen.erase(seen.begin());
  }
  // the candidate congruent to s in [top - 32768, top + 32767]
  uint64_t unwrap(uint16_t s) const {
    if (top < 0) return uint64_t{s} + 0x10000;
    const uint64_t base = static_cast<uint64_t>(top) - 0x8000;
    return base + ((s - base) & 0xffff);
  }
  uint16_t ackId() const { return static_cast<uint16_t>(top); }
  // bit i = top - 1 - i was received
  uint32_t ackBits() const {
    uint32_t bits = 0;
    for (uint32_t i = 0; i < 32 && top >= 0; i++) {
      const int64_t v = top - 1 - static_cast<int64_t>(i);
      if (v >= 0 && seen.count(static_cast<uint64_t>(v)) != 0) bits |= 1u << i;
    }
    return bits;
  }
};

// Empty when the 36 words are laid out as lib/protocol/ack-window.ts reads them for `m`: [0] any,
// [1] top hi, [2] top lo, [4, 36) bit (v mod 1024) set iff v is committed and in the window.
inline std::string ackWindowLayoutMismatch(const std::vector<uint32_t>& w, const AckWindowModel& m) {
  if (w[0] != (m.top >= 0 ? 1u : 0u)) return "word 0 is " + std::to_string(w[0]);
  if (m.top < 0) return {};
  const auto top = static_cast<uint64_t>(m.top);
  if (w[1] != static_cast<uint32_t>(top >> 32) || w[2] != static_cast<uint32_t>(top)) {
    return "top words " + std::to_string(w[1]) + " " + std::to_string(w[2]) + ", model top " + std::to_string(top);
  }
  std::array<uint32_t, 32> map{};
  for (uint64_t v : m.seen) map[(v % kAckWindowSize) >> 5] |= 1u << (v % 32);
  for (size_t i = 0; i < 32; i++) {
    if (w[4 + i] != map[i]) return "bitmap word " + std::to_string(4 + i) + " (model top " + std::to_string(top) + ")";
  }
  return {};
}

}  // namespace paperclip::fuzz
