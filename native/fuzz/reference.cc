#include "reference.h"

#include <openssl/evp.h>
#include <zlib.h>

#include <cstring>
#include <memory>

#include "../hchacha20.h"
#include "../status.h"
#include "fuzz_check.h"

namespace paperclip::fuzz {

uint32_t bitwiseCrc32(Bytes data, uint32_t seed) {
  uint32_t c = ~seed;
  for (size_t i = 0; i < data.size; i++) {
    c ^= data.data[i];
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return ~c;
}

int64_t referenceInflate(Bytes src, size_t cap, Buf* out, InflateTrace* trace) {
  InflateTrace ignored;
  if (trace == nullptr) trace = &ignored;
  z_stream zs{};
  FUZZ_CHECK(inflateInit2(&zs, -15) == Z_OK, "inflateInit2");
  Buf room(cap + 1);
  zs.next_in = const_cast<Bytef*>(src.data);
  zs.avail_in = static_cast<uInt>(src.size);  // fuzz inputs are far below 4 GiB
  zs.next_out = room.data();
  zs.avail_out = static_cast<uInt>(room.size());
  int64_t result;
  for (;;) {
    // Z_BLOCK only adds stops at block boundaries (counted for feedback); the output, and
    // when the stream ends or fails, are those of Z_NO_FLUSH.
    int rc = inflate(&zs, Z_BLOCK);
    if (rc == Z_OK && (zs.data_type & 128) != 0) trace->blockStops++;
    trace->lastBlock = trace->lastBlock || (zs.data_type & 64) != 0;
    if (rc == Z_DATA_ERROR) trace->error = zs.msg;
    if (zs.total_out > cap) {
      result = kTooLarge;
    } else if (rc == Z_STREAM_END) {
      result = zs.avail_in != 0 ? kCorrupt : static_cast<int64_t>(zs.total_out);
    } else if (rc != Z_OK) {
      result = kCorrupt;  // Z_BUF_ERROR here means the input ran out: truncated
    } else {
      continue;
    }
    break;
  }
  if (out != nullptr) out->assign(room.begin(), room.begin() + zs.total_out);
  inflateEnd(&zs);
  return result;
}

Buf referenceDeflate(Bytes src, int level) {
  z_stream zs{};
  FUZZ_CHECK(deflateInit2(&zs, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK, "init");
  Buf out(deflateBound(&zs, src.size));
  zs.next_in = const_cast<Bytef*>(src.data);
  zs.avail_in = static_cast<uInt>(src.size);
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(out.size());
  FUZZ_CHECK(deflate(&zs, Z_FINISH) == Z_STREAM_END, "deflateBound was not enough");
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

namespace {

using Ctx = std::unique_ptr<EVP_CIPHER_CTX, void (*)(EVP_CIPHER_CTX*)>;

// The cipher, key and 12-byte IV OpenSSL sees for (alg, key, nonce).
struct Setup {
  const EVP_CIPHER* cipher;
  uint8_t key[32];
  uint8_t iv[12] = {};
  Setup(AeadAlgorithm alg, const uint8_t* key32, const uint8_t* nonce) {
    if (alg == AeadAlgorithm::kAes256Gcm) {
      cipher = EVP_aes_256_gcm();
      std::memcpy(key, key32, 32);
      std::memcpy(iv, nonce, 12);
    } else {
      cipher = EVP_chacha20_poly1305();
      hchacha20(key, key32, nonce);
      std::memcpy(iv + 4, nonce + 16, 8);
    }
  }
};

// A fresh context with key, IV and AAD already fed.
Ctx begin(const Setup& s, Bytes aad, int encrypt) {
  Ctx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int n = 0;
  FUZZ_CHECK(ctx && EVP_CipherInit_ex(ctx.get(), s.cipher, nullptr, s.key, s.iv, encrypt) == 1,
             "EVP init");
  FUZZ_CHECK(aad.size == 0 ||
                 EVP_CipherUpdate(ctx.get(), nullptr, &n, aad.data, int(aad.size)) == 1,
             "EVP aad");
  return ctx;
}

}  // namespace

Buf referenceSeal(AeadAlgorithm alg, const uint8_t* key, const uint8_t* nonce, Bytes aad,
                  Bytes plain) {
  Setup s(alg, key, nonce);
  Ctx ctx = begin(s, aad, 1);
  Buf out(plain.size + kTagBytes);
  int n = 0;
  FUZZ_CHECK(plain.size == 0 ||
                 EVP_CipherUpdate(ctx.get(), out.data(), &n, plain.data, int(plain.size)) == 1,
             "EVP seal update");
  FUZZ_CHECK(EVP_CipherFinal_ex(ctx.get(), out.data() + plain.size, &n) == 1, "EVP seal final");
  FUZZ_CHECK(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, kTagBytes,
                                 out.data() + plain.size) == 1, "EVP get tag");
  return out;
}

bool referenceOpen(AeadAlgorithm alg, const uint8_t* key, const uint8_t* nonce, Bytes aad,
                   Bytes sealed, Buf* plain) {
  if (sealed.size < kTagBytes) return false;
  size_t n = sealed.size - kTagBytes;
  Setup s(alg, key, nonce);
  Ctx ctx = begin(s, aad, 0);
  Buf out(n);
  int written = 0;
  uint8_t tag[kTagBytes];
  std::memcpy(tag, sealed.data + n, kTagBytes);
  FUZZ_CHECK(n == 0 || EVP_CipherUpdate(ctx.get(), out.data(), &written, sealed.data, int(n)) == 1,
             "EVP open update");
  FUZZ_CHECK(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, kTagBytes, tag) == 1,
             "EVP set tag");
  if (EVP_CipherFinal_ex(ctx.get(), out.data() + n, &written) != 1) return false;
  *plain = std::move(out);
  return true;
}

}  // namespace paperclip::fuzz
