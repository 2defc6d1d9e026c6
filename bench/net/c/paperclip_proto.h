/*
 * The paperclip-net wire protocol as the load generator needs it (docs/PROTOCOL.md; the reference
 * is lib/wire/ and lib/protocol/): datagram headers, AEAD sealing, message frames, the receive
 * window that produces ACK fields, raw inflate, and the session file paperclip-sessions.ts writes.
 * No handshake, no fragmentation on the sending side, no retransmission policy: loadgen.c owns
 * those decisions. Plain C11 against OpenSSL's EVP interface (-lcrypto) and zlib (-lz).
 *
 * All multi-byte wire fields are big-endian:
 *
 *   byte 0      version 1 << 4 | type (DEFAULT 0, ACK 1, AUTH 2, HEARTBEAT 3, ERROR 4)
 *   byte 1      flags: RELIABLE 0x80, CHECKSUM 0x40, COMPRESSED 0x20, ENCRYPTED 0x10, FRAG 0x08
 *   bytes 2..3  datagram sequence (u16)
 *   [FRAG]      fragment id u16, fragment count u16
 *   [ENCRYPTED] packet counter u64 (the AEAD nonce source)
 *   [CHECKSUM]  CRC-32 u32
 *   type fields ACK: ack id u16 + ack bits u32; HEARTBEAT: 1 byte; ERROR: major << 4 | minor
 *   data        sealed: ciphertext || 16-byte tag, AAD = every byte before the data
 *
 * The plaintext data of DEFAULT / ACK datagrams is a run of frames:
 *   channel u8 (kind << 6 | index) | message sequence u16 | length u16 | payload
 */
#ifndef BENCH_NET_PAPERCLIP_PROTO_H
#define BENCH_NET_PAPERCLIP_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PC_VERSION 1u
enum { PC_DEFAULT = 0, PC_ACK = 1, PC_AUTH = 2, PC_HEARTBEAT = 3, PC_ERROR = 4 };
#define PC_RELIABLE 0x80u
#define PC_CHECKSUM 0x40u
#define PC_COMPRESSED 0x20u
#define PC_ENCRYPTED 0x10u
#define PC_FRAG 0x08u
#define PC_RESERVED 0x07u

#define PC_TAG 16u
#define PC_FRAME_HEADER 5u
/* The library's default MTU: the datagram size its senders never exceed. */
#define PC_MTU 1200u
/* Fixed header + counter + ACK fields + tag: the most a sealed ACK datagram spends besides frames. */
#define PC_OVERHEAD (4u + 8u + 6u + PC_TAG)
/* Frame bytes one datagram can carry within the MTU (1166). */
#define PC_FRAME_BUDGET (PC_MTU - PC_OVERHEAD)
/* The largest message a peer with the default MTU sends whole; longer ones arrive fragmented. */
#define PC_WHOLE_PAYLOAD (PC_FRAME_BUDGET - PC_FRAME_HEADER)

#define PC_KIND_RELIABLE_ORDERED 0u
#define PC_KIND_UNRELIABLE 2u

typedef enum { PC_XCHACHA20_POLY1305 = 0, PC_AES_256_GCM = 1 } pc_aead_alg_t;

/* One direction's AEAD: an OpenSSL context keyed once (XChaCha's HChaCha20 subkey depends only
 * on the static IV, so it is derived once too); each call only sets the nonce. */
typedef struct {
  pc_aead_alg_t alg;
  unsigned char iv[16];
  void *ctx; /* EVP_CIPHER_CTX */
} pc_aead_t;

