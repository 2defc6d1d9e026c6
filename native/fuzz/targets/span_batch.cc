// span_batch: inflateRawBatch / deflateRawBatch behind checkSpanBatch. The check must accept
// exactly the batches whose five arrays hold `count` entries and whose src and dst spans lie
// in their buffers (the oracle's own 64-bit test); an accepted batch then gives, item by item,
// the single call's result. src, dst and arrays are exact-size heap vectors.
// Input: mode u8 (bit 0: deflate at level (mode >> 1) % 10, else inflate) | count u8 (mod 9) |
//        5 array-length bytes (srcOffsets, srcLengths, dstOffsets, dstCapacities, results) |
//        dstSize u16 (mod 8192) | count x 4 draws (srcOffset, srcLength, dstOffset,
//        dstCapacity) | src...
#include "../../deflate.h"
#include "../../span.h"
#include "../batch_input.h"
#include "../fuzz_check.h"
#include "../reference.h"

using namespace paperclip;
using namespace paperclip::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* input, size_t size) {
  Reader r(input, size);
  uint8_t mode = r.u8();
  bool deflating = mode & 1;
  int level = (mode >> 1) % 10;
  size_t count = r.u8() % 9;
  size_t length[5];
  for (size_t& n : length) n = arrayLength(r.u8(), count);
  Buf dst(r.u16() % 8192);
  std::vector<Draw> draws;
  for (size_t i = 0; i < 4 * count; i++) draws.push_back(draw(r));
  Buf src = r.rest();

  std::vector<Span> in, out;
  for (size_t i = 0; i < count; i++) {
    in.push_back(resolveSpan(draws[4 * i], draws[4 * i + 1], src.size()));
    out.push_back(resolveSpan(draws[4 * i + 2], draws[4 * i + 3], dst.size()));
  }
  U32s so, sl, dof, dc;
  for (size_t i = 0; i < count; i++) {
    so.push_back(in[i].offset), sl.push_back(in[i].length);
    dof.push_back(out[i].offset), dc.push_back(out[i].length);
  }
  U32s srcOffsets = sized(so, length[0]), srcLengths = sized(sl, length[1]),
       dstOffsets = sized(dof, length[2]), dstCapacities = sized(dc, length[3]);
  std::vector<int32_t> results(length[4]);
  SpanBatchView batch{count, view(src), {srcOffsets.data(), srcOffsets.size()},
                      {srcLengths.data(), srcLengths.size()}, view(dst),
                      {dstOffsets.data(), dstOffsets.size()},
                      {dstCapacities.data(), dstCapacities.size()},
                      {results.data(), results.size()}};

  bool valid = true;
  for (size_t n : length) valid = valid && n >= count;
  for (size_t i = 0; valid && i < count; i++) {
    valid = fits(src.size(), in[i].offset, in[i].length) &&
            fits(dst.size(), out[i].offset, out[i].length);
  }
  std::string err = checkSpanBatch(batch);
  FUZZ_CHECK(err.empty() == valid, "checkSpanBatch said \"%s\", the oracle says %s",
             err.c_str(), valid ? "valid" : "invalid");
  if (!valid) return 0;

  if (deflating) {
    deflateRawBatch(batch, level);
  } else {
    inflateRawBatch(batch);
  }
  for (size_t i = 0; i < count; i++) {  // src is untouched, so each item must repeat alone
    Bytes one{src.data() + in[i].offset, in[i].length};
    Buf room(out[i].length);
    int64_t alone = deflating ? deflateRaw(one, view(room), level) : inflateRaw(one, view(room));
    FUZZ_CHECK(results[i] == alone, "item %zu: batch %d, alone %lld", i, results[i],
               static_cast<long long>(alone));
  }
  return 0;
}
