/*
 * paperclip_mock: a stand-in paperclip-net echo peer for `make check`, so the load generator's
 * paperclip mode runs under the sanitizers without Node. It is NOT a server under test (no
 * handshake, no retransmission, no congestion control); it only speaks the post-handshake wire
 * format (paperclip_proto.h) the way the real server does, plus a few ways to misbehave on purpose:
 *
 *   - invents --clients sessions (random keys and IVs, free local ports on 127.0.0.1) and writes
 *     them to --sessions in paperclip-sessions.ts's format, from the client's side;
 *   - opens every datagram, records its sequence, and echoes each frame on its channel with its own
 *     per-channel message sequence: whole messages coalesced into sealed ACK datagrams (RELIABLE,
 *     ACK fields) of at most 1200 bytes, messages over 1161 bytes as FRAG datagrams (1163-byte
 *     fragments) like the library; data of 256 bytes or more deflated when that shrinks it;
 *   - --drop-every K: ignores every K-th datagram that carries frames (not acknowledged: the
 *     client must resend reliable messages);
 *   - --dup-every K: sends every K-th echo datagram twice, the second under a new sequence and
 *     counter, as the server does when it retransmits after a lost ACK;
 *   - a HEARTBEAT PING to every client heard from, every 100 ms.
 *
 * Usage: paperclip_mock --sessions FILE [--clients 8] [--port 0] [--aead 0|1] [--drop-every 0] [--dup-every 0]
 * Prints {"event":"ready","port":P}; on SIGTERM or SIGINT {"event":"exit",...counters} and exits 0.
 */
#include "common.h"
#include "paperclip_proto.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/random.h>
#include <unistd.h>
#include <zlib.h>

#define FRAGMENT_PAYLOAD (PC_MTU - 4u - 4u - 8u - PC_TAG - PC_FRAME_HEADER) /* 1163 */
#define PING_NS 100000000u

typedef struct {
  uint16_t port;
  pc_aead_t seal, open;
  uint64_t tx;
  pc_rxwin_t rx;
  uint16_t msg_seq[256]; /* per channel byte */
  unsigned char out[PC_MTU];
  size_t out_len; /* frames waiting in `out` */
} session_t;

typedef struct {
  int fd;
  session_t *s;
  long n;
  int16_t by_port[65536]; /* session index + 1 */
  long drop_every, dup_every;
  uint64_t data_datagrams, sent_data;
  uint64_t datagrams, messages, dropped, dups, bad, disconnects;
  z_stream z;
} mock_t;

static volatile sig_atomic_t stopping;
static void on_signal(int sig) {
  (void)sig;
  stopping = 1;
}

static void die(const char *what) {
  fprintf(stderr, "paperclip_mock: %s: %s\n", what, strerror(errno));
  exit(1);
}

static void put16(unsigned char *p, uint16_t v) {
  p[0] = (unsigned char)(v >> 8);
  p[1] = (unsigned char)v;
}

static void put64(unsigned char *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (56 - 8 * i));
}

static void send_sealed(mock_t *m, session_t *s, unsigned type, unsigned flags, const unsigned char *fields,
                        size_t fields_len, const unsigned char *frag, const unsigned char *data, size_t len) {
  unsigned char d[PC_MTU + 64];
  d[0] = (unsigned char)(PC_VERSION << 4 | type);
  d[1] = (unsigned char)(flags | PC_ENCRYPTED | (frag != NULL ? PC_FRAG : 0u));
  put16(d + 2, (uint16_t)s->tx);
  size_t at = 4;
  if (frag != NULL) {
    memcpy(d + at, frag, 4);
    at += 4;
  }
  put64(d + at, s->tx);
  at += 8;
  memcpy(d + at, fields, fields_len);
  at += fields_len;
  if (at + len + PC_TAG > sizeof d) abort();
  memcpy(d + at, data, len);
  if (pc_seal(&s->seal, s->tx, d, at, d + at, len) != 0) abort();
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(s->port), .sin_addr = {htonl(INADDR_LOOPBACK)}};
  if (sendto(m->fd, d, at + len + PC_TAG, 0, (const struct sockaddr *)&to, sizeof to) < 0 && errno != EAGAIN &&
      errno != ECONNREFUSED && errno != ENOBUFS)
    die("sendto");
  s->tx++;
}

