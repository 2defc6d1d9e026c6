#include "evp_aead.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <new>
#include <stdexcept>
#include <vector>

#include "status.h"

namespace paperclip {

EvpAead::EvpAead(const EVP_CIPHER* cipher) : ctx_(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free) {
  if (!ctx_ || EVP_CipherInit_ex(ctx_.get(), cipher, nullptr, nullptr, nullptr, 1) != 1) {
    throw std::bad_alloc();
  }
}

EvpAead::~EvpAead() { OPENSSL_cleanse(key_.data(), key_.size()); }

bool EvpAead::begin(const uint8_t* key, const uint8_t* iv, int encrypt) {
  // Re-keying (AES key schedule, GHASH table) only when the key changed since the last call.
  bool same = keyed_ && CRYPTO_memcmp(key_.data(), key, key_.size()) == 0;
  keyed_ = false;
  if (EVP_CipherInit_ex(ctx_.get(), nullptr, nullptr, same ? nullptr : key, iv, encrypt) != 1) {
    return false;
  }
  if (!same) std::memcpy(key_.data(), key, key_.size());
  keyed_ = true;
  return true;
}

// Feeds `in` in pieces EVP's int lengths can carry; out == nullptr feeds AAD.
bool EvpAead::update(uint8_t* out, Bytes in) {
  while (in.size > 0) {
    int n = static_cast<int>(std::min<size_t>(in.size, INT_MAX / 2));
    int written = 0;
    if (EVP_CipherUpdate(ctx_.get(), out, &written, in.data, n) != 1) return false;
    in = Bytes{in.data + n, in.size - static_cast<size_t>(n)};
    if (out != nullptr) out += written;
  }
  return true;
}

int64_t EvpAead::seal(const uint8_t* key, const uint8_t* iv, Bytes aad, Bytes src,
                      uint8_t* dst) {
  src = unaliased(src, dst, src.size + kTagBytes);
  int written = 0;
  uint8_t* tag = dst + src.size;
  if (!begin(key, iv, 1) || !update(nullptr, aad) || !update(dst, src) ||
      EVP_CipherFinal_ex(ctx_.get(), tag, &written) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_AEAD_GET_TAG, kTagBytes, tag) != 1) {
    keyed_ = false;
    throw std::runtime_error("paperclip native: OpenSSL AEAD seal failed");
  }
  return static_cast<int64_t>(src.size + kTagBytes);
}

int64_t EvpAead::open(const uint8_t* key, const uint8_t* iv, Bytes aad, Bytes src,
                      uint8_t* dst) {
  if (src.size < kTagBytes) return kAuthFailed;
  size_t plainSize = src.size - kTagBytes;
  std::array<uint8_t, kTagBytes> tag;  // copied first: dst may overwrite it
  std::memcpy(tag.data(), src.data + plainSize, kTagBytes);
  Bytes body = unaliased(Bytes{src.data, plainSize}, dst, plainSize);
  int written = 0;
  if (!begin(key, iv, 0) || !update(nullptr, aad) || !update(dst, body) ||
      EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_AEAD_SET_TAG, kTagBytes, tag.data()) != 1 ||
      EVP_CipherFinal_ex(ctx_.get(), dst + plainSize, &written) != 1) {
    if (plainSize > 0) OPENSSL_cleanse(dst, plainSize);
    return kAuthFailed;
  }
  return static_cast<int64_t>(plainSize);
}

Bytes unaliased(Bytes src, const uint8_t* dst, size_t dstSize) {
  if (src.data == dst || !overlaps(src.data, src.size, dst, dstSize)) return src;
  thread_local std::vector<uint8_t> scratch;
  scratch.assign(src.data, src.data + src.size);
  return Bytes{scratch.data(), scratch.size()};
}

}  // namespace paperclip
