#include "aesgcm.h"

#include "evp_aead.h"

namespace paperclip {
namespace {

// Keeps the last key's schedule: consecutive calls with one key (a connection's packets,
// a batch sharing keyIndex) only set the nonce.
EvpAead& gcmContext() {
  thread_local EvpAead context(EVP_aes_256_gcm());
  return context;
}

}  // namespace

int64_t aesGcmSeal(const uint8_t key[32], const uint8_t nonce[12], Bytes aad, Bytes src,
                   uint8_t* dst) {
  return gcmContext().seal(key, nonce, aad, src, dst);
}

int64_t aesGcmOpen(const uint8_t key[32], const uint8_t nonce[12], Bytes aad, Bytes src,
                   uint8_t* dst) {
  return gcmContext().open(key, nonce, aad, src, dst);
}

}  // namespace paperclip
