// deflate_roundtrip: deflateRaw at a fuzzed level into a fuzzed capacity, then inflateRaw.
// It must fit exactly when the one-shot zlib output fits (same bytes: the core's 16 KiB
// output windows only cut level-0 stored blocks differently past 16 KiB, which fuzz inputs
// stay below), TOO_LARGE otherwise, and inflate back to the input under a cap of exactly the
// input length (one byte less: TOO_LARGE).
// Input: level u8 (mod 10) | capMode u8 | capValue u16 | data...
//   capMode mod 4: 0 deflateBound, 1 capValue, 2 the exact reference size, 3 reference - 1 -
//   capValue mod 8 (never fits).
#include <zlib.h>

#include <algorithm>

#include "../../deflate.h"
#include "../../status.h"
#include "../feedback.h"
#include "../fuzz_check.h"
#include "../fuzz_input.h"
#include "../reference.h"

using namespace paperclip;
using namespace paperclip::fuzz;

namespace {

size_t pickCap(uint8_t mode, uint16_t value, size_t inputSize, size_t referenceSize) {
  switch (mode % 4) {
    case 0: return deflateBound(nullptr, inputSize);  // the no-stream bound is looser, still fits
    case 1: return value;
    case 2: return referenceSize;
    default: {
      size_t less = 1 + value % 8;
      return referenceSize > less ? referenceSize - less : 0;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* input, size_t size) {
  Reader r(input, size);
  int level = r.u8() % 10;
  uint8_t capMode = r.u8();
  uint16_t capValue = r.u16();
  Buf data = r.rest();
  if (data.size() >= 16 * 1024) return 0;  // past one output window level 0 may differ

  Buf reference = referenceDeflate(view(data), level);
  // zlib is uninstrumented: report level, input size class and compression ratio class as
  // coverage (feedback.h), so larger and differently compressible inputs are kept.
  feature(level, sizeClass(data.size()), sizeClass(reference.size() * 8 / (data.size() + 1)));
  Buf dst(pickCap(capMode, capValue, data.size(), reference.size()));
  int64_t n = deflateRaw(view(data), view(dst), level);
  if (reference.size() > dst.size()) {
    FUZZ_CHECK(n == kTooLarge, "deflate level %d: %lld into %zu, reference needs %zu", level,
               static_cast<long long>(n), dst.size(), reference.size());
    return 0;
  }
  FUZZ_CHECK(n == static_cast<int64_t>(reference.size()) &&
                 std::equal(reference.begin(), reference.end(), dst.begin()),
             "deflate level %d: %lld bytes, reference %zu bytes (or different bytes)", level,
             static_cast<long long>(n), reference.size());

  Bytes packed{dst.data(), static_cast<size_t>(n)};
  Buf back(data.size());
  int64_t m = inflateRaw(packed, view(back));
  FUZZ_CHECK(m == static_cast<int64_t>(data.size()) && back == data,
             "round trip: inflate gave %lld of %zu bytes", static_cast<long long>(m),
             data.size());
  if (!data.empty()) {
    Buf shortDst(data.size() - 1);
    FUZZ_CHECK(inflateRaw(packed, view(shortDst)) == kTooLarge, "cap - 1 must be TOO_LARGE");
  }
  return 0;
}
