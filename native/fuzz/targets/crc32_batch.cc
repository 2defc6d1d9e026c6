// crc32_batch: checkCrcBatch accepts exactly the batches whose arrays hold `count` entries
// and whose spans lie in buf (the oracle's own 64-bit test), and crc32Batch then gives each
// span's single-call CRC. buf and arrays are exact-size heap vectors (see batch_input.h).
// Input: count u8 (mod 17) | 3 array-length bytes (offsets, lengths, results) |
//        count x (offset draw, length draw) | buf...
#include "../../crc32.h"
#include "../batch_input.h"
#include "../fuzz_check.h"
#include "../reference.h"

using namespace paperclip;
using namespace paperclip::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* input, size_t size) {
  Reader r(input, size);
  size_t count = r.u8() % 17;
  size_t nOffsets = arrayLength(r.u8(), count), nLengths = arrayLength(r.u8(), count),
         nResults = arrayLength(r.u8(), count);
  std::vector<Draw> draws;
  for (size_t i = 0; i < 2 * count; i++) draws.push_back(draw(r));
  Buf buf = r.rest();

  U32s offs, lens;
  for (size_t i = 0; i < count; i++) {
    Span s = resolveSpan(draws[2 * i], draws[2 * i + 1], buf.size());
    offs.push_back(s.offset);
    lens.push_back(s.length);
  }
  U32s offsets = sized(offs, nOffsets), lengths = sized(lens, nLengths), results(nResults);
  CrcBatchView batch{count, view(buf), {offsets.data(), offsets.size()},
                     {lengths.data(), lengths.size()}, {results.data(), results.size()}};

  bool valid = nOffsets >= count && nLengths >= count && nResults >= count;
  for (size_t i = 0; valid && i < count; i++) valid = fits(buf.size(), offs[i], lens[i]);
  std::string err = checkCrcBatch(batch);
  FUZZ_CHECK(err.empty() == valid, "checkCrcBatch said \"%s\", the oracle says %s", err.c_str(),
             valid ? "valid" : "invalid");
  if (!valid) return 0;

  crc32Batch(batch);
  for (size_t i = 0; i < count; i++) {
    Bytes span{buf.data() + offs[i], lens[i]};
    FUZZ_CHECK(results[i] == bitwiseCrc32(span, 0), "crc32Batch result %zu", i);
  }
  return 0;
}
