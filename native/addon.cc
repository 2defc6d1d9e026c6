// paperclip-net native addon: registration only. Each capability lives in its own file pair
// (crc32, deflate, aead = xchacha + aesgcm); native/napi/ holds their N-API bindings.
#include <napi.h>

#include "napi/bindings.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  using namespace paperclip::napi;
  exports.Set("crc32", Napi::Function::New(env, Crc32, "crc32"));
  exports.Set("crc32Batch", Napi::Function::New(env, Crc32Batch, "crc32Batch"));
  exports.Set("deflateRaw", Napi::Function::New(env, DeflateRaw, "deflateRaw"));
  exports.Set("inflateRaw", Napi::Function::New(env, InflateRaw, "inflateRaw"));
  exports.Set("deflateRawBatch", Napi::Function::New(env, DeflateRawBatch, "deflateRawBatch"));
  exports.Set("inflateRawBatch", Napi::Function::New(env, InflateRawBatch, "inflateRawBatch"));
  exports.Set("xchachaSeal", Napi::Function::New(env, XChaChaSeal, "xchachaSeal"));
  exports.Set("xchachaOpen", Napi::Function::New(env, XChaChaOpen, "xchachaOpen"));
  exports.Set("xchachaSealBatch", Napi::Function::New(env, XChaChaSealBatch, "xchachaSealBatch"));
  exports.Set("xchachaOpenBatch", Napi::Function::New(env, XChaChaOpenBatch, "xchachaOpenBatch"));
  exports.Set("aesGcmSeal", Napi::Function::New(env, AesGcmSeal, "aesGcmSeal"));
  exports.Set("aesGcmOpen", Napi::Function::New(env, AesGcmOpen, "aesGcmOpen"));
  exports.Set("aesGcmSealBatch", Napi::Function::New(env, AesGcmSealBatch, "aesGcmSealBatch"));
  exports.Set("aesGcmOpenBatch", Napi::Function::New(env, AesGcmOpenBatch, "aesGcmOpenBatch"));
  exports.Set("x25519PublicKey", Napi::Function::New(env, X25519PublicKey, "x25519PublicKey"));
  exports.Set("x25519SharedSecret", Napi::Function::New(env, X25519SharedSecret, "x25519SharedSecret"));
  exports.Set("ackWindowCheck", Napi::Function::New(env, AckWindowCheck, "ackWindowCheck"));
  exports.Set("ackWindowCommit", Napi::Function::New(env, AckWindowCommit, "ackWindowCommit"));
  exports.Set("ackWindowRecord", Napi::Function::New(env, AckWindowRecord, "ackWindowRecord"));
#ifdef __linux__
  exports.Set("UdpEngine", DefineUdpEngine(env));
#endif
  return exports;
}

}  // namespace

NODE_API_MODULE(paperclip_native, Init)