/* 0 on success; -1 (with a message on stderr) if OpenSSL fails. */
int pc_aead_init(pc_aead_t *a, pc_aead_alg_t alg, const unsigned char key[32], const unsigned char iv[16]);
void pc_aead_free(pc_aead_t *a);
/* Encrypts buf[0, len) in place and writes the tag at buf + len. 0 on success. */
int pc_seal(pc_aead_t *a, uint64_t counter, const unsigned char *aad, size_t aad_len, unsigned char *buf, size_t len);
/* Verifies and decrypts buf[0, len) (ciphertext || tag) in place; the plaintext length, or -1. */
long pc_open(pc_aead_t *a, uint64_t counter, const unsigned char *aad, size_t aad_len, unsigned char *buf, size_t len);

/* HChaCha20 (draft-irtf-cfrg-xchacha-03 §2.2), exposed for the self-test. */
void pc_hchacha20(unsigned char out[32], const unsigned char key[32], const unsigned char nonce16[16]);

typedef struct {
  unsigned type, flags;
  uint16_t sequence;
  uint16_t frag_id, frag_count;
  uint64_t counter;
  uint16_t ack_id;
  uint32_t ack_bits;
  unsigned char type_byte; /* HEARTBEAT kind or ERROR code */
  size_t data_offset;      /* = AAD length for a sealed datagram */
} pc_header_t;

/* Parses a datagram's header; 0 when it is well formed (version, reserved bits, lengths,
 * at least a tag of data when ENCRYPTED), -1 otherwise. AUTH type fields are not parsed (-1). */
int pc_parse_header(const unsigned char *p, size_t len, pc_header_t *h);

/* Writes the header of a sealed DEFAULT (ack_fields false) or ACK datagram; returns its length
 * (12 or 18): the frames go right after it and pc_seal covers them with the header as AAD. */
size_t pc_write_header(unsigned char *p, unsigned flags, uint16_t sequence, uint64_t counter, bool ack_fields,
                       uint16_t ack_id, uint32_t ack_bits);

/* Writes the header of a sealed ERROR datagram (code major.minor); returns its length (13). */
size_t pc_write_error_header(unsigned char *p, unsigned flags, uint16_t sequence, uint64_t counter, unsigned major,
                             unsigned minor);

static inline size_t pc_write_frame_header(unsigned char *p, unsigned channel, uint16_t sequence, uint16_t length) {
  p[0] = (unsigned char)channel;
  p[1] = (unsigned char)(sequence >> 8);
  p[2] = (unsigned char)sequence;
  p[3] = (unsigned char)(length >> 8);
  p[4] = (unsigned char)length;
  return PC_FRAME_HEADER;
}

/*
 * The receive window of 16-bit datagram sequences, lib/protocol/ack-window.ts's ACK half: the
 * newest sequence received (extended so it never wraps) and bit i = "newest - 1 - i received".
 * Older than 32 behind the newest cannot be told from a duplicate: it counts as new and leaves the
 * fields alone (its content is checked against the slots anyway).
 */
typedef struct {
  bool has;
  uint64_t top;
  uint32_t bits;
} pc_rxwin_t;

/* true when `sequence` is new (and records it), false for a duplicate. */
bool pc_rxwin_record(pc_rxwin_t *w, uint16_t sequence);
/* true when `sequence` was recorded (and is not older than 32 behind the newest); changes nothing. */
bool pc_rxwin_seen(const pc_rxwin_t *w, uint16_t sequence);

/* Raw inflate (the COMPRESSED transform) of src into out[0, cap): the length, or -1 when the data
 * is malformed or inflates past cap. `state` is NULL the first time; free it with pc_inflate_free. */
long pc_inflate(void **state, const unsigned char *src, size_t len, unsigned char *out, size_t cap);
void pc_inflate_free(void **state);

typedef struct {
  uint16_t local_port;
  pc_aead_alg_t alg;
  unsigned char send_key[32], send_iv[16], receive_key[32], receive_iv[16];
} pc_session_t;

/* Reads a session file (`local_port aead send_key send_iv receive_key receive_iv` per line, hex);
 * on success *out is malloc'd and the line count returned; -1 with a message on any error. */
long pc_read_sessions(const char *path, pc_session_t **out);

#endif
