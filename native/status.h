// Result codes shared with lib/primitives/types.ts (PrimitiveStatus): negative = failure.
#pragma once

#include <cstdint>

namespace paperclip {

constexpr int64_t kAuthFailed = -1;  // tag, ciphertext or AAD tampered, or wrong key/nonce
constexpr int64_t kCorrupt = -2;     // compressed input malformed, truncated or trailed
constexpr int64_t kTooLarge = -3;    // output would pass the destination capacity

constexpr uint32_t kKeyBytes = 32;
constexpr uint32_t kTagBytes = 16;
constexpr uint32_t kXChaChaNonceBytes = 24;
constexpr uint32_t kAesGcmNonceBytes = 12;

}  // namespace paperclip
