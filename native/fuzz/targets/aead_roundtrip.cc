// aead_roundtrip: seal -> open for both algorithms with fuzzed keys, nonces, AAD and
// plaintext, including partially overlapping src/dst in one buffer (the core's scratch-copy
// path) and AAD that the output overwrites. Checks:
//   - seal gives the fresh-context reference bytes, wherever dst sits relative to src/AAD;
//   - open gives the plaintext back, also when src and dst overlap;
//   - one flipped bit in the ciphertext, tag, AAD or nonce never opens, and zeroes dst.
// Switching keys between iterations also exercises the per-thread key cache.
// Input: mode u8 | [key 32 when mode bit 3] | nonce | aadLength u8 | aad | shift u8 |
//        flipAt u16 | flipBit u8 | plaintext...
//   mode bit 0: AES-256-GCM (else XChaCha20-Poly1305); bits 1-2: one of 4 fixed keys.
//   shift: dst = src + (shift - 128) in one shared buffer that holds the AAD just before src.
//   flipBit: bit (flipBit % 8) of ... (flipBit / 8 % 3): 0 sealed, 1 AAD, 2 nonce.
#include <algorithm>

#include "../../aead.h"
#include "../../status.h"
#include "../fuzz_check.h"
#include "../fuzz_input.h"
#include "../reference.h"

using namespace paperclip;
using namespace paperclip::fuzz;

namespace {

Buf fixedKey(uint8_t which) {
  Buf k(kKeyBytes);
  for (size_t i = 0; i < k.size(); i++) k[i] = static_cast<uint8_t>(i * 7 + which * 31);
  return k;
}

bool allZero(const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (p[i] != 0) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* input, size_t size) {
  Reader r(input, size);
  uint8_t mode = r.u8();
  auto alg = mode & 1 ? AeadAlgorithm::kAes256Gcm : AeadAlgorithm::kXChaCha20Poly1305;
  Buf key = mode & 8 ? r.bytes(kKeyBytes) : fixedKey((mode >> 1) & 3);
  key.resize(kKeyBytes);
  Buf nonce = r.bytes(nonceBytes(alg));
  nonce.resize(nonceBytes(alg));
  Buf aad = r.bytes(r.u8());
  int shift = int{r.u8()} - 128;
  uint16_t flipAt = r.u16();
  uint8_t flipBit = r.u8();
  Buf plain = r.rest();
  const size_t n = plain.size(), sealedSize = n + kTagBytes;

  Buf expected = referenceSeal(alg, key.data(), nonce.data(), view(aad), view(plain));
  Buf sealed(sealedSize);
  int64_t s = aeadSeal(alg, key.data(), nonce.data(), view(aad), view(plain), sealed.data());
  FUZZ_CHECK(s == int64_t(sealedSize) && sealed == expected, "seal differs from the reference");

  // One buffer: AAD right before the plaintext at `at`, dst at at + shift, so a negative
  // shift writes over the AAD (allowed: the AAD is consumed before any output).
  const size_t at = std::max<size_t>(aad.size(), 128);
  Buf shared(at + sealedSize + 128, 0x5a);
  uint8_t* aadAt = shared.data() + at - aad.size();
  std::copy(aad.begin(), aad.end(), aadAt);  // std::copy: memcpy(p, nullptr, 0) is UB
  std::copy(plain.begin(), plain.end(), shared.data() + at);
  uint8_t* moved = shared.data() + at + shift;
  s = aeadSeal(alg, key.data(), nonce.data(), Bytes{aadAt, aad.size()},
               Bytes{shared.data() + at, n}, moved);
  FUZZ_CHECK(s == int64_t(sealedSize) && std::equal(sealed.begin(), sealed.end(), moved),
             "seal with dst shifted %d from src differs", shift);
  int64_t o = aeadOpen(alg, key.data(), nonce.data(), view(aad), Bytes{moved, sealedSize},
                       shared.data() + at);
  FUZZ_CHECK(o == int64_t(n) && std::equal(plain.begin(), plain.end(), shared.data() + at),
             "open with src shifted %d from dst: %lld", shift, static_cast<long long>(o));

  Buf badSealed = sealed, badAad = aad, badNonce = nonce;
  Buf* target[3] = {&badSealed, &badAad, &badNonce};
  Buf& victim = *target[flipBit / 8 % 3];
  Buf& flipped = victim.empty() ? badSealed : victim;  // no AAD: flip the packet instead
  flipped[flipAt % flipped.size()] ^= static_cast<uint8_t>(1u << (flipBit % 8));
  Buf out(n, 0xee);
  o = aeadOpen(alg, key.data(), badNonce.data(), view(badAad), view(badSealed), out.data());
  FUZZ_CHECK(o == kAuthFailed && allZero(out.data(), n),
             "a flipped bit (kind %d at %u) opened: %lld", flipBit / 8 % 3, flipAt,
             static_cast<long long>(o));
  return 0;
}
