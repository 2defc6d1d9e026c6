/* See paperclip_proto.h. The byte layouts mirror lib/wire/ (encode.ts, layout.ts, decode.ts),
 * lib/protocol/handshake/nonce.ts and native/xchacha.cc. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "paperclip_proto.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void put16(unsigned char *p, uint16_t v) {
  p[0] = (unsigned char)(v >> 8);
  p[1] = (unsigned char)v;
}
static void put32be(unsigned char *p, uint32_t v) {
  put16(p, (uint16_t)(v >> 16));
  put16(p + 2, (uint16_t)v);
}
static void put64be(unsigned char *p, uint64_t v) {
  put32be(p, (uint32_t)(v >> 32));
  put32be(p + 4, (uint32_t)v);
}
static uint16_t get16(const unsigned char *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32be(const unsigned char *p) { return (uint32_t)get16(p) << 16 | get16(p + 2); }
static uint64_t get64be(const unsigned char *p) { return (uint64_t)get32be(p) << 32 | get32be(p + 4); }

/* ---- AEAD ---- */

static uint32_t load32le(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static void store32le(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)v;
  p[1] = (unsigned char)(v >> 8);
  p[2] = (unsigned char)(v >> 16);
  p[3] = (unsigned char)(v >> 24);
}
static uint32_t rotl(uint32_t v, int n) { return v << n | v >> (32 - n); }
#define QR(a, b, c, d)                                                                                                 \
  do {                                                                                                                 \
    x[a] += x[b], x[d] = rotl(x[d] ^ x[a], 16);                                                                        \
    x[c] += x[d], x[b] = rotl(x[b] ^ x[c], 12);                                                                        \
    x[a] += x[b], x[d] = rotl(x[d] ^ x[a], 8);                                                                         \
    x[c] += x[d], x[b] = rotl(x[b] ^ x[c], 7);                                                                         \
  } while (0)

void pc_hchacha20(unsigned char out[32], const unsigned char key[32], const unsigned char nonce16[16]) {
  uint32_t x[16] = {0x61707865u, 0x3320646eu, 0x79622d32u, 0x6b206574u}; /* "expand 32-byte k" */
  for (int i = 0; i < 8; i++) x[4 + i] = load32le(key + 4 * i);
  for (int i = 0; i < 4; i++) x[12 + i] = load32le(nonce16 + 4 * i);
  for (int round = 0; round < 10; round++) { /* 20 rounds: 10 column + diagonal pairs */
    QR(0, 4, 8, 12);
    QR(1, 5, 9, 13);
    QR(2, 6, 10, 14);
    QR(3, 7, 11, 15);
    QR(0, 5, 10, 15);
    QR(1, 6, 11, 12);
    QR(2, 7, 8, 13);
    QR(3, 4, 9, 14);
  }
  /* No feed-forward: the subkey is state words 0..3 and 12..15. */
  for (int i = 0; i < 4; i++) store32le(out + 4 * i, x[i]);
  for (int i = 0; i < 4; i++) store32le(out + 16 + 4 * i, x[12 + i]);
}
#undef QR

int pc_aead_init(pc_aead_t *a, pc_aead_alg_t alg, const unsigned char key[32], const unsigned char iv[16]) {
  memset(a, 0, sizeof *a);
  a->alg = alg;
  memcpy(a->iv, iv, 16);
  unsigned char subkey[32];
  const unsigned char *k = key;
  if (alg == PC_XCHACHA20_POLY1305) {
    /* The XChaCha nonce is iv(16) || counter(8): the HChaCha20 input, iv, never changes. */
    pc_hchacha20(subkey, key, iv);
    k = subkey;
  }
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
  const EVP_CIPHER *cipher = alg == PC_XCHACHA20_POLY1305 ? EVP_chacha20_poly1305() : EVP_aes_256_gcm();
  int ok = ctx != NULL && EVP_CipherInit_ex(ctx, cipher, NULL, k, NULL, 1) == 1;
  OPENSSL_cleanse(subkey, sizeof subkey);
  if (!ok) {
    EVP_CIPHER_CTX_free(ctx);
    fprintf(stderr, "paperclip: OpenSSL AEAD context setup failed\n");
    return -1;
  }
  a->ctx = ctx;
  return 0;
}

