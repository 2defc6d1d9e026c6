/*
 * paperclip_test: known-answer and round-trip checks of paperclip_proto.c, for `make check`
 * (no Node needed). The AEAD vectors are native/test/core_test.cc's: XChaCha20-Poly1305 from
 * draft-irtf-cfrg-xchacha-03 §A.3.1 and AES-256-GCM McGrew-Viega test cases 13/14. Exit 0 when
 * everything passes.
 */
#include "paperclip_proto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static int failed;

static void check(int ok, const char *what) {
  if (!ok) {
    fprintf(stderr, "paperclip_test: FAIL %s\n", what);
    failed++;
  }
}

static size_t from_hex(const char *hex, unsigned char *out) {
  size_t n = strlen(hex) / 2;
  for (size_t i = 0; i < n; i++) {
    unsigned v = 0;
    if (sscanf(hex + 2 * i, "%2x", &v) != 1) abort();
    out[i] = (unsigned char)v;
  }
  return n;
}

static void test_xchacha(void) {
  static const char plain[] = "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
                              "future, sunscreen would be it.";
  static const char expected_hex[] =
      "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f"
      "4eda7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f"
      "76b2383565d3fff921f9664c97637da9768812f615c68b13b52ec0875924c1c7987947deafd8780acf49";
  unsigned char key[32], iv[16], aad[12], expected[256], buf[256];
  for (int i = 0; i < 32; i++) key[i] = (unsigned char)(0x80 + i);
  /* nonce 40..57 = iv 40..4f || counter 0x5051525354555657 */
  for (int i = 0; i < 16; i++) iv[i] = (unsigned char)(0x40 + i);
  from_hex("50515253c0c1c2c3c4c5c6c7", aad);
  size_t n = strlen(plain);
  size_t en = from_hex(expected_hex, expected);
  pc_aead_t a;
  check(pc_aead_init(&a, PC_XCHACHA20_POLY1305, key, iv) == 0, "xchacha init");
  memcpy(buf, plain, n);
  check(pc_seal(&a, 0x5051525354555657u, aad, sizeof aad, buf, n) == 0, "xchacha seal");
  check(en == n + PC_TAG && memcmp(buf, expected, en) == 0, "XChaCha20-Poly1305 §A.3.1");
  check(pc_open(&a, 0x5051525354555657u, aad, sizeof aad, buf, en) == (long)n && memcmp(buf, plain, n) == 0,
        "xchacha open");
  memcpy(buf, expected, en);
  buf[3] ^= 1;
  check(pc_open(&a, 0x5051525354555657u, aad, sizeof aad, buf, en) == -1, "xchacha open refuses a flipped bit");
  memcpy(buf, expected, en);
  check(pc_open(&a, 0x5051525354555658u, aad, sizeof aad, buf, en) == -1, "xchacha open refuses another counter");
  pc_aead_free(&a);
}

static void test_aes_gcm(void) {
  unsigned char zero[32] = {0}, buf[64], expected[64];
  pc_aead_t a;
  check(pc_aead_init(&a, PC_AES_256_GCM, zero, zero) == 0, "gcm init");
  memset(buf, 0, 16);
  check(pc_seal(&a, 0, NULL, 0, buf, 16) == 0, "gcm seal");
  from_hex("cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919", expected);
  check(memcmp(buf, expected, 32) == 0, "AES-256-GCM test case 14");
  check(pc_open(&a, 0, NULL, 0, buf, 32) == 16 && memcmp(buf, zero, 16) == 0, "gcm open");
  check(pc_seal(&a, 0, NULL, 0, buf, 0) == 0, "gcm seal empty");
  from_hex("530f8afbc74536b9a963b4f1c4cb738b", expected);
  check(memcmp(buf, expected, 16) == 0, "AES-256-GCM test case 13");
  pc_aead_free(&a);
}

