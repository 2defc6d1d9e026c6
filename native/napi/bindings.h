// The N-API entry points; native/addon.cc registers them. Each reads and re-checks its
// arguments (args.h), then calls the plain C++ core (native/*.h).
#pragma once

#include <napi.h>

namespace paperclip::napi {

Napi::Value Crc32(const Napi::CallbackInfo& info);
Napi::Value Crc32Batch(const Napi::CallbackInfo& info);

Napi::Value DeflateRaw(const Napi::CallbackInfo& info);
Napi::Value InflateRaw(const Napi::CallbackInfo& info);
Napi::Value DeflateRawBatch(const Napi::CallbackInfo& info);
Napi::Value InflateRawBatch(const Napi::CallbackInfo& info);

Napi::Value XChaChaSeal(const Napi::CallbackInfo& info);
Napi::Value XChaChaOpen(const Napi::CallbackInfo& info);
Napi::Value XChaChaSealBatch(const Napi::CallbackInfo& info);
Napi::Value XChaChaOpenBatch(const Napi::CallbackInfo& info);
Napi::Value AesGcmSeal(const Napi::CallbackInfo& info);
Napi::Value AesGcmOpen(const Napi::CallbackInfo& info);
Napi::Value AesGcmSealBatch(const Napi::CallbackInfo& info);
Napi::Value AesGcmOpenBatch(const Napi::CallbackInfo& info);

Napi::Value X25519PublicKey(const Napi::CallbackInfo& info);
Napi::Value X25519SharedSecret(const Napi::CallbackInfo& info);
Napi::Value AckWindowCheck(const Napi::CallbackInfo& info);
Napi::Value AckWindowCommit(const Napi::CallbackInfo& info);
Napi::Value AckWindowRecord(const Napi::CallbackInfo& info);
// The UdpEngine class (napi/udp_engine_binding.cc); Linux only.
Napi::Function DefineUdpEngine(Napi::Env env);
}  // namespace paperclip::napi
