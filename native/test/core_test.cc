// Tests of the plain C++ core (no Node): CRC-32, capped raw inflate, AEAD and batch bounds,
// on good and hostile input. Built with -fsanitize=address,undefined by run.sh; every buffer
// is a heap vector of exactly the size the API may touch, so any stray byte is reported.
#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "../aead.h"
#include "../crc32.h"
#include "../deflate.h"
#include "../hchacha20.h"
#include "../status.h"

#include "check.h"

using namespace paperclip;
using namespace paperclip::test;
using Buf = std::vector<uint8_t>;

namespace {

Buf fromHex(const char* hex) {
  Buf out;
  for (size_t i = 0; hex[i] != 0 && hex[i + 1] != 0; i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(hex + i, 2), nullptr, 16)));
  }
  return out;
}

Buf range(uint8_t first, size_t n) {
  Buf out(n);
  for (size_t i = 0; i < n; i++) out[i] = static_cast<uint8_t>(first + i);
  return out;
}

Bytes view(const Buf& b) { return Bytes{b.data(), b.size()}; }
MutableBytes view(Buf& b) { return MutableBytes{b.data(), b.size()}; }

// Pseudo-random bytes (xorshift), deterministic.
Buf noise(size_t n, uint32_t seed) {
  Buf out(n);
  uint32_t x = seed | 1;
  for (auto& b : out) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    b = static_cast<uint8_t>(x);
  }
  return out;
}

