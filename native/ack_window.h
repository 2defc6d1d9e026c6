// The receive-side window of lib/protocol/ack-window.ts, on the same 36-word layout so the
// engine and the JS twin can share one connection's state: [0] any committed, [1] highest hi,
// [2] highest lo, [3] ACK bits, [4, 36) a 1024-bit map. Used for packet counters (replay
// protection) and for 16-bit sequence ids widened to 53 bits (duplicates, ACK fields).
#pragma once
#include <cstdint>

namespace paperclip {

constexpr uint32_t kAckWindowWords = 36;
constexpr uint32_t kAckWindowSize = 1024;

class AckWindowView {
 public:
  explicit AckWindowView(uint32_t* words) : w_(words) {}

  // Highest committed value, or -1 before the first.
  int64_t highest() const;
  // True when `value` is neither committed nor older than the window.
  bool check(uint64_t value) const;
  // Records `value`; it must have passed check().
  void commit(uint64_t value);

  uint64_t unwrap(uint16_t sequence) const;
  bool isNew(uint16_t sequence) const { return check(unwrap(sequence)); }
  // False for a duplicate or too-old id; else records it and updates the ACK bits.
  bool record(uint16_t sequence);
  bool hasReceived() const { return w_[0] != 0; }
  uint16_t ackId() const { return static_cast<uint16_t>(w_[2] & 0xffff); }
  uint32_t ackBits() const { return w_[3]; }

 private:
  uint32_t* w_;
};

}  // namespace paperclip
