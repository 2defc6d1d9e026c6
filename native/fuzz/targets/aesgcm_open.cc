// aesgcm_open: AES-256-GCM open of forged and tampered input under a fixed key; see ../aead_open.h.
#include "../aead_open.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* input, size_t size) {
  return paperclip::fuzz::fuzzOpen(paperclip::AeadAlgorithm::kAes256Gcm, input, size);
}
