// X25519 (RFC 7748) on raw 32-byte keys through OpenSSL's EVP_PKEY raw-key API. node:crypto
// only imports X25519 keys from DER or JWK, and its DER import costs ~0.8 ms per key (OpenSSL 3
// decoders): three per handshake side made the handshake CPU-bound at ~150/s.
#pragma once
#include <cstdint>

namespace paperclip {

// pub = X25519(priv, 9). Returns 0, or kAuthFailed if OpenSSL refuses the key.
int64_t x25519PublicKey(const uint8_t priv[32], uint8_t pub[32]);
// out = X25519(priv, peer). Returns 0, or kAuthFailed for a low-order peer point (all-zero
// result, RFC 7748 §6.1, which OpenSSL refuses).
int64_t x25519SharedSecret(const uint8_t priv[32], const uint8_t peer[32], uint8_t out[32]);

}  // namespace paperclip
