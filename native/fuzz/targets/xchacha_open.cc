// xchacha_open: XChaCha20-Poly1305 open of forged and tampered input under a fixed key; see ../aead_open.h.
#include "../aead_open.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* input, size_t size) {
  return paperclip::fuzz::fuzzOpen(paperclip::AeadAlgorithm::kXChaCha20Poly1305, input, size);
}
