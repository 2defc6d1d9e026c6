// Microbenchmark behind docs/NATIVE.md's XChaCha20-Poly1305 decision: libsodium (static)
// versus HChaCha20 + OpenSSL ChaCha20-Poly1305, seal+open, plus AES-256-GCM for scale.
// Built by `make -C native/test bench` (needs libsodium-dev); not part of the addon.
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

#include "../aead.h"

using namespace paperclip;

namespace {

// Best of 7 timed runs: the minimum is the least disturbed by other processes.
template <typename F>
double nsPerOp(F&& op, int iterations) {
  for (int i = 0; i < iterations / 10; i++) op(i);  // warm-up
  double best = 1e300;
  for (int run = 0; run < 7; run++) {
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < iterations; i++) op(i);
    auto t1 = std::chrono::steady_clock::now();
    best = std::min(best, std::chrono::duration<double, std::nano>(t1 - t0).count() / iterations);
  }
  return best;
}

struct Fixture {
  uint8_t key[32], nonce[24], aad[12];
  std::vector<uint8_t> plain, sealed, opened;
  explicit Fixture(size_t n) : plain(n, 0x5a), sealed(n + 16), opened(n) {
    randombytes_buf(key, sizeof key);
    randombytes_buf(nonce, sizeof nonce);
    randombytes_buf(aad, sizeof aad);
  }
};

double sodiumRoundTrip(size_t n, int iterations) {
  Fixture f(n);
  return nsPerOp([&](int i) {
    std::memcpy(f.nonce, &i, sizeof i);  // a fresh nonce per packet, as the protocol does
    unsigned long long len = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(f.sealed.data(), &len, f.plain.data(), n, f.aad,
                                               sizeof f.aad, nullptr, f.nonce, f.key);
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(f.opened.data(), &len, nullptr,
                                                   f.sealed.data(), n + 16, f.aad, sizeof f.aad,
                                                   f.nonce, f.key) != 0) std::abort();
  }, iterations);
}

double evpRoundTrip(AeadAlgorithm algorithm, size_t n, int iterations, bool newKeys = false) {
  Fixture f(n);
  Bytes aad{f.aad, sizeof f.aad};
  return nsPerOp([&](int i) {
    std::memcpy(f.nonce, &i, sizeof i);
    if (newKeys) std::memcpy(f.key, &i, sizeof i);
    aeadSeal(algorithm, f.key, f.nonce, aad, Bytes{f.plain.data(), n}, f.sealed.data());
    if (aeadOpen(algorithm, f.key, f.nonce, aad, Bytes{f.sealed.data(), n + 16},
                 f.opened.data()) < 0) std::abort();
  }, iterations);
}

}  // namespace

int main() {
  if (sodium_init() < 0) return 1;
  const int iterations = 100000;
  const size_t sizes[] = {64, 512, 1200};
  std::printf("%-44s %8s %8s %8s\n", "seal+open, ns per round trip (best of 7)", "64 B", "512 B",
              "1200 B");
  std::printf("%-44s", "(a) libsodium 1.0.18 xchacha20poly1305_ietf");
  for (size_t n : sizes) std::printf(" %8.0f", sodiumRoundTrip(n, iterations));
  std::printf("\n%-44s", "(b) HChaCha20 + OpenSSL chacha20-poly1305");
  for (size_t n : sizes) {
    std::printf(" %8.0f", evpRoundTrip(AeadAlgorithm::kXChaCha20Poly1305, n, iterations));
  }
  std::printf("\n%-44s", "    OpenSSL aes-256-gcm (same key)");
  for (size_t n : sizes) std::printf(" %8.0f", evpRoundTrip(AeadAlgorithm::kAes256Gcm, n, iterations));
  std::printf("\n%-44s", "    OpenSSL aes-256-gcm (new key every call)");
  for (size_t n : sizes) {
    std::printf(" %8.0f", evpRoundTrip(AeadAlgorithm::kAes256Gcm, n, iterations, true));
  }
  std::printf("\n");
  return 0;
}