// Reference raw deflate through the linked zlib (system zlib here, node's in the addon).
Buf zlibDeflate(const Buf& in, int level) {
  z_stream zs{};
  deflateInit2(&zs, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
  Buf out(deflateBound(&zs, in.size()) + 16);
  zs.next_in = const_cast<uint8_t*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// Inflates into a heap buffer of exactly `cap` bytes.
int64_t inflateInto(const Buf& src, size_t cap, Buf* out = nullptr) {
  Buf dst(cap);
  int64_t r = inflateRaw(view(src), view(dst));
  if (out != nullptr) *out = dst;
  return r;
}

void testCrc32() {
  Buf digits = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
  check(crc32(view(digits), 0) == 0xCBF43926u, "crc32 check value");
  uint32_t head = crc32(Bytes{digits.data(), 4}, 0);
  check(crc32(Bytes{digits.data() + 4, 5}, head) == 0xCBF43926u, "crc32 continues from a seed");
  check(crc32(Bytes{nullptr, 0}, 0xdeadbeef) == 0xdeadbeef, "crc32 of nothing keeps the seed");

  std::vector<uint32_t> offsets = {0, 4, 0xffffffffu}, lengths = {4, 5, 2}, results(3);
  CrcBatchView b{2, view(digits), {offsets.data(), 3}, {lengths.data(), 3}, {results.data(), 3}};
  check(checkCrcBatch(b).empty(), "crc32 batch in bounds accepted");
  crc32Batch(b);
  check(results[0] == head && results[1] == crc32(Bytes{digits.data() + 4, 5}, 0), "crc32 batch");
  b.count = 3;
  check(!checkCrcBatch(b).empty(), "crc32 batch: offset 2^32-1 + 2 rejected (no wrap)");
  b.count = 4;
  check(!checkCrcBatch(b).empty(), "crc32 batch: count beyond the arrays rejected");
}

void testDeflateCaps() {
  Buf text;
  for (int i = 0; i < 2000; i++) text.push_back(static_cast<uint8_t>("game state "[i % 11]));
  for (int level = 0; level <= 9; level++) {
    Buf z = zlibDeflate(text, level);
    Buf dst(z.size());
    int64_t n = deflateRaw(view(text), view(dst), level);
    check(n == static_cast<int64_t>(z.size()) && dst == z,
          "deflate level " + std::to_string(level) + " exact fit, same bytes as zlib");
    Buf shortDst(z.size() - 1);
    check(deflateRaw(view(text), view(shortDst), level) == kTooLarge,
          "deflate level " + std::to_string(level) + " one byte short -> TOO_LARGE");
  }
  Buf none;
  check(deflateRaw(view(none), MutableBytes{}, 6) == kTooLarge, "deflate into 0 bytes");
  Buf big = noise(100000, 7);  // several 16 KiB output windows, stored blocks at level 0
  Buf z0 = zlibDeflate(big, 0);
  Buf dst(z0.size() + 100);
  Buf back(big.size());
  int64_t n = deflateRaw(view(big), view(dst), 0);
  check(n > 0 && inflateRaw(Bytes{dst.data(), size_t(n)}, view(back)) == int64_t(big.size()) &&
            back == big, "deflate level 0 of 100 kB round-trips");
}

void testInflateGood() {
  Buf text = noise(5000, 3);
  for (size_t i = 0; i < text.size(); i += 7) text[i] = 'a';  // compressible-ish
  Buf z = zlibDeflate(text, 6);
  Buf out;
  check(inflateInto(z, text.size(), &out) == int64_t(text.size()) && out == text,
        "inflate exact cap");
  check(inflateInto(z, text.size() - 1) == kTooLarge, "inflate cap - 1 -> TOO_LARGE");
  check(inflateInto(z, 0) == kTooLarge, "inflate cap 0 -> TOO_LARGE");
  Buf empty = {0x03, 0x00};
  check(inflateInto(empty, 0) == 0, "inflate of the empty stream into 0 bytes");
  Buf zeros(1 << 22);
  Buf bomb = zlibDeflate(zeros, 9);  // 4 MiB of zeros in ~4 kB
  check(inflateInto(bomb, 4096) == kTooLarge, "inflate bomb stops at 4 KiB");
}

void testInflateHostile() {
  Buf text = noise(3000, 11);
  for (size_t i = 0; i < text.size(); i += 3) text[i] = 'x';
  Buf z = zlibDeflate(text, 9);
  bool ok = true;
  for (size_t cut = 0; cut < z.size(); cut++) {  // every truncation
    Buf prefix(z.begin(), z.begin() + cut);
    int64_t r = inflateInto(prefix, text.size());
    ok = ok && (r == kCorrupt);
  }
  check(ok, "inflate: every truncation -> CORRUPT");
  Buf trailing = z;
  trailing.push_back(0);
  check(inflateInto(trailing, text.size()) == kCorrupt, "inflate: trailing byte -> CORRUPT");
  check(inflateInto(trailing, text.size() - 1) == kTooLarge,
        "inflate: cap passed before the trailing byte -> TOO_LARGE");
  ok = true;
  for (size_t bit = 0; bit < z.size() * 8; bit += 3) {  // bit flips: any status, no overrun
    Buf bad = z;
    bad[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    int64_t r = inflateInto(bad, 1000);
    ok = ok && r >= kTooLarge && r <= 1000;
  }
  check(ok, "inflate: bit-flipped streams stay within the cap");
  ok = true;
  for (uint32_t seed = 1; seed < 400; seed++) {
    int64_t r = inflateInto(noise(seed % 97, seed), 64);
    ok = ok && r >= kTooLarge && r <= 64;
  }
  check(ok, "inflate: random noise stays within the cap");
}

void testSpanBatch() {
  Buf src = zlibDeflate(noise(100, 5), 6);
  Buf dst(300);
  std::vector<uint32_t> so = {0, 0}, sl = {uint32_t(src.size()), uint32_t(src.size())};
  std::vector<uint32_t> dof = {0, 150}, dc = {150, 150};
  std::vector<int32_t> res(2);
  SpanBatchView b{2, view(src), {so.data(), 2}, {sl.data(), 2}, view(dst), {dof.data(), 2},
                  {dc.data(), 2}, {res.data(), 2}};
  check(checkSpanBatch(b).empty(), "span batch in bounds accepted");
  inflateRawBatch(b);
  check(res[0] == 100 && res[1] == 100, "inflate batch");
  dc[1] = 151;
  check(!checkSpanBatch(b).empty(), "span batch: dst span past the buffer rejected");
  dc[1] = 150;
  sl[1] = uint32_t(src.size()) + 1;
  check(!checkSpanBatch(b).empty(), "span batch: src span past the buffer rejected");
  sl[1] = uint32_t(src.size());
  b.results.size = 1;
  check(!checkSpanBatch(b).empty(), "span batch: results shorter than count rejected");
}

void testHChaCha20() {
  Buf key = range(0, 32);
  Buf nonce = fromHex("000000090000004a0000000031415927");
  Buf out(32);
  hchacha20(out.data(), key.data(), nonce.data());
  check(out == fromHex("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc"),
        "HChaCha20 draft-irtf-cfrg-xchacha-03 §2.2.1");
}

const char* kLadies =
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
    "future, sunscreen would be it.";

void testVectors() {
  Buf plain(kLadies, kLadies + std::strlen(kLadies));
  Buf key = range(0x80, 32), nonce = range(0x40, 24), aad = fromHex("50515253c0c1c2c3c4c5c6c7");
  Buf sealed(plain.size() + 16);
  auto alg = AeadAlgorithm::kXChaCha20Poly1305;
  int64_t n = aeadSeal(alg, key.data(), nonce.data(), view(aad), view(plain), sealed.data());
  Buf expected = fromHex(
      "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f"
      "4eda7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f"
      "76b2383565d3fff921f9664c97637da9768812f615c68b13b52ec0875924c1c7987947deafd8780acf49");
  check(n == int64_t(plain.size() + 16) && sealed == expected, "XChaCha20-Poly1305 §A.3.1");
  Buf zero32(32), zero12(12), block(16), out(32);
  auto gcm = AeadAlgorithm::kAes256Gcm;
  aeadSeal(gcm, zero32.data(), zero12.data(), Bytes{}, view(block), out.data());
  check(out == fromHex("cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919"),
        "AES-256-GCM McGrew-Viega test case 14");
  Buf tagOnly(16);
  aeadSeal(gcm, zero32.data(), zero12.data(), Bytes{}, Bytes{}, tagOnly.data());
  check(tagOnly == fromHex("530f8afbc74536b9a963b4f1c4cb738b"), "AES-256-GCM test case 13");
}

void testOpenHostile(AeadAlgorithm alg, const char* name) {
  Buf key = noise(32, 21), nonce = noise(nonceBytes(alg), 22), aad = noise(13, 23);
  Buf plain = noise(200, 24), sealed(216), out(200);
  aeadSeal(alg, key.data(), nonce.data(), view(aad), view(plain), sealed.data());
  check(aeadOpen(alg, key.data(), nonce.data(), view(aad), view(sealed), out.data()) == 200 &&
            out == plain, std::string(name) + " open");
  bool ok = true;
  for (size_t i = 0; i < sealed.size(); i++) {
    Buf bad = sealed;
    bad[i] ^= 0x80;
    Buf dst(200, 0xee);
    ok = ok && aeadOpen(alg, key.data(), nonce.data(), view(aad), view(bad), dst.data()) ==
                   kAuthFailed && dst == Buf(200, 0);
  }
  check(ok, std::string(name) + ": every flipped byte -> AUTH_FAILED, dst zeroed");
  Buf badAad = aad;
  badAad[0] ^= 1;
  check(aeadOpen(alg, key.data(), nonce.data(), view(badAad), view(sealed), out.data()) ==
            kAuthFailed, std::string(name) + ": wrong AAD -> AUTH_FAILED");
  ok = true;
  for (size_t len = 0; len < 16; len++) {
    Buf stub(sealed.begin(), sealed.begin() + len);
    ok = ok && aeadOpen(alg, key.data(), nonce.data(), Bytes{}, view(stub), nullptr) == kAuthFailed;
  }
  check(ok, std::string(name) + ": shorter than a tag -> AUTH_FAILED, nothing written");
}

void testOverlap(AeadAlgorithm alg, const char* name) {
  Buf key = noise(32, 31), nonce = noise(nonceBytes(alg), 32);
  for (int shift : {0, 1, -1, 17, -17, 100, -100}) {
    Buf mem = noise(400, 33), ref(116);
    aeadSeal(alg, key.data(), nonce.data(), Bytes{mem.data(), 8}, Bytes{mem.data() + 150, 100},
             ref.data());
    aeadSeal(alg, key.data(), nonce.data(), Bytes{mem.data(), 8}, Bytes{mem.data() + 150, 100},
             mem.data() + 150 + shift);
    check(Buf(mem.begin() + 150 + shift, mem.begin() + 266 + shift) == ref,
          std::string(name) + " seal, dst shifted " + std::to_string(shift));
    Buf plain(100);
    int64_t r = aeadOpen(alg, key.data(), nonce.data(), Bytes{mem.data(), 8},
                         Bytes{mem.data() + 150 + shift, 116}, mem.data() + 150);
    aeadOpen(alg, key.data(), nonce.data(), Bytes{mem.data(), 8}, view(ref), plain.data());
    check(r == 100 && Buf(mem.begin() + 150, mem.begin() + 250) == plain,
          std::string(name) + " open, src shifted " + std::to_string(shift));
  }
}

struct AeadFixture {
  Buf src, dst, keys, nonces;
  std::vector<uint32_t> so, sl, dof, dc, ki, ao, al;
  std::vector<int32_t> res;
  AeadBatchView view;
  AeadFixture(AeadAlgorithm alg, size_t n)
      : src(noise(n * 100, 41)), dst(n * 120), keys(noise(96, 42)),
        nonces(noise(n * nonceBytes(alg), 43)), res(n) {
    for (size_t i = 0; i < n; i++) {
      so.push_back(uint32_t(i * 100 + 10)); sl.push_back(uint32_t(20 + i));
      dof.push_back(uint32_t(i * 120)); dc.push_back(120);
      ki.push_back(uint32_t(i / 2 % 3)); ao.push_back(uint32_t(i * 100)); al.push_back(i % 2 ? 10 : 0);
    }
    view.spans = SpanBatchView{n, ::view(src), {so.data(), n}, {sl.data(), n}, ::view(dst),
                               {dof.data(), n}, {dc.data(), n}, {res.data(), n}};
    view.keys = ::view(keys);
    view.keyIndex = {ki.data(), n};
    view.nonces = ::view(nonces);
    view.aadOffsets = {ao.data(), n};
    view.aadLengths = {al.data(), n};
  }
};

void testAeadBatch(AeadAlgorithm alg, const char* name) {
  const size_t n = 12;
  AeadFixture f(alg, n);
  check(checkAeadBatch(f.view, alg, true).empty(), std::string(name) + " batch accepted");
  aeadBatch(f.view, alg, true);
  bool ok = true;
  for (size_t i = 0; i < n; i++) {
    Buf one(f.sl[i] + 16);
    aeadSeal(alg, f.keys.data() + 32 * f.ki[i], f.nonces.data() + i * nonceBytes(alg),
             Bytes{f.src.data() + f.ao[i], f.al[i]}, Bytes{f.src.data() + f.so[i], f.sl[i]},
             one.data());
    ok = ok && f.res[i] == int32_t(one.size()) &&
         std::memcmp(f.dst.data() + f.dof[i], one.data(), one.size()) == 0;
  }
  check(ok, std::string(name) + " sealBatch = single seals, keys shared and switched");
  const std::vector<std::pair<std::string, std::function<void(AeadFixture&)>>> hostile = {
      {"keyIndex past the keys", [](AeadFixture& g) { g.ki[5] = 3; }},
      {"aad past src", [](AeadFixture& g) { g.ao[3] = uint32_t(g.src.size()) - 5; }},
      {"aad offset wraps", [](AeadFixture& g) { g.ao[3] = 0xffffffffu; }},
      {"dst too small for the tag", [](AeadFixture& g) { g.dc[2] = g.sl[2] + 15; }},
      {"nonces too short", [](AeadFixture& g) { g.view.nonces.size -= 1; }},
      {"aadLengths shorter than count", [](AeadFixture& g) { g.view.aadLengths.size = 3; }},
      {"dst span past the buffer", [](AeadFixture& g) { g.dof[11] = uint32_t(g.dst.size()) - 119; }},
  };
  for (const auto& [what, spoil] : hostile) {
    AeadFixture g(alg, n);
    spoil(g);
    check(!checkAeadBatch(g.view, alg, true).empty(), std::string(name) + " batch: " + what);
  }
}

}  // namespace

int main() {
  testCrc32();
  testDeflateCaps();
  testInflateGood();
  testInflateHostile();
  testSpanBatch();
  testHChaCha20();
  testVectors();
  for (auto [alg, name] : {std::pair{AeadAlgorithm::kXChaCha20Poly1305, "xchacha20poly1305"},
                           std::pair{AeadAlgorithm::kAes256Gcm, "aes256gcm"}}) {
    testOpenHostile(alg, name);
    testOverlap(alg, name);
    testAeadBatch(alg, name);
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
