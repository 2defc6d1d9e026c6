#include "../x25519.h"
#include "args.h"
#include "bindings.h"

namespace paperclip::napi {

// x25519PublicKey(priv: 32 B, out: 32 B) → 0 | AUTH_FAILED
Napi::Value X25519PublicKey(const Napi::CallbackInfo& info) {
  const Bytes priv = exactBytesArg(info, 0, 32, "privateKey");
  MutableBytes out = bytesArg(info, 1, "out");
  if (out.size != 32) throwRange(info.Env(), "out must be 32 bytes");
  return Napi::Number::New(info.Env(), static_cast<double>(x25519PublicKey(priv.data, out.data)));
}

// x25519SharedSecret(priv: 32 B, peer: 32 B, out: 32 B) → 0 | AUTH_FAILED
Napi::Value X25519SharedSecret(const Napi::CallbackInfo& info) {
  const Bytes priv = exactBytesArg(info, 0, 32, "privateKey");
  const Bytes peer = exactBytesArg(info, 1, 32, "peerPublicKey");
  MutableBytes out = bytesArg(info, 2, "out");
  if (out.size != 32) throwRange(info.Env(), "out must be 32 bytes");
  return Napi::Number::New(info.Env(), static_cast<double>(x25519SharedSecret(priv.data, peer.data, out.data)));
}

}  // namespace paperclip::napi
