// crc32: crash-freedom and equality with zlib's crc32 and a bitwise CRC on the same bytes,
// from a fuzzed seed, and continuation (crc of a prefix seeds the crc of the rest).
// Input: seed u32 | split u16 | data...
#include <zlib.h>

#include "../../crc32.h"
#include "../fuzz_check.h"
#include "../fuzz_input.h"
#include "../reference.h"

using namespace paperclip;
using namespace paperclip::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* input, size_t size) {
  Reader r(input, size);
  uint32_t seed = r.u32();
  uint16_t split = r.u16();
  Buf data = r.rest();
  Bytes all = view(data);

  uint32_t got = paperclip::crc32(all, seed);
  // zlib's crc32 (not crc32_z, which the core calls) with a non-null pointer even when empty:
  // for an empty span the answer is the seed itself.
  static const uint8_t kNothing = 0;
  const Bytef* p = data.empty() ? &kNothing : data.data();
  uint32_t zlib = static_cast<uint32_t>(::crc32(seed, p, static_cast<uInt>(data.size())));
  FUZZ_CHECK(got == zlib, "core %08x, zlib crc32 %08x, %zu bytes", got, zlib, data.size());
  uint32_t bitwise = bitwiseCrc32(all, seed);
  FUZZ_CHECK(got == bitwise, "core %08x, bitwise %08x", got, bitwise);

  size_t cut = split % (data.size() + 1);
  uint32_t head = paperclip::crc32(Bytes{data.data(), cut}, seed);
  uint32_t joined = paperclip::crc32(Bytes{data.data() + cut, data.size() - cut}, head);
  FUZZ_CHECK(joined == got, "split at %zu: %08x, whole: %08x", cut, joined, got);
  return 0;
}