/* Frames (one, when frag != NULL) as a RELIABLE datagram: deflated when it helps, ACK fields unless FRAG. */
static void send_data(mock_t *m, session_t *s, const unsigned char *frames, size_t len, const unsigned char *frag) {
  unsigned char packed[PC_MTU];
  unsigned flags = PC_RELIABLE;
  if (len >= 256) {
    if (deflateReset(&m->z) != Z_OK) abort();
    m->z.next_in = (unsigned char *)frames;
    m->z.avail_in = (uInt)len;
    m->z.next_out = packed;
    m->z.avail_out = (uInt)(len - 1);
    if (deflate(&m->z, Z_FINISH) == Z_STREAM_END) {
      len = len - 1 - m->z.avail_out;
      frames = packed;
      flags |= PC_COMPRESSED;
    }
  }
  unsigned char fields[6];
  put16(fields, (uint16_t)s->rx.top);
  fields[2] = (unsigned char)(s->rx.bits >> 24);
  fields[3] = (unsigned char)(s->rx.bits >> 16);
  fields[4] = (unsigned char)(s->rx.bits >> 8);
  fields[5] = (unsigned char)s->rx.bits;
  unsigned type = frag != NULL ? PC_DEFAULT : PC_ACK;
  size_t fields_len = frag != NULL ? 0 : sizeof fields;
  int copies = m->dup_every > 0 && ++m->sent_data % (uint64_t)m->dup_every == 0 ? 2 : 1;
  if (copies == 2) m->dups++;
  for (int i = 0; i < copies; i++) send_sealed(m, s, type, flags, fields, fields_len, frag, frames, len);
}

static void flush(mock_t *m, session_t *s) {
  if (s->out_len == 0) return;
  send_data(m, s, s->out, s->out_len, NULL);
  s->out_len = 0;
}

static void echo(mock_t *m, session_t *s, unsigned channel, const unsigned char *payload, size_t len) {
  uint16_t seq = s->msg_seq[channel]++;
  m->messages++;
  if (len > PC_WHOLE_PAYLOAD) {
    size_t count = (len + FRAGMENT_PAYLOAD - 1) / FRAGMENT_PAYLOAD;
    for (size_t i = 0; i < count; i++) {
      unsigned char frame[PC_MTU], frag[4];
      size_t n = i + 1 < count ? FRAGMENT_PAYLOAD : len - i * FRAGMENT_PAYLOAD;
      pc_write_frame_header(frame, channel, seq, (uint16_t)n);
      memcpy(frame + PC_FRAME_HEADER, payload + i * FRAGMENT_PAYLOAD, n);
      put16(frag, (uint16_t)i);
      put16(frag + 2, (uint16_t)count);
      send_data(m, s, frame, PC_FRAME_HEADER + n, frag);
    }
    return;
  }
  if (s->out_len + PC_FRAME_HEADER + len > PC_FRAME_BUDGET) flush(m, s);
  s->out_len += pc_write_frame_header(s->out + s->out_len, channel, seq, (uint16_t)len);
  memcpy(s->out + s->out_len, payload, len);
  s->out_len += len;
}

static void on_datagram(mock_t *m, session_t *s, unsigned char *p, size_t len) {
  pc_header_t h;
  if (pc_parse_header(p, len, &h) != 0 || (h.flags & PC_ENCRYPTED) == 0 || (h.flags & PC_FRAG) != 0) {
    m->bad++;
    return;
  }
  long n = pc_open(&s->open, h.counter, p, h.data_offset, p + h.data_offset, len - h.data_offset);
  if (n < 0) {
    m->bad++;
    return;
  }
  const unsigned char *data = p + h.data_offset;
  bool frames = n > 0 && (h.type == PC_DEFAULT || h.type == PC_ACK);
  if (frames && m->drop_every > 0 && ++m->data_datagrams % (uint64_t)m->drop_every == 0) {
    m->dropped++; /* as if lost on the way: not recorded, not acknowledged */
    return;
  }
  if (!pc_rxwin_record(&s->rx, h.sequence)) return;
  if (h.type == PC_ERROR) {
    m->disconnects++;
    return;
  }
  if (!frames) return;
  size_t at = 0, total = (size_t)n;
  while (at < total) {
    size_t flen = total - at < PC_FRAME_HEADER ? 0 : (size_t)data[at + 3] << 8 | data[at + 4];
    if (total - at < PC_FRAME_HEADER || flen > total - at - PC_FRAME_HEADER) {
      m->bad++;
      break;
    }
    echo(m, s, data[at], data + at + PC_FRAME_HEADER, flen);
    at += PC_FRAME_HEADER + flen;
  }
  flush(m, s);
}

static void make_sessions(mock_t *m, const char *path, pc_aead_alg_t alg) {
  FILE *f = fopen(path, "w");
  if (f == NULL) die(path);
  int *fds = calloc((size_t)m->n, sizeof *fds);
  if (fds == NULL) die("calloc");
  for (long i = 0; i < m->n; i++) {
    /* free ports: bind them all at once (distinct), then let them go for the load generator */
    fds[i] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr = {htonl(INADDR_LOOPBACK)}};
    socklen_t alen = sizeof a;
    if (fds[i] < 0 || bind(fds[i], (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fds[i], (struct sockaddr *)&a, &alen) != 0)
      die("free port");
    session_t *s = &m->s[i];
    s->port = ntohs(a.sin_port);
    m->by_port[s->port] = (int16_t)(i + 1);
    unsigned char keys[96]; /* client send key, send iv, receive key, receive iv */
    if (getrandom(keys, sizeof keys, 0) != (ssize_t)sizeof keys) die("getrandom");
    if (pc_aead_init(&s->open, alg, keys, keys + 32) != 0 || pc_aead_init(&s->seal, alg, keys + 48, keys + 80) != 0)
      exit(1);
    fprintf(f, "%u %d ", s->port, alg == PC_XCHACHA20_POLY1305 ? 0 : 1);
    for (int k = 0; k < 96; k++) fprintf(f, "%02x%s", keys[k], k == 31 || k == 47 || k == 79 ? " " : "");
    fprintf(f, "\n");
  }
  for (long i = 0; i < m->n; i++) close(fds[i]);
  free(fds);
  if (fclose(f) != 0) die(path);
}