void pc_aead_free(pc_aead_t *a) {
  EVP_CIPHER_CTX_free(a->ctx);
  a->ctx = NULL;
}

/* The 12-byte nonce OpenSSL sees: XChaCha → 00000000 || counter (the last 8 bytes of its 24-byte
 * nonce); AES-256-GCM → iv[0, 4) || counter. */
static void nonce12(const pc_aead_t *a, uint64_t counter, unsigned char out[12]) {
  if (a->alg == PC_XCHACHA20_POLY1305) memset(out, 0, 4);
  else memcpy(out, a->iv, 4);
  put64be(out + 4, counter);
}

static int begin(pc_aead_t *a, uint64_t counter, const unsigned char *aad, size_t aad_len, int encrypt) {
  unsigned char nonce[12];
  nonce12(a, counter, nonce);
  int n = 0;
  if (EVP_CipherInit_ex(a->ctx, NULL, NULL, NULL, nonce, encrypt) != 1) return -1;
  if (aad_len > 0 && EVP_CipherUpdate(a->ctx, NULL, &n, aad, (int)aad_len) != 1) return -1;
  return 0;
}

int pc_seal(pc_aead_t *a, uint64_t counter, const unsigned char *aad, size_t aad_len, unsigned char *buf, size_t len) {
  int n = 0, m = 0;
  if (begin(a, counter, aad, aad_len, 1) != 0) return -1;
  if (len > 0 && EVP_CipherUpdate(a->ctx, buf, &n, buf, (int)len) != 1) return -1;
  if (EVP_CipherFinal_ex(a->ctx, buf + n, &m) != 1) return -1;
  if (EVP_CIPHER_CTX_ctrl(a->ctx, EVP_CTRL_AEAD_GET_TAG, (int)PC_TAG, buf + len) != 1) return -1;
  return 0;
}

long pc_open(pc_aead_t *a, uint64_t counter, const unsigned char *aad, size_t aad_len, unsigned char *buf, size_t len) {
  if (len < PC_TAG) return -1;
  size_t plain = len - PC_TAG;
  unsigned char tag[PC_TAG];
  memcpy(tag, buf + plain, PC_TAG);
  int n = 0, m = 0;
  if (begin(a, counter, aad, aad_len, 0) != 0) return -1;
  if (plain > 0 && EVP_CipherUpdate(a->ctx, buf, &n, buf, (int)plain) != 1) return -1;
  if (EVP_CIPHER_CTX_ctrl(a->ctx, EVP_CTRL_AEAD_SET_TAG, (int)PC_TAG, tag) != 1) return -1;
  if (EVP_CipherFinal_ex(a->ctx, buf + n, &m) != 1) return -1;
  return (long)plain;
}

/* ---- headers ---- */

