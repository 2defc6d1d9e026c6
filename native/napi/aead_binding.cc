#include "../aead.h"

#include "../status.h"
#include "args.h"
#include "bindings.h"

namespace paperclip::napi {
namespace {

constexpr auto kXChaCha = AeadAlgorithm::kXChaCha20Poly1305;
constexpr auto kAesGcm = AeadAlgorithm::kAes256Gcm;

// (key, nonce, aad | null, src, srcOffset, srcLength, dst, dstOffset) -> length | -1
Napi::Value single(const Napi::CallbackInfo& info, AeadAlgorithm algorithm, bool sealing) {
  Bytes key = exactBytesArg(info, 0, kKeyBytes, "key");
  Bytes nonce = exactBytesArg(info, 1, nonceBytes(algorithm), "nonce");
  Bytes aad = optionalBytesArg(info, 2, "aad");
  uint64_t srcLength = indexArg(info, 5, "srcLength");
  Bytes src = spanArg(info, 3, srcLength, "src");
  uint64_t dstLength = sealing ? srcLength + kTagBytes
                               : (srcLength > kTagBytes ? srcLength - kTagBytes : 0);
  MutableBytes dst = spanArg(info, 6, dstLength, "dst");
  int64_t r = sealing ? aeadSeal(algorithm, key.data, nonce.data, aad, src, dst.data)
                      : aeadOpen(algorithm, key.data, nonce.data, aad, src, dst.data);
  return Napi::Number::New(info.Env(), static_cast<double>(r));
}

// (batch: AeadBatch) -> undefined; fills batch.results
Napi::Value batch(const Napi::CallbackInfo& info, AeadAlgorithm algorithm, bool sealing) {
  Napi::Object object = objectArg(info, 0, "batch");
  AeadBatchView view;
  view.spans = spanBatchArg(object);
  view.keys = bytesField(object, "keys");
  view.nonces = bytesField(object, "nonces");
  view.keyIndex = uint32Field(object, "keyIndex");
  view.aadOffsets = uint32Field(object, "aadOffsets");
  view.aadLengths = uint32Field(object, "aadLengths");
  std::string err = checkAeadBatch(view, algorithm, sealing);
  if (!err.empty()) throwRange(info.Env(), err);
  aeadBatch(view, algorithm, sealing);
  return info.Env().Undefined();
}

}  // namespace

Napi::Value XChaChaSeal(const Napi::CallbackInfo& info) { return single(info, kXChaCha, true); }
Napi::Value XChaChaOpen(const Napi::CallbackInfo& info) { return single(info, kXChaCha, false); }
Napi::Value XChaChaSealBatch(const Napi::CallbackInfo& info) {
  return batch(info, kXChaCha, true);
}
Napi::Value XChaChaOpenBatch(const Napi::CallbackInfo& info) {
  return batch(info, kXChaCha, false);
}
Napi::Value AesGcmSeal(const Napi::CallbackInfo& info) { return single(info, kAesGcm, true); }
Napi::Value AesGcmOpen(const Napi::CallbackInfo& info) { return single(info, kAesGcm, false); }
Napi::Value AesGcmSealBatch(const Napi::CallbackInfo& info) { return batch(info, kAesGcm, true); }
Napi::Value AesGcmOpenBatch(const Napi::CallbackInfo& info) {
  return batch(info, kAesGcm, false);
}

}  // namespace paperclip::napi
