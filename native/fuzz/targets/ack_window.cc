// ack_window: AckWindowView under fuzzed operation sequences, against a plain model (the set of
// committed values in (top - 1024, top] and the top). Two windows on exact-size 36-word heap
// arrays: one for packet counters (check, then commit when new: jumps within, around and far
// beyond 1024, up to 2^53 - 1), one for 16-bit sequence ids (unwrap, isNew, record across
// wrap-around). After every operation: same answers, same top, and the words laid out as
// lib/protocol/ack-window.ts reads them ([0] any, [1]/[2] top, [3] ACK bits = ids top-1-i
// received, [4, 36) bit v mod 1024 set iff v committed and in the window). Any divergence aborts.
// Input: start u8 (counter base: 0, 2^32 - 512, 2^53 - 4096 or a u32 << 16) [u32] |
//        ops: code u8 (low 3 bits: operation, bit 7: check without commit) + arg u16 [+ u32]
#include <string>
#include <vector>

#include "../../ack_window.h"
#include "../ack_window_model.h"
#include "../fuzz_check.h"
#include "../fuzz_input.h"

using namespace paperclip;
using namespace paperclip::fuzz;

namespace {

constexpr uint64_t kMax53 = (uint64_t{1} << 53) - 1;

void compareLayout(const std::vector<uint32_t>& w, const AckWindowModel& m, const char* which) {
  const std::string why = ackWindowLayoutMismatch(w, m);
  FUZZ_CHECK(why.empty(), "%s: %s", which, why.c_str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* input, size_t size) {
  Reader r(input, size);
  const uint8_t start = r.u8();
  uint64_t base = 0;
  switch (start % 4) {
    case 0: base = 0; break;
    case 1: base = 0xffffffffull - 512; break;
    case 2: base = kMax53 - 4096; break;
    default: base = uint64_t{r.u32()} << 16; break;
  }
  std::vector<uint32_t> counterWords(kAckWindowWords), sequenceWords(kAckWindowWords);
  AckWindowView counters(counterWords.data()), sequences(sequenceWords.data());
  AckWindowModel cm, sm;

  // Reader yields zeros past the end, so bound the loop by the input itself.
  for (size_t op = 0; op < size / 3; op++) {
    const uint8_t code = r.u8();
    const uint16_t arg = r.u16();
    const bool commit = (code & 0x80) == 0;
    const uint64_t top = cm.top < 0 ? base : static_cast<uint64_t>(cm.top);
    uint64_t v = 0;
    bool counterOp = true;
    switch (code & 7) {
      case 0: v = top + 1 + arg % 4; break;                                // in order
      case 1: v = top - std::min<uint64_t>(top, arg % 2048); break;        // reordered, duplicate, too old
      case 2: v = top + arg; break;                                        // jumps up to 65535
      case 3: v = top + (uint64_t{r.u32()} << (arg % 24)); break;          // far jumps
      case 4: v = kMax53 - arg % 4096; break;                              // the end of the counter space
      case 5: v = top - std::min<uint64_t>(top, 1020 + arg % 8); break;    // the window's edge
      default: counterOp = false; break;
    }
    if (counterOp) {
      v = std::min(v, kMax53);
      const bool isNew = counters.check(v);
      FUZZ_CHECK(isNew == cm.check(v), "check(%llu) = %d, model %d (top %lld)", static_cast<unsigned long long>(v), isNew,
                 !isNew, static_cast<long long>(cm.top));
      if (isNew && commit) {
        counters.commit(v);
        cm.commit(v);
      }
      FUZZ_CHECK(counters.highest() == cm.top, "highest %lld, model %lld", static_cast<long long>(counters.highest()),
                 static_cast<long long>(cm.top));
      compareLayout(counterWords, cm, "counters");
      continue;
    }
    // sequence ids: 6 = an absolute id, 7 = relative to the ack id (signed)
    const uint16_t s = (code & 7) == 6 ? arg : static_cast<uint16_t>((sm.top < 0 ? 0 : sm.top) + static_cast<int16_t>(arg));
    const uint64_t ext = sm.unwrap(s);
    FUZZ_CHECK(sequences.unwrap(s) == ext, "unwrap(%u) = %llu, model %llu", s,
               static_cast<unsigned long long>(sequences.unwrap(s)), static_cast<unsigned long long>(ext));
    const bool fresh = sm.check(ext);
    FUZZ_CHECK(sequences.isNew(s) == fresh, "isNew(%u) = %d, model %d", s, !fresh, fresh);
    if (commit) {
      const bool recorded = sequences.record(s);
      FUZZ_CHECK(recorded == fresh, "record(%u) = %d, model %d", s, recorded, fresh);
      if (fresh) sm.commit(ext);
    }
    FUZZ_CHECK(sequences.highest() == sm.top && sequences.hasReceived() == (sm.top >= 0), "sequence top %lld, model %lld",
               static_cast<long long>(sequences.highest()), static_cast<long long>(sm.top));
    if (sm.top >= 0) {
      FUZZ_CHECK(sequences.ackId() == sm.ackId() && sequences.ackBits() == sm.ackBits() &&
                     sequenceWords[3] == sm.ackBits(),
                 "ack id %u bits %08x, model %u %08x", sequences.ackId(), sequences.ackBits(),
                 static_cast<unsigned>(static_cast<uint16_t>(sm.top)), sm.ackBits());
    }
    compareLayout(sequenceWords, sm, "sequences");
  }
  return 0;
}
