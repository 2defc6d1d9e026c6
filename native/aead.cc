#include "aead.h"

#include <cstdio>

#include "aesgcm.h"
#include "status.h"
#include "xchacha.h"

namespace paperclip {

uint32_t nonceBytes(AeadAlgorithm algorithm) {
  return algorithm == AeadAlgorithm::kXChaCha20Poly1305 ? kXChaChaNonceBytes : kAesGcmNonceBytes;
}

int64_t aeadSeal(AeadAlgorithm algorithm, const uint8_t* key, const uint8_t* nonce, Bytes aad,
                 Bytes src, uint8_t* dst) {
  return algorithm == AeadAlgorithm::kXChaCha20Poly1305
             ? xchachaSeal(key, nonce, aad, src, dst)
             : aesGcmSeal(key, nonce, aad, src, dst);
}

int64_t aeadOpen(AeadAlgorithm algorithm, const uint8_t* key, const uint8_t* nonce, Bytes aad,
                 Bytes src, uint8_t* dst) {
  return algorithm == AeadAlgorithm::kXChaCha20Poly1305
             ? xchachaOpen(key, nonce, aad, src, dst)
             : aesGcmOpen(key, nonce, aad, src, dst);
}

namespace {

std::string itemError(size_t i, const char* what) {
  char msg[160];
  std::snprintf(msg, sizeof msg, "operation %zu: %s", i, what);
  return msg;
}

// The checks beyond checkSpanBatch for operation i: key, AAD span, destination room.
std::string checkAeadItem(const AeadBatchView& b, size_t i, bool sealing) {
  const SpanBatchView& s = b.spans;
  if (b.keyIndex.data[i] >= b.keys.size / kKeyBytes) return itemError(i, "keyIndex out of range");
  if (!spanFits(s.src.size, b.aadOffsets.data[i], b.aadLengths.data[i])) {
    return itemError(i, "aad span exceeds src");
  }
  uint64_t len = s.srcLengths.data[i];
  uint64_t need = sealing ? len + kTagBytes : (len > kTagBytes ? len - kTagBytes : 0);
  if (s.dstCapacities.data[i] < need) return itemError(i, "dst capacity too small");
  return {};
}

}  // namespace

std::string checkAeadBatch(const AeadBatchView& b, AeadAlgorithm algorithm, bool sealing) {
  std::string err = checkSpanBatch(b.spans);
  size_t count = b.spans.count;
  if (err.empty()) err = checkArraySize("keyIndex", b.keyIndex.size, count);
  if (err.empty()) err = checkArraySize("aadOffsets", b.aadOffsets.size, count);
  if (err.empty()) err = checkArraySize("aadLengths", b.aadLengths.size, count);
  if (err.empty() && b.nonces.size / nonceBytes(algorithm) < count) {
    err = "nonces hold fewer than count nonces";
  }
  for (size_t i = 0; err.empty() && i < count; i++) err = checkAeadItem(b, i, sealing);
  return err;
}

void aeadBatch(const AeadBatchView& b, AeadAlgorithm algorithm, bool sealing) {
  const SpanBatchView& s = b.spans;
  const size_t nb = nonceBytes(algorithm);
  for (size_t i = 0; i < s.count; i++) {
    const uint8_t* key = b.keys.data + size_t{b.keyIndex.data[i]} * kKeyBytes;
    const uint8_t* nonce = b.nonces.data + i * nb;
    Bytes aad = subspan(s.src, b.aadOffsets.data[i], b.aadLengths.data[i]);
    Bytes src = subspan(s.src, s.srcOffsets.data[i], s.srcLengths.data[i]);
    uint8_t* dst = s.dst.data + s.dstOffsets.data[i];
    int64_t r = sealing ? aeadSeal(algorithm, key, nonce, aad, src, dst)
                        : aeadOpen(algorithm, key, nonce, aad, src, dst);
    s.results.data[i] = static_cast<int32_t>(r);
  }
}

}  // namespace paperclip
