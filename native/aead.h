// AEAD seal/open for XChaCha20-Poly1305 (24-byte nonce) and AES-256-GCM (12-byte nonce),
// 32-byte keys, ciphertext || 16-byte tag, and their batch forms over one shared buffer.
#pragma once

#include <cstdint>
#include <string>

#include "span.h"

namespace paperclip {

enum class AeadAlgorithm { kXChaCha20Poly1305, kAes256Gcm };

uint32_t nonceBytes(AeadAlgorithm algorithm);

// dst must hold src.size + 16 bytes; returns src.size + 16.
int64_t aeadSeal(AeadAlgorithm algorithm, const uint8_t* key, const uint8_t* nonce, Bytes aad,
                 Bytes src, uint8_t* dst);
// dst must hold src.size - 16 bytes; returns that length or kAuthFailed.
int64_t aeadOpen(AeadAlgorithm algorithm, const uint8_t* key, const uint8_t* nonce, Bytes aad,
                 Bytes src, uint8_t* dst);

// types.ts AeadBatch: AAD spans live in spans.src.
struct AeadBatchView {
  SpanBatchView spans;
  Bytes keys;
  Array<const uint32_t> keyIndex;
  Bytes nonces;
  Array<const uint32_t> aadOffsets, aadLengths;
};

// Empty when every operation reads and writes inside its buffers, else why not.
std::string checkAeadBatch(const AeadBatchView& batch, AeadAlgorithm algorithm, bool sealing);

// results[i] = aeadSeal / aeadOpen of operation i. Call checkAeadBatch first.
void aeadBatch(const AeadBatchView& batch, AeadAlgorithm algorithm, bool sealing);

}  // namespace paperclip