/* A sealed ACK datagram with one frame, parsed and opened again; the nonce uses iv[0, 4) only. */
static void test_datagram(void) {
  unsigned char key[32], iv[16], d[128];
  for (int i = 0; i < 32; i++) key[i] = (unsigned char)(7 * i);
  for (int i = 0; i < 16; i++) iv[i] = (unsigned char)(200 - i);
  for (int alg = 0; alg < 2; alg++) {
    pc_aead_t a;
    check(pc_aead_init(&a, (pc_aead_alg_t)alg, key, iv) == 0, "init");
    size_t hdr = pc_write_header(d, PC_RELIABLE, 0xfffe, 0x0102030405060708u, true, 0xabcd, 0x80000001u);
    check(hdr == 18 && d[0] == 0x11 && d[1] == (PC_RELIABLE | PC_ENCRYPTED) && d[2] == 0xff && d[3] == 0xfe &&
              d[4] == 1 && d[11] == 8 && d[12] == 0xab && d[14] == 0x80 && d[17] == 1,
          "header bytes");
    size_t at = hdr + pc_write_frame_header(d + hdr, 0x80, 0x1234, 3);
    memcpy(d + at, "abc", 3);
    at += 3;
    check(pc_seal(&a, 0x0102030405060708u, d, hdr, d + hdr, at - hdr) == 0, "seal");
    size_t len = at + PC_TAG;
    pc_header_t h;
    check(pc_parse_header(d, len, &h) == 0 && h.type == PC_ACK && h.sequence == 0xfffe &&
              h.counter == 0x0102030405060708u && h.ack_id == 0xabcd && h.ack_bits == 0x80000001u &&
              h.data_offset == 18,
          "parse");
    long n = pc_open(&a, h.counter, d, h.data_offset, d + h.data_offset, len - h.data_offset);
    check(n == 8 && d[18] == 0x80 && d[19] == 0x12 && d[20] == 0x34 && d[22] == 3 && memcmp(d + 23, "abc", 3) == 0,
          "open");
    pc_aead_free(&a);
  }
  unsigned char bad[20] = {0x21, 0x10};
  pc_header_t h;
  check(pc_parse_header(bad, sizeof bad, &h) == -1, "version 2 refused");
  bad[0] = 0x10;
  bad[1] = 0x11;
  check(pc_parse_header(bad, sizeof bad, &h) == -1, "reserved flag refused");
  bad[1] = 0x10;
  check(pc_parse_header(bad, 12 + 15, &h) == -1, "sealed data shorter than a tag refused");
  check(pc_parse_header(bad, 12 + 16, &h) == 0 && h.data_offset == 12, "an empty sealed DEFAULT");
  unsigned char frag[32] = {0x10, PC_FRAG | PC_ENCRYPTED | PC_RELIABLE, 0, 1, 0, 2, 0, 1};
  check(pc_parse_header(frag, sizeof frag, &h) == -1, "fragment id beyond the count refused");
  frag[5] = 1;
  frag[7] = 2;
  check(pc_parse_header(frag, sizeof frag, &h) == 0 && h.frag_id == 1 && h.frag_count == 2 && h.data_offset == 16,
        "FRAG layout");
}

static void test_rxwin(void) {
  pc_rxwin_t w = {0};
  check(pc_rxwin_record(&w, 0), "first");
  check((uint16_t)w.top == 0 && w.bits == 0, "first fields");
  check(pc_rxwin_record(&w, 2) && (uint16_t)w.top == 2 && w.bits == 2, "gap");
  check(pc_rxwin_record(&w, 1) && w.bits == 3, "fill");
  check(!pc_rxwin_record(&w, 1) && !pc_rxwin_record(&w, 2), "duplicates");
  check(pc_rxwin_seen(&w, 0) && pc_rxwin_seen(&w, 2) && !pc_rxwin_seen(&w, 3), "seen");
  check(pc_rxwin_record(&w, 34) && w.bits == 0x80000000u, "shift by 32");
  check(pc_rxwin_record(&w, 0xfff0) && (uint16_t)w.top == 34, "wrapped older id: not newer");
  pc_rxwin_t v = {0};
  pc_rxwin_record(&v, 0xffff);
  check(pc_rxwin_record(&v, 0) && (uint16_t)v.top == 0 && v.bits == 1, "wrap forward");
  check(pc_rxwin_record(&v, 100) && v.bits == 0, "jump beyond the bits");
}

static void test_inflate(void) {
  unsigned char src[1000], packed[1100], out[1000];
  memset(src, 0xa5, sizeof src);
  z_stream z;
  memset(&z, 0, sizeof z);
  check(deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK, "deflateInit2");
  z.next_in = src;
  z.avail_in = sizeof src;
  z.next_out = packed;
  z.avail_out = sizeof packed;
  check(deflate(&z, Z_FINISH) == Z_STREAM_END, "deflate");
  size_t plen = sizeof packed - z.avail_out;
  deflateEnd(&z);
  void *state = NULL;
  check(pc_inflate(&state, packed, plen, out, sizeof out) == 1000 && memcmp(out, src, 1000) == 0, "inflate");
  check(pc_inflate(&state, packed, plen, out, 999) == -1, "inflate past the cap refused");
  check(pc_inflate(&state, packed, plen - 1, out, sizeof out) == -1, "truncated refused");
  check(pc_inflate(&state, packed, plen, out, sizeof out) == 1000, "reusable after a failure");
  pc_inflate_free(&state);
}

int main(void) {
  test_xchacha();
  test_aes_gcm();
  test_datagram();
  test_rxwin();
  test_inflate();
  if (failed > 0) return 1;
  printf("paperclip_test: ok (AEAD vectors, headers, receive window, inflate)\n");
  return 0;
}
