#include "xchacha.h"

#include <openssl/crypto.h>

#include <array>
#include <cstring>

#include "evp_aead.h"
#include "hchacha20.h"

namespace paperclip {
namespace {

EvpAead& chachaContext() {
  thread_local EvpAead context(EVP_chacha20_poly1305());
  return context;
}

// The ChaCha20-Poly1305 key and 12-byte nonce an XChaCha nonce stands for.
struct Derived {
  std::array<uint8_t, 32> key;
  std::array<uint8_t, 12> iv{};
  Derived(const uint8_t* key32, const uint8_t* nonce24) {
    hchacha20(key.data(), key32, nonce24);
    std::memcpy(iv.data() + 4, nonce24 + 16, 8);
  }
  ~Derived() { OPENSSL_cleanse(key.data(), key.size()); }
  Derived(const Derived&) = delete;
  Derived& operator=(const Derived&) = delete;
};

}  // namespace

int64_t xchachaSeal(const uint8_t key[32], const uint8_t nonce[24], Bytes aad, Bytes src,
                    uint8_t* dst) {
  Derived d(key, nonce);
  return chachaContext().seal(d.key.data(), d.iv.data(), aad, src, dst);
}

int64_t xchachaOpen(const uint8_t key[32], const uint8_t nonce[24], Bytes aad, Bytes src,
                    uint8_t* dst) {
  Derived d(key, nonce);
  return chachaContext().open(d.key.data(), d.iv.data(), aad, src, dst);
}

}  // namespace paperclip
