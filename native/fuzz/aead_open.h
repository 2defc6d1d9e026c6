// The hostile-open fuzz body shared by targets/xchacha_open.cc and targets/aesgcm_open.cc:
// forged or tampered packets under one fixed key (00 01 .. 1f, the key of PROTOCOL.md's
// encrypted example, so that example opens as a seed and every mutation of it must not).
// Input: nonce (24 or 12 bytes) | aadLength u8 | aad | ciphertext || tag...
//   - result is AUTH_FAILED or the plaintext length, and agrees with a fresh OpenSSL context;
//   - AUTH_FAILED leaves dst zeroed (never unverified plaintext);
//   - a success gives the reference plaintext, which seals back to the very input bytes.
#pragma once

#include <algorithm>

#include "../aead.h"
#include "../status.h"
#include "fuzz_check.h"
#include "fuzz_input.h"
#include "reference.h"

namespace paperclip::fuzz {

inline const uint8_t* fixedKey() {
  static const Buf key = [] {
    Buf k(kKeyBytes);
    for (size_t i = 0; i < k.size(); i++) k[i] = static_cast<uint8_t>(i);
    return k;
  }();
  return key.data();
}

inline int fuzzOpen(AeadAlgorithm alg, const uint8_t* input, size_t size) {
  Reader r(input, size);
  Buf nonce = r.bytes(nonceBytes(alg));
  nonce.resize(nonceBytes(alg));  // short input: zero-padded, still a whole nonce
  Buf aad = r.bytes(r.u8());
  Buf sealed = r.rest();

  size_t plainSize = sealed.size() > kTagBytes ? sealed.size() - kTagBytes : 0;
  Buf dst(plainSize, 0xee);
  int64_t got = aeadOpen(alg, fixedKey(), nonce.data(), view(aad), view(sealed), dst.data());
  Buf expected;
  bool opens = referenceOpen(alg, fixedKey(), nonce.data(), view(aad), view(sealed), &expected);
  if (!opens) {
    FUZZ_CHECK(got == kAuthFailed, "opened %lld where the reference fails",
               static_cast<long long>(got));
    FUZZ_CHECK(std::all_of(dst.begin(), dst.end(), [](uint8_t b) { return b == 0; }),
               "dst not zeroed after AUTH_FAILED");
    return 0;
  }
  FUZZ_CHECK(got == static_cast<int64_t>(plainSize) && dst == expected,
             "open gave %lld, reference opens %zu bytes", static_cast<long long>(got), plainSize);
  Buf resealed(sealed.size());
  aeadSeal(alg, fixedKey(), nonce.data(), view(aad), view(dst), resealed.data());
  FUZZ_CHECK(resealed == sealed, "opened plaintext does not seal back to the input");
  return 0;
}

}  // namespace paperclip::fuzz
