// XChaCha20-Poly1305 (IETF, draft-irtf-cfrg-xchacha-03): HChaCha20 subkey from nonce[0, 16),
// then OpenSSL's ChaCha20-Poly1305 with nonce 00000000 || nonce[16, 24). Same bytes as
// libsodium's crypto_aead_xchacha20poly1305_ietf_encrypt (combined layout).
#pragma once

#include <cstdint>

#include "span.h"

namespace paperclip {

int64_t xchachaSeal(const uint8_t key[32], const uint8_t nonce[24], Bytes aad, Bytes src,
                    uint8_t* dst);
int64_t xchachaOpen(const uint8_t key[32], const uint8_t nonce[24], Bytes aad, Bytes src,
                    uint8_t* dst);

}  // namespace paperclip
