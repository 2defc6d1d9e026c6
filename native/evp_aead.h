// One OpenSSL EVP AEAD context per algorithm per thread, reused across calls, producing
// libsodium's combined layout (ciphertext || 16-byte tag). Used by xchacha.cc and aesgcm.cc.
#pragma once

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <memory>

#include "span.h"

namespace paperclip {

class EvpAead {
 public:
  explicit EvpAead(const EVP_CIPHER* cipher);
  ~EvpAead();
  EvpAead(const EvpAead&) = delete;
  EvpAead& operator=(const EvpAead&) = delete;

  // Encrypts src to dst[0, src.size) and appends the tag; returns src.size + 16.
  // dst may equal src.data (in place) or overlap it anywhere; aad may overlap dst.
  int64_t seal(const uint8_t* key, const uint8_t* iv, Bytes aad, Bytes src, uint8_t* dst);
  // Verifies src = ciphertext || tag and decrypts into dst[0, src.size - 16); returns that
  // length or kAuthFailed (then dst[0, src.size - 16) is zeroed, never unverified plaintext).
  int64_t open(const uint8_t* key, const uint8_t* iv, Bytes aad, Bytes src, uint8_t* dst);

 private:
  bool begin(const uint8_t* key, const uint8_t* iv, int encrypt);
  bool update(uint8_t* out, Bytes in);

  std::unique_ptr<EVP_CIPHER_CTX, void (*)(EVP_CIPHER_CTX*)> ctx_;
  std::array<uint8_t, 32> key_{};  // the key the context is scheduled for
  bool keyed_ = false;
};

// Copies src to per-thread scratch when it partially overlaps dst (OpenSSL allows only
// out == in exactly); returns the span to read from.
Bytes unaliased(Bytes src, const uint8_t* dst, size_t dstSize);

}  // namespace paperclip