int pc_parse_header(const unsigned char *p, size_t len, pc_header_t *h) {
  memset(h, 0, sizeof *h);
  if (len < 4 || p[0] >> 4 != PC_VERSION) return -1;
  h->type = p[0] & 0x0fu;
  h->flags = p[1];
  h->sequence = get16(p + 2);
  if (h->type > PC_ERROR || h->type == PC_AUTH || (h->flags & PC_RESERVED) != 0) return -1;
  size_t at = 4;
  if (h->flags & PC_FRAG) {
    if (len < at + 4) return -1;
    h->frag_id = get16(p + at);
    h->frag_count = get16(p + at + 2);
    if (h->frag_count == 0 || h->frag_id >= h->frag_count) return -1;
    at += 4;
  }
  if (h->flags & PC_ENCRYPTED) {
    if (len < at + 8) return -1;
    h->counter = get64be(p + at);
    at += 8;
  }
  if (h->flags & PC_CHECKSUM) at += 4; /* covered by the AEAD when sealed; never verified here */
  switch (h->type) {
    case PC_ACK:
      if (len < at + 6) return -1;
      h->ack_id = get16(p + at);
      h->ack_bits = get32be(p + at + 2);
      at += 6;
      break;
    case PC_HEARTBEAT:
    case PC_ERROR:
      if (len < at + 1) return -1;
      h->type_byte = p[at];
      at += 1;
      break;
    default:
      break;
  }
  if (at > len || ((h->flags & PC_ENCRYPTED) && len - at < PC_TAG)) return -1;
  h->data_offset = at;
  return 0;
}

size_t pc_write_header(unsigned char *p, unsigned flags, uint16_t sequence, uint64_t counter, bool ack_fields,
                       uint16_t ack_id, uint32_t ack_bits) {
  p[0] = (unsigned char)(PC_VERSION << 4 | (ack_fields ? PC_ACK : PC_DEFAULT));
  p[1] = (unsigned char)(flags | PC_ENCRYPTED);
  put16(p + 2, sequence);
  put64be(p + 4, counter);
  if (!ack_fields) return 12;
  put16(p + 12, ack_id);
  put32be(p + 14, ack_bits);
  return 18;
}

size_t pc_write_error_header(unsigned char *p, unsigned flags, uint16_t sequence, uint64_t counter, unsigned major,
                             unsigned minor) {
  p[0] = (unsigned char)(PC_VERSION << 4 | PC_ERROR);
  p[1] = (unsigned char)(flags | PC_ENCRYPTED);
  put16(p + 2, sequence);
  put64be(p + 4, counter);
  p[12] = (unsigned char)((major & 15u) << 4 | (minor & 15u));
  return 13;
}

/* ---- receive window ---- */

bool pc_rxwin_record(pc_rxwin_t *w, uint16_t sequence) {
  if (!w->has) {
    /* The first id lands one wrap up, so earlier ones still map below it (as ack-window.ts). */
    w->has = true;
    w->top = (uint64_t)sequence + 0x10000u;
    w->bits = 0;
    return true;
  }
  int16_t d = (int16_t)(uint16_t)(sequence - (uint16_t)w->top);
  uint64_t ext = w->top + (uint64_t)(int64_t)d;
  if (ext > w->top) {
    uint64_t shift = ext - w->top;
    if (shift > 32) w->bits = 0;
    else w->bits = (shift == 32 ? 0 : w->bits << shift) | (uint32_t)1 << (shift - 1);
    w->top = ext;
    return true;
  }
  if (ext == w->top) return false;
  uint64_t age = w->top - ext;
  if (age > 32) return true;
  uint32_t bit = (uint32_t)1 << (age - 1);
  if (w->bits & bit) return false;
  w->bits |= bit;
  return true;
}

bool pc_rxwin_seen(const pc_rxwin_t *w, uint16_t sequence) {
  if (!w->has) return false;
  int16_t d = (int16_t)(uint16_t)(sequence - (uint16_t)w->top);
  if (d > 0 || d < -32) return false;
  return d == 0 || (w->bits & (uint32_t)1 << (-d - 1)) != 0;
}

/* ---- inflate ---- */

long pc_inflate(void **state, const unsigned char *src, size_t len, unsigned char *out, size_t cap) {
  z_stream *z = *state;
  if (z == NULL) {
    z = calloc(1, sizeof *z);
    if (z == NULL || inflateInit2(z, -15) != Z_OK) {
      free(z);
      return -1;
    }
    *state = z;
  } else if (inflateReset(z) != Z_OK) {
    return -1;
  }
  z->next_in = (unsigned char *)src; /* zlib's API is not const-correct; it never writes there */
  z->avail_in = (uInt)len;
  z->next_out = out;
  z->avail_out = (uInt)cap;
  int rc = inflate(z, Z_FINISH);
  if (rc != Z_STREAM_END || z->avail_in != 0) return -1; /* malformed, truncated or past cap */
  return (long)(cap - z->avail_out);
}

