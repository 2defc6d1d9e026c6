// inflate: capped raw inflate of arbitrary bytes under a fuzzed cap. The result must be
// exactly what a plain one-pass zlib inflate implies (reference.h): the length and bytes
// when the stream ends cleanly within the cap, TOO_LARGE when more than cap bytes come out
// first, CORRUPT otherwise. dst is a heap buffer of exactly cap bytes, so one byte written
// past the cap is an AddressSanitizer report.
// Input: cap u16 | raw deflate stream...
#include <algorithm>

#include "../../deflate.h"
#include "../../status.h"
#include "../feedback.h"
#include "../fuzz_check.h"
#include "../fuzz_input.h"
#include "../reference.h"

using namespace paperclip;
using namespace paperclip::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* input, size_t size) {
  Reader r(input, size);
  size_t cap = r.u16();
  Buf src = r.rest();

  Buf dst(cap);
  int64_t got = inflateRaw(view(src), view(dst));
  Buf expectedBytes;
  InflateTrace trace;
  int64_t expected = referenceInflate(view(src), cap, &expectedBytes, &trace);
  // What zlib did, as coverage (feedback.h): outcome by block count and by output size class
  // against cap size class, and each distinct error message.
  auto outcome = static_cast<uint32_t>(-std::min<int64_t>(expected, 0));  // 0 ok, 2, 3
  feature(1, outcome, static_cast<uint32_t>(std::min<size_t>(trace.blockStops, 16)));
  feature(2, outcome * 2 + trace.lastBlock, sizeClass(expectedBytes.size()) * 32 + sizeClass(cap));
  uint32_t message = 0;
  for (const char* c = trace.error; c != nullptr && *c != 0; c++) {
    message = message * 31 + static_cast<uint8_t>(*c);
  }
  feature(3, message);
  FUZZ_CHECK(got == expected, "inflateRaw %lld, reference %lld (cap %zu, %zu input bytes)",
             static_cast<long long>(got), static_cast<long long>(expected), cap, src.size());
  if (got >= 0) {
    FUZZ_CHECK(Buf(dst.begin(), dst.begin() + got) == expectedBytes, "inflated bytes differ");
  }
  return 0;
}
