// aead_batch: aeadBatch behind checkAeadBatch, both algorithms, seal and open. The check must
// accept exactly the batches the oracle's own 64-bit test accepts: eight arrays of `count`
// entries, src/dst/AAD spans inside their buffers, keyIndex selecting a whole key, nonces
// covering count, dst capacity for the output. An accepted batch then gives each item's
// single-call result and bytes (where no later item overwrote them). In alias mode dst is the
// src buffer itself, as a JS caller may pass two views of one ArrayBuffer: then only
// crash-freedom and the result range are checked. Buffers and arrays are exact-size heap
// vectors.
// Input: mode u8 (bit 0 AES-256-GCM, bit 1 seal, bit 2 alias) | count u8 (mod 9) |
//        8 array-length bytes | keysSize u8 (mod 129) | nonceSlack u8 (mod 5) |
//        nonces (count x nonceBytes + nonceSlack - 2 bytes) | dstSize u16 (mod 4096) |
//        count x 7 draws (srcOffset, srcLength, dstOffset, dstCapacity, keyIndex, aadOffset,
//        aadLength) | src...
// keys[i] = i, so key 0 is 00 01 .. 1f, the key of PROTOCOL.md's encrypted example, and that
// packet opens in a batch seed.
#include <algorithm>

#include "../../aead.h"
#include "../../status.h"
#include "../batch_input.h"
#include "../fuzz_check.h"
#include "../reference.h"

using namespace paperclip;
using namespace paperclip::fuzz;

namespace {

struct Item {
  Span src, dst, aad;
  uint32_t keyIndex;
};

size_t written(const Item& item, bool sealing) {
  size_t n = item.src.length;
  return sealing ? n + kTagBytes : (n > kTagBytes ? n - kTagBytes : 0);
}

Buf countingKeys(size_t n) {
  Buf b(n);
  for (size_t i = 0; i < n; i++) b[i] = static_cast<uint8_t>(i);
  return b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* input, size_t size) {
  Reader r(input, size);
  uint8_t mode = r.u8();
  auto alg = mode & 1 ? AeadAlgorithm::kAes256Gcm : AeadAlgorithm::kXChaCha20Poly1305;
  bool sealing = mode & 2, alias = mode & 4;
  size_t count = r.u8() % 9, nb = nonceBytes(alg);
  size_t length[8];
  for (size_t& n : length) n = arrayLength(r.u8(), count);
  Buf keys = countingKeys(r.u8() % 129);  // not always a whole number of keys
  size_t nonceSlack = r.u8() % 5;         // nonces 2 bytes short .. 2 bytes long
  Buf nonces = r.bytes(count * nb + nonceSlack >= 2 ? count * nb + nonceSlack - 2 : 0);
  Buf ownDst(r.u16() % 4096);
  std::vector<Draw> d;
  for (size_t i = 0; i < 7 * count; i++) d.push_back(draw(r));
  Buf src = r.rest();
  Buf& dst = alias ? src : ownDst;

  std::vector<Item> items;
  U32s so, sl, dof, dc, ki, ao, al;
  for (size_t i = 0; i < count; i++) {
    const Draw* x = &d[7 * i];
    Item it{resolveSpan(x[0], x[1], src.size()), resolveSpan(x[2], x[3], dst.size()),
            resolveSpan(x[5], x[6], src.size()), resolve(x[4], keys.size() / kKeyBytes)};
    items.push_back(it);
    so.push_back(it.src.offset), sl.push_back(it.src.length);
    dof.push_back(it.dst.offset), dc.push_back(it.dst.length);
    ki.push_back(it.keyIndex), ao.push_back(it.aad.offset), al.push_back(it.aad.length);
  }
  U32s srcOffsets = sized(so, length[0]), srcLengths = sized(sl, length[1]),
       dstOffsets = sized(dof, length[2]), dstCapacities = sized(dc, length[3]),
       keyIndex = sized(ki, length[4]), aadOffsets = sized(ao, length[5]),
       aadLengths = sized(al, length[6]);
  std::vector<int32_t> results(length[7]);
  AeadBatchView batch;
  batch.spans = SpanBatchView{count, view(src), {srcOffsets.data(), srcOffsets.size()},
                              {srcLengths.data(), srcLengths.size()}, view(dst),
                              {dstOffsets.data(), dstOffsets.size()},
                              {dstCapacities.data(), dstCapacities.size()},
                              {results.data(), results.size()}};
  batch.keys = view(keys);
  batch.keyIndex = {keyIndex.data(), keyIndex.size()};
  batch.nonces = view(nonces);
  batch.aadOffsets = {aadOffsets.data(), aadOffsets.size()};
  batch.aadLengths = {aadLengths.data(), aadLengths.size()};

  bool valid = nonces.size() >= count * nb;
  for (size_t n : length) valid = valid && n >= count;
  for (size_t i = 0; valid && i < count; i++) {
    const Item& it = items[i];
    valid = fits(src.size(), it.src.offset, it.src.length) &&
            fits(dst.size(), it.dst.offset, it.dst.length) &&
            fits(src.size(), it.aad.offset, it.aad.length) &&
            it.keyIndex < keys.size() / kKeyBytes && it.dst.length >= written(it, sealing);
  }
  std::string err = checkAeadBatch(batch, alg, sealing);
  FUZZ_CHECK(err.empty() == valid, "checkAeadBatch said \"%s\", the oracle says %s",
             err.c_str(), valid ? "valid" : "invalid");
  if (!valid) return 0;

  // Each item alone, before the batch runs (in alias mode the batch rewrites src).
  std::vector<int64_t> expected;
  std::vector<Buf> expectedBytes;
  for (size_t i = 0; i < count; i++) {
    const Item& it = items[i];
    Buf one(written(it, sealing));
    const uint8_t* key = keys.data() + size_t{it.keyIndex} * kKeyBytes;
    Bytes aad{src.data() + it.aad.offset, it.aad.length};
    Bytes in{src.data() + it.src.offset, it.src.length};
    expected.push_back(sealing ? aeadSeal(alg, key, nonces.data() + i * nb, aad, in, one.data())
                               : aeadOpen(alg, key, nonces.data() + i * nb, aad, in, one.data()));
    expectedBytes.push_back(std::move(one));
  }
  aeadBatch(batch, alg, sealing);
  for (size_t i = 0; i < count; i++) {
    int64_t want = static_cast<int64_t>(written(items[i], sealing));
    if (alias) {
      FUZZ_CHECK(results[i] == want || (!sealing && results[i] == kAuthFailed),
                 "alias item %zu: result %d", i, results[i]);
      continue;
    }
    FUZZ_CHECK(results[i] == expected[i], "item %zu: batch %d, alone %lld", i, results[i],
               static_cast<long long>(expected[i]));
    bool overwritten = false;  // by a later item's output
    for (size_t j = i + 1; j < count; j++) {
      overwritten = overwritten || overlaps(dst.data() + items[i].dst.offset, written(items[i], sealing),
                                            dst.data() + items[j].dst.offset, written(items[j], sealing));
    }
    const Buf& bytes = expectedBytes[i];
    FUZZ_CHECK(overwritten || std::equal(bytes.begin(), bytes.end(), dst.data() + items[i].dst.offset),
               "item %zu: batch output differs from the single call", i);
  }
  return 0;
}
