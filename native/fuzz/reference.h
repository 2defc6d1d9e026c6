// Independent oracles for the fuzz targets: the same algorithms done the plain way, with a
// fresh zlib stream or OpenSSL context per call and no output windows, spill bytes, key
// caching or overlap handling. A disagreement with the core is a bug in one of those tricks.
#pragma once

#include <cstdint>
#include <vector>

#include "../aead.h"
#include "../span.h"

namespace paperclip::fuzz {

using Buf = std::vector<uint8_t>;

inline Bytes view(const Buf& b) { return Bytes{b.data(), b.size()}; }
inline MutableBytes view(Buf& b) { return MutableBytes{b.data(), b.size()}; }

// CRC-32 bit by bit (reflected polynomial 0xEDB88320), no tables, no zlib.
uint32_t bitwiseCrc32(Bytes data, uint32_t seed);

// How a reference inflate went, for coverage feedback (feedback.h).
struct InflateTrace {
  size_t blockStops = 0;        // returns at a block boundary (Z_BLOCK)
  bool lastBlock = false;       // reached the block marked final
  const char* error = nullptr;  // zlib's message for bad data
};

// What inflateRaw must return for `src` under `cap`: one zlib pass with cap + 1 bytes of
// room. More than cap bytes out -> kTooLarge; a clean end with no input left -> the length
// (and *out holds the bytes); anything else (bad data, truncation, trailing bytes) -> kCorrupt.
int64_t referenceInflate(Bytes src, size_t cap, Buf* out, InflateTrace* trace = nullptr);

// One-shot raw deflate (fresh stream, Z_FINISH, room for deflateBound).
Buf referenceDeflate(Bytes src, int level);

// Seal/open through a fresh EVP_CIPHER_CTX (XChaCha: the core's HChaCha20, which core_test
// checks against the draft's vector, then a fresh ChaCha20-Poly1305 context).
Buf referenceSeal(AeadAlgorithm alg, const uint8_t* key, const uint8_t* nonce, Bytes aad,
                  Bytes plain);
// The plaintext, or false when the tag does not verify.
bool referenceOpen(AeadAlgorithm alg, const uint8_t* key, const uint8_t* nonce, Bytes aad,
                   Bytes sealed, Buf* plain);

}  // namespace paperclip::fuzz
