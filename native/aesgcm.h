// AES-256-GCM with a 12-byte nonce and the 16-byte tag appended, through OpenSSL EVP
// (AES-NI + PCLMULQDQ when the CPU has them, constant-time software otherwise).
#pragma once

#include <cstdint>

#include "span.h"

namespace paperclip {

int64_t aesGcmSeal(const uint8_t key[32], const uint8_t nonce[12], Bytes aad, Bytes src,
                   uint8_t* dst);
int64_t aesGcmOpen(const uint8_t key[32], const uint8_t nonce[12], Bytes aad, Bytes src,
                   uint8_t* dst);

}  // namespace paperclip