int main(int argc, char **argv) {
  static mock_t m;
  const char *sessions = NULL, *port = "0";
  long clients = 8, aead = 0;
  for (int i = 1; i < argc; i += 2) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    int rc = v == NULL ? -1 : 0;
    if (v == NULL) break;
    if (strcmp(a, "--sessions") == 0) sessions = v;
    else if (strcmp(a, "--port") == 0) port = v;
    else if (strcmp(a, "--clients") == 0) rc = parse_long(a, v, 1, 4000, &clients);
    else if (strcmp(a, "--aead") == 0) rc = parse_long(a, v, 0, 1, &aead);
    else if (strcmp(a, "--drop-every") == 0) rc = parse_long(a, v, 0, 1000000, &m.drop_every);
    else if (strcmp(a, "--dup-every") == 0) rc = parse_long(a, v, 0, 1000000, &m.dup_every);
    else rc = -1;
    if (rc != 0) {
      fprintf(stderr, "paperclip_mock: bad option %s\n", a);
      return 2;
    }
  }
  if (sessions == NULL || argc % 2 == 0) {
    fprintf(stderr, "usage: paperclip_mock --sessions FILE [--clients 8] [--port 0] [--aead 0|1] "
                    "[--drop-every K] [--dup-every K]\n");
    return 2;
  }
  m.n = clients;
  m.s = calloc((size_t)clients, sizeof *m.s);
  if (m.s == NULL || deflateInit2(&m.z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) die("init");
  make_sessions(&m, sessions, aead == 0 ? PC_XCHACHA20_POLY1305 : PC_AES_256_GCM);

  struct sockaddr_storage addr;
  socklen_t addr_len = 0;
  if (resolve_udp("127.0.0.1", port, 1, &addr, &addr_len) != 0) return 2;
  m.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (m.fd < 0 || bind(m.fd, (struct sockaddr *)&addr, addr_len) != 0) die("bind");
  struct sockaddr_in bound;
  socklen_t blen = sizeof bound;
  if (getsockname(m.fd, (struct sockaddr *)&bound, &blen) != 0) die("getsockname");
  struct sigaction sa = {.sa_handler = on_signal};
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  printf("{\"event\":\"ready\",\"impl\":\"paperclip-mock\",\"port\":%u}\n", ntohs(bound.sin_port));
  fflush(stdout);

  static unsigned char buf[65536];
  uint64_t next_ping = now_ns() + PING_NS;
  while (!stopping) {
    struct pollfd pfd = {.fd = m.fd, .events = POLLIN};
    int r = poll(&pfd, 1, 10);
    if (r < 0 && errno != EINTR) die("poll");
    for (int k = 0; r > 0 && k < 256; k++) { /* what is queued, then timers */
      struct sockaddr_in from;
      socklen_t flen = sizeof from;
      ssize_t n = recvfrom(m.fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
      if (n < 0) {
        if (errno != EAGAIN && errno != EINTR && errno != ECONNREFUSED) die("recvfrom");
        break;
      }
      m.datagrams++;
      int idx = m.by_port[ntohs(from.sin_port)];
      if (idx == 0 || from.sin_addr.s_addr != htonl(INADDR_LOOPBACK)) m.bad++;
      else on_datagram(&m, &m.s[idx - 1], buf, (size_t)n);
    }
    uint64_t now = now_ns();
    if (now >= next_ping) {
      next_ping = now + PING_NS;
      unsigned char ping = 0, stamp[8] = {0};
      for (long i = 0; i < m.n; i++)
        if (m.s[i].rx.has) send_sealed(&m, &m.s[i], PC_HEARTBEAT, 0, &ping, 1, NULL, stamp, sizeof stamp);
    }
  }
  printf("{\"event\":\"exit\",\"impl\":\"paperclip-mock\",\"datagrams\":%" PRIu64 ",\"messages\":%" PRIu64
         ",\"dropped\":%" PRIu64 ",\"dups\":%" PRIu64 ",\"bad\":%" PRIu64 ",\"disconnects\":%" PRIu64 "}\n",
         m.datagrams, m.messages, m.dropped, m.dups, m.bad, m.disconnects);
  for (long i = 0; i < m.n; i++) {
    pc_aead_free(&m.s[i].seal);
    pc_aead_free(&m.s[i].open);
  }
  free(m.s);
  deflateEnd(&m.z);
  close(m.fd);
  return 0;
}
