// HChaCha20 (draft-irtf-cfrg-xchacha-03 §2.2): derives the XChaCha20 subkey from a 32-byte
// key and the first 16 bytes of the 24-byte nonce.
#pragma once

#include <cstdint>

namespace paperclip {

void hchacha20(uint8_t out[32], const uint8_t key[32], const uint8_t nonce16[16]);

}  // namespace paperclip
