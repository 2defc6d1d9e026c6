#include "ack_window.h"

#include <algorithm>

namespace paperclip {
namespace {
constexpr uint32_t kHas = 0, kTopHi = 1, kTopLo = 2, kBits = 3, kMap = 4;
constexpr uint32_t kAckBitsWidth = 32;
}  // namespace

int64_t AckWindowView::highest() const {
  if (w_[kHas] == 0) return -1;
  return static_cast<int64_t>((static_cast<uint64_t>(w_[kTopHi]) << 32) | w_[kTopLo]);
}

bool AckWindowView::check(uint64_t value) const {
  const int64_t top = highest();
  if (top < 0 || value > static_cast<uint64_t>(top)) return true;
  if (static_cast<uint64_t>(top) - value >= kAckWindowSize) return false;
  const uint32_t slot = static_cast<uint32_t>(value % kAckWindowSize);
  return ((w_[kMap + (slot >> 5)] >> (slot & 31)) & 1u) == 0;
}

void AckWindowView::commit(uint64_t value) {
  const int64_t top = highest();
  if (top < 0 || value > static_cast<uint64_t>(top)) {
    // Slots the window advances over belong to values never seen: clear them.
    const uint64_t from = static_cast<uint64_t>(top + 1);
    if (value - from + 1 >= kAckWindowSize) {
      std::fill(w_ + kMap, w_ + kMap + kAckWindowSize / 32, 0u);
    } else {
      for (uint64_t v = from; v < value; ++v) {
        const uint32_t s = static_cast<uint32_t>(v % kAckWindowSize);
        w_[kMap + (s >> 5)] &= ~(1u << (s & 31));
      }
    }
    w_[kHas] = 1;
    w_[kTopHi] = static_cast<uint32_t>(value >> 32);
    w_[kTopLo] = static_cast<uint32_t>(value);
  }
  const uint32_t slot = static_cast<uint32_t>(value % kAckWindowSize);
  w_[kMap + (slot >> 5)] |= 1u << (slot & 31);
}

uint64_t AckWindowView::unwrap(uint16_t sequence) const {
  const int64_t top = highest();
  if (top < 0) return static_cast<uint64_t>(sequence) + 0x10000u;
  // signed 16-bit distance from the newest id, as sequence.ts sequenceDistance
  const int32_t d = static_cast<int32_t>(static_cast<uint16_t>(sequence - static_cast<uint16_t>(top)));
  const int32_t distance = d >= 0x8000 ? d - 0x10000 : d;
  return static_cast<uint64_t>(top + distance);
}

bool AckWindowView::record(uint16_t sequence) {
  const uint64_t extended = unwrap(sequence);
  if (!check(extended)) return false;
  const int64_t top = highest();
  if (top < 0 || extended > static_cast<uint64_t>(top)) {
    const uint64_t shift = top < 0 ? 0 : extended - static_cast<uint64_t>(top);
    if (top < 0 || shift > kAckBitsWidth) {
      w_[kBits] = 0;
    } else {
      const uint32_t moved = shift == kAckBitsWidth ? 0u : w_[kBits] << shift;
      w_[kBits] = moved | (1u << (shift - 1));
    }
  } else {
    const uint64_t age = static_cast<uint64_t>(top) - extended;
    if (age >= 1 && age <= kAckBitsWidth) w_[kBits] |= 1u << (age - 1);
  }
  commit(extended);
  return true;
}

}  // namespace paperclip