void pc_inflate_free(void **state) {
  if (*state == NULL) return;
  inflateEnd(*state);
  free(*state);
  *state = NULL;
}

/* ---- session file ---- */

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static int parse_hex(const char *text, unsigned char *out, size_t n) {
  if (strlen(text) != 2 * n) return -1;
  for (size_t i = 0; i < n; i++) {
    int hi = hexval(text[2 * i]), lo = hexval(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return -1;
    out[i] = (unsigned char)(hi << 4 | lo);
  }
  return 0;
}

static int parse_session(char *line, pc_session_t *s) {
  char *field[6];
  int n = 0;
  char *save = NULL;
  for (char *t = strtok_r(line, " \t\r\n", &save); t != NULL; t = strtok_r(NULL, " \t\r\n", &save)) {
    if (n == 6) return -1;
    field[n++] = t;
  }
  if (n != 6) return -1;
  char *end = NULL;
  errno = 0;
  long port = strtol(field[0], &end, 10);
  if (errno != 0 || *end != '\0' || port < 1 || port > 65535) return -1;
  if (strcmp(field[1], "0") != 0 && strcmp(field[1], "1") != 0) return -1;
  s->local_port = (uint16_t)port;
  s->alg = field[1][0] == '0' ? PC_XCHACHA20_POLY1305 : PC_AES_256_GCM;
  if (parse_hex(field[2], s->send_key, 32) != 0 || parse_hex(field[3], s->send_iv, 16) != 0 ||
      parse_hex(field[4], s->receive_key, 32) != 0 || parse_hex(field[5], s->receive_iv, 16) != 0)
    return -1;
  return 0;
}

long pc_read_sessions(const char *path, pc_session_t **out) {
  FILE *f = fopen(path, "r");
  if (f == NULL) {
    fprintf(stderr, "paperclip: %s: %s\n", path, strerror(errno));
    return -1;
  }
  pc_session_t *v = NULL;
  long n = 0, cap = 0, lineno = 0;
  char line[512];
  int rc = 0;
  while (fgets(line, sizeof line, f) != NULL) {
    lineno++;
    if (strchr(line, '\n') == NULL && !feof(f)) {
      fprintf(stderr, "paperclip: %s:%ld: line too long\n", path, lineno);
      rc = -1;
      break;
    }
    if (strspn(line, " \t\r\n") == strlen(line)) continue; /* blank */
    if (n == cap) {
      cap = cap == 0 ? 64 : cap * 2;
      pc_session_t *grown = realloc(v, (size_t)cap * sizeof *v);
      if (grown == NULL) {
        fprintf(stderr, "paperclip: out of memory\n");
        rc = -1;
        break;
      }
      v = grown;
    }
    if (parse_session(line, &v[n]) != 0) {
      fprintf(stderr,
              "paperclip: %s:%ld: expected `local_port aead(0|1) send_key send_iv receive_key receive_iv` "
              "(keys 32 bytes, ivs 16 bytes, hex)\n",
              path, lineno);
      rc = -1;
      break;
    }
    n++;
  }
  if (rc == 0 && ferror(f)) {
    fprintf(stderr, "paperclip: %s: read error\n", path);
    rc = -1;
  }
  fclose(f);
  if (rc == 0 && n == 0) {
    fprintf(stderr, "paperclip: %s: no sessions\n", path);
    rc = -1;
  }
  if (rc != 0) {
    if (v != NULL) OPENSSL_cleanse(v, (size_t)n * sizeof *v);
    free(v);
    return -1;
  }
  *out = v;
  return n;
}
