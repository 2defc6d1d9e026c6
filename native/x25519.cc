#include "x25519.h"

#include <openssl/evp.h>

#include <memory>

#include "status.h"

namespace paperclip {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;

}  // namespace

int64_t x25519PublicKey(const uint8_t priv[32], uint8_t pub[32]) {
  Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, priv, 32));
  size_t length = 32;
  if (!key || EVP_PKEY_get_raw_public_key(key.get(), pub, &length) != 1 || length != 32) return kAuthFailed;
  return 0;
}

int64_t x25519SharedSecret(const uint8_t priv[32], const uint8_t peer[32], uint8_t out[32]) {
  Pkey own(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, priv, 32));
  Pkey other(EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, peer, 32));
  if (!own || !other) return kAuthFailed;
  PkeyCtx ctx(EVP_PKEY_CTX_new(own.get(), nullptr));
  size_t length = 32;
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_derive_set_peer(ctx.get(), other.get()) != 1 ||
      EVP_PKEY_derive(ctx.get(), out, &length) != 1 || length != 32) {
    return kAuthFailed;
  }
  return 0;
}

}  // namespace paperclip
