/*
 * loadgen: the one load generator of `npm run bench:net`; every server is measured by this same
 * program, so differences between rows are differences between servers.
 *
 * Method: N clients (--clients, default 64), each its own UDP socket (raw, paperclip) or its own
 * ENetHost with one peer (enet), so the server sees N distinct sources. Closed loop: each client
 * keeps --window W messages outstanding; every echo frees its slot and the slot is refilled at
 * once. --rate R
 * (messages/s over all clients) turns this into a paced open loop still capped by the window;
 * pacing that falls behind by more than every window's worth forgives the excess
 * (rate_shortfall) rather than bursting. One thread: epoll waits on every client socket; raw
 * clients send with sendmmsg (up to 64 per call) and receive with recvmmsg, so the generator
 * spends a few syscalls per batch and does not saturate before the server does. ENet clients go
 * through libenet (enet_host_service on readable hosts, enet_host_flush after refilling, every
 * host serviced at least every 5 ms for ENet's acks, pings and resends).
 *
 * paperclip: paperclip-net connections whose handshakes were done beforehand by
 * bench/net/paperclip-sessions.ts; --sessions FILE names its session file, one client per line
 * (--clients, if given, must equal the line count). Each client binds the line's local port on
 * 127.0.0.1 and carries on that connection from packet counter 0 and datagram sequence 0, speaking
 * the wire protocol (paperclip_proto.{h,c}) itself: every datagram sealed (XChaCha20-Poly1305 or
 * AES-256-GCM as negotiated), messages as frames on channel 0 of kind reliable-ordered (--mode
 * reliable) or unreliable (--mode unreliable). The messages a client produces in one refill pass
 * are coalesced into as few datagrams as fit the library's 1200-byte MTU, like enet_host_flush (at
 * --size 1200 one message does not fit: it goes alone in a 1239-byte datagram, never fragmented).
 * Every datagram with frames is RELIABLE and carries ACK fields once the server was heard from;
 * as paperclip-net's own clients do, two RELIABLE datagrams from the server (or a duplicate) not
 * acknowledged that way get a pure ACK at once, a single one within 5 ms (at once while draining),
 * since the server's retransmissions and congestion window run on our acknowledgements. Reliable mode keeps each message until a datagram carrying it is acknowledged
 * and resends it in a new datagram after max(3 x smoothed RTT, 20 ms) (100 ms before the first RTT
 * sample). Echoes are opened, inflated when COMPRESSED and reassembled when the server fragmented
 * them (it fragments messages over 1161 bytes); a second echo of a message whose slot was freed
 * (the server retransmitted because an ACK was lost) counts as "late", never as received, and so
 * does a fragment arriving after its message was reassembled. Extra result fields: retransmits
 * (reliable messages sent again), pure_acks, dup_datagrams (datagram sequences seen twice), errors
 * (ERROR datagrams received; the first is printed on stderr), frag_dropped (reassemblies given up:
 * 2 s old, or the pool of min(window, 32) per client was full). At the end every client sends one
 * unacknowledged ERROR 2.2 (client disconnect), so the server frees its connections at once.
 *
 * Each message is --size bytes: a 32-byte header (magic, client id, slot, sequence, send time; host
 * byte order, it only travels to an echo and back) then a fixed fill pattern. An echo counts when
 * its header matches an outstanding slot of the client that received it; the round trip is the
 * monotonic time from the send call to the receive call that returned it (so it includes the
 * generator's own batching), recorded in a log-linear histogram (common.h, 1.6 % resolution).
 *
 * Phases: --warmup seconds unmeasured, then --duration seconds measured: only messages SENT in the
 * measured window count (sent, received, lost, RTT), and msgs_per_sec = received / window. Then a
 * drain: no new sends until every measured message is echoed or declared lost. Unreliable
 * messages (raw, enet and paperclip unreliable) are declared lost after --loss-timeout-ms (default
 * 200) without an echo and their slot is reused; an echo arriving later counts as "late". Reliable
 * ENet and paperclip messages are never timed out; any still outstanding 5 s after the window are
 * lost.
 * Invariant printed and checked: sent == received + lost.
 *
 * ENet reliability: --mode reliable sends ENET_PACKET_FLAG_RELIABLE; --mode unreliable sends
 * ENET_PACKET_FLAG_UNSEQUENCED (delivered as it arrives, like paperclip-net's 'unreliable'
 * delivery), on channel 0. Raw mode has no reliability: only --mode unreliable is accepted.
 *
 * Output: one JSON line on stdout. On stderr, {"mark":"measure_start"} and {"mark":"measure_end"}
 * lines at the window's edges, so a caller can sample the server's CPU over the same window.
 * Exit 0 after a run (loss is data, not an error); 1 on a socket error, a refused server, an ENet
 * disconnect or a failed connect; 2 on bad options (or an unreadable session file).
 *
 * Usage: loadgen --proto raw|enet|paperclip --port P [--host 127.0.0.1] [--clients 64] [--window 8]
 *                [--size 64] [--mode unreliable|reliable] [--duration 5] [--warmup 1] [--rate 0]
 *                [--loss-timeout-ms 200] [--sessions FILE (paperclip)]
 */
#include "common.h"
#include "paperclip_proto.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#ifdef HAVE_ENET
#include <enet/enet.h>
#endif

#define HDR_SIZE 32u
#define MAGIC 0x50434c47u /* "PCLG" */
#define BATCH 64u
#define MAX_CLIENTS 4000L
#define MAX_WINDOW 4096L
#define SWEEP_NS 10000000u        /* look for timed-out messages every 10 ms */
#define ENET_SERVICE_NS 5000000u  /* and service every ENet host at least every 5 ms */
#define RELIABLE_DRAIN_NS 5000000000u
#define FILL 0xA5u

#define PC_ACK_DELAY_NS 5000000u         /* paperclip: a RELIABLE datagram is acknowledged within 5 ms */
#define PC_TICK_NS 1000000u              /* ACK deadlines are checked every 1 ms */
#define PC_RESEND_SCAN_NS 5000000u       /* overdue reliable messages are looked for every 5 ms */
#define PC_MIN_RTO_NS 20000000u          /* resend after max(3 x srtt, 20 ms) */
#define PC_INITIAL_RTO_NS 100000000u     /* before the first RTT sample */
#define PC_MAX_BACKOFF 5u                /* a message resent again waits 2, 4, .. 32 x the timeout, */
#define PC_MAX_BACKED_OFF_NS 1000000000u /* but at most 1 s (or the timeout itself, if longer) */
#define PC_PARTIAL_TIMEOUT_NS 2000000000u /* an incomplete fragmented echo is dropped after 2 s */
#define PC_RSTRIDE 2048u                 /* receive slot: the server never exceeds its 1200-byte MTU */
#define PC_MAX_RELIABLE_WINDOW 1024L     /* the server's reorder window (channel-receiver.ts) */
#define PC_FRESH 0x80000000u             /* pending-frame flag: a new message, not a resend */

typedef enum { PROTO_RAW, PROTO_ENET, PROTO_PAPERCLIP } proto_t;
typedef enum { PHASE_WARMUP, PHASE_MEASURE, PHASE_DRAIN } phase_t;

typedef struct {
  proto_t proto;
  const char *host;
  const char *port;
  const char *sessions;
  long clients, window, size, loss_timeout_ms;
  bool clients_given;
  bool reliable;
  double duration_s, warmup_s, rate;
} opts_t;

typedef struct {
  uint64_t seq;
  uint64_t sent_ns;
  bool active;
  bool measured;
} slot_t;

/* paperclip: per-slot transmission state. */
typedef struct {
  uint64_t tx_ns;   /* last transmission */
  uint16_t msg_seq; /* message sequence on the channel (kept across resends) */
  uint8_t backoff;  /* resends so far (capped): the next waits rto << backoff */
  bool unacked;     /* sent, and no datagram carrying it acknowledged yet */
} pc_slot_t;

/* paperclip: a sent datagram with frames, until its acknowledgement. */
typedef struct {
  uint64_t seq; /* extended sequence = packet counter */
  uint64_t sent_ns;
  uint32_t n;   /* frames: refs[index * per_dgram ..] */
  bool live;
} pc_sent_t;

typedef struct {
  uint16_t slot, msg_seq;
} pc_ref_t;

/* paperclip: an echo the server fragmented, being reassembled. */
typedef struct {
  bool used;
  uint16_t msg_seq, count;
  uint64_t mask; /* fragments received */
  uint32_t bytes;
  uint64_t started_ns;
  unsigned char *buf; /* --size bytes */
} pc_partial_t;

typedef struct {
  pc_aead_t seal, open;
  uint64_t tx;      /* datagrams sent: the next one's packet counter and (low 16 bits) sequence */
  uint16_t msg_seq; /* the next new message's sequence */
  pc_rxwin_t rx;
  uint32_t ack_owed; /* RELIABLE datagrams received since ACK fields last went out */
  uint64_t ack_deadline;
  pc_slot_t *slots;
  uint32_t unacked; /* slots with unacked set */
  pc_sent_t *ring;  /* indexed by seq & ring_mask */
  pc_ref_t *refs;
  uint32_t ring_mask;
  bool has_rtt;
  double srtt_ns;
  pc_partial_t *partials;
  uint32_t npartials;
  pc_rxwin_t reassembled; /* message sequences of the latest reassembled echoes */
} pc_client_t;

typedef struct {
  int fd;
  pc_client_t *pc; /* paperclip only */
#ifdef HAVE_ENET
  ENetHost *host;
  ENetPeer *peer;
#endif
  bool connected;
  slot_t *slots;
  uint32_t *free_slots; /* stack of free slot indices */
  uint32_t nfree;
  uint64_t next_seq;
} client_t;

typedef struct {
  opts_t o;
  client_t *cl;
  int epfd;
  phase_t phase;
  uint64_t t_start, t_measure, t_end, drain_deadline, loss_timeout_ns;
  hist_t hist;
  /* messages sent in the measured window */
  uint64_t sent, received, lost, outstanding;
  /* any phase */
  uint64_t late, bad, send_eagain, sent_total, rate_forgiven;
  bool starved; /* some client has free slots it could not fill yet */
  uint32_t rr;  /* where the next fill-everyone pass starts, for fairness */
  unsigned char *sbuf;
  size_t sstride, rstride;
  unsigned char *rbuf;
  /* paperclip */
  pc_session_t *sessions;
  unsigned pc_channel;   /* the channel byte of every message */
  uint32_t pc_per_dgram; /* messages coalesced into one datagram at most */
  uint32_t *pc_pend;     /* frames of each datagram of a batch: slot | PC_FRESH */
  uint32_t pc_count[BATCH];
  uint32_t *pc_resend;   /* one client's overdue slots */
  unsigned char *pc_inflated;
  void *pc_zstate;
  uint64_t pc_next_tick, pc_next_scan;
  uint64_t pc_retransmits, pc_pure_acks, pc_dup_datagrams, pc_errors, pc_frag_dropped;
  struct mmsghdr smsg[BATCH], rmsg[BATCH];
  struct iovec siov[BATCH], riov[BATCH];
} gen_t;

static void fatal(const char *what) {
  fprintf(stderr, "loadgen: %s\n", what);
  exit(1);
}

static void fatal_errno(const char *what) {
  fprintf(stderr, "loadgen: %s: %s\n", what, strerror(errno));
  exit(1);
}

static void put32(unsigned char *p, uint32_t v) { memcpy(p, &v, sizeof v); }
static void put64(unsigned char *p, uint64_t v) { memcpy(p, &v, sizeof v); }
static uint32_t get32(const unsigned char *p) {
  uint32_t v;
  memcpy(&v, p, sizeof v);
  return v;
}
static uint64_t get64(const unsigned char *p) {
  uint64_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

static void write_header(unsigned char *p, uint32_t client, uint32_t slot, uint64_t seq, uint64_t sent_ns) {
  put32(p, MAGIC);
  put32(p + 4, client);
  put32(p + 8, slot);
  put32(p + 12, 0);
  put64(p + 16, seq);
  put64(p + 24, sent_ns);
}

/* Messages the pacing allows now (UINT64_MAX when closed-loop). */
static uint64_t send_budget(gen_t *g, uint64_t now) {
  if (g->phase == PHASE_DRAIN) return 0;
  if (g->o.rate <= 0) return UINT64_MAX;
  double due_d = g->o.rate * (double)(now - g->t_start) / 1e9;
  uint64_t due = (uint64_t)due_d;
  uint64_t done = g->sent_total + g->rate_forgiven;
  if (due <= done) return 0;
  uint64_t budget = due - done;
  uint64_t cap = (uint64_t)g->o.clients * (uint64_t)g->o.window;
  if (budget > cap) { /* the server fell behind: forgive the excess instead of bursting it */
    g->rate_forgiven += budget - cap;
    budget = cap;
  }
  return budget;
}

static void mark_sent(gen_t *g, client_t *c, uint32_t slot, uint64_t seq, uint64_t now) {
  slot_t *s = &c->slots[slot];
  s->seq = seq;
  s->sent_ns = now;
  s->active = true;
  s->measured = g->phase == PHASE_MEASURE;
  if (s->measured) {
    g->sent++;
    g->outstanding++;
  }
  g->sent_total++;
}

static void free_slot(client_t *c, uint32_t slot) {
  c->slots[slot].active = false;
  c->free_slots[c->nfree++] = slot;
  if (c->pc != NULL && c->pc->slots[slot].unacked) {
    c->pc->slots[slot].unacked = false;
    c->pc->unacked--;
  }
}

static void on_echo(gen_t *g, uint32_t ci, const unsigned char *p, size_t len, uint64_t now) {
  if (len != (size_t)g->o.size || p[len - 1] != FILL) {
    g->bad++;
    return;
  }
  uint32_t slot = get32(p + 8);
  if (get32(p) != MAGIC || get32(p + 4) != ci || slot >= (uint32_t)g->o.window) {
    g->bad++;
    return;
  }
  client_t *c = &g->cl[ci];
  slot_t *s = &c->slots[slot];
  if (!s->active || s->seq != get64(p + 16)) {
    g->late++; /* timed out already (or a duplicate) */
    return;
  }
  if (s->measured) {
    g->received++;
    g->outstanding--;
    hist_record(&g->hist, now > s->sent_ns ? now - s->sent_ns : 0);
  }
  free_slot(c, slot);
}

/* Declares unreliable messages lost after the loss timeout, so their slots keep the loop going. */
static void sweep(gen_t *g, uint64_t now) {
  if (g->loss_timeout_ns == 0) return;
  for (long ci = 0; ci < g->o.clients; ci++) {
    client_t *c = &g->cl[ci];
    for (long k = 0; k < g->o.window; k++) {
      slot_t *s = &c->slots[k];
      if (!s->active || now - s->sent_ns < g->loss_timeout_ns) continue;
      if (s->measured) {
        g->lost++;
        g->outstanding--;
      }
      free_slot(c, (uint32_t)k);
      g->starved = true;
    }
  }
}

static void raw_fill(gen_t *g, uint32_t ci, uint64_t now) {
  client_t *c = &g->cl[ci];
  uint64_t budget = send_budget(g, now);
  while (c->nfree > 0 && budget > 0) {
    unsigned n = c->nfree < BATCH ? c->nfree : BATCH;
    if ((uint64_t)n > budget) n = (unsigned)budget;
    for (unsigned k = 0; k < n; k++) {
      uint32_t slot = c->free_slots[c->nfree - 1 - k];
      write_header(g->sbuf + (size_t)k * (size_t)g->o.size, ci, slot, c->next_seq + k, now);
    }
    int r = sendmmsg(c->fd, g->smsg, n, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
        g->send_eagain++;
        g->starved = true;
        return;
      }
      if (errno == ECONNREFUSED) fatal("server refused (ICMP port unreachable): is it running?");
      fatal_errno("sendmmsg");
    }
    for (int k = 0; k < r; k++) {
      uint32_t slot = c->free_slots[--c->nfree];
      mark_sent(g, c, slot, c->next_seq++, now);
    }
    budget -= (uint64_t)r;
    if ((unsigned)r < n) {
      g->send_eagain++;
      g->starved = true;
      return;
    }
  }
  if (c->nfree > 0 && g->phase != PHASE_DRAIN) g->starved = true;
}

typedef void (*datagram_fn)(gen_t *g, uint32_t ci, unsigned char *p, size_t len, uint64_t now);

/* Reads client ci's socket with recvmmsg, at most 4 batches per wake-up so one busy client cannot
   starve the others; truncated datagrams are bad, the rest go to on_datagram. */
static void recv_batches(gen_t *g, uint32_t ci, datagram_fn on_datagram) {
  client_t *c = &g->cl[ci];
  for (int turn = 0; turn < 4; turn++) {
    for (unsigned i = 0; i < BATCH; i++) g->rmsg[i].msg_hdr.msg_flags = 0;
    int got = recvmmsg(c->fd, g->rmsg, BATCH, MSG_DONTWAIT, NULL);
    if (got < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == ECONNREFUSED) fatal("server refused (ICMP port unreachable): is it running?");
      fatal_errno("recvmmsg");
    }
    uint64_t now = now_ns();
    for (int i = 0; i < got; i++) {
      if ((g->rmsg[i].msg_hdr.msg_flags & MSG_TRUNC) != 0) {
        g->bad++;
        continue;
      }
      on_datagram(g, ci, g->rbuf + (size_t)i * g->rstride, g->rmsg[i].msg_len, now);
    }
    if ((unsigned)got < BATCH) break;
  }
}

static void raw_on_datagram(gen_t *g, uint32_t ci, unsigned char *p, size_t len, uint64_t now) {
  if (len == 0) {
    g->bad++;
    return;
  }
  on_echo(g, ci, p, len, now);
}

static void raw_recv(gen_t *g, uint32_t ci) {
  recv_batches(g, ci, raw_on_datagram);
  raw_fill(g, ci, now_ns());
}

static void raw_setup(gen_t *g) {
  struct sockaddr_storage server;
  socklen_t server_len = 0;
  if (resolve_udp(g->o.host, g->o.port, 0, &server, &server_len) != 0) exit(2);
  for (long ci = 0; ci < g->o.clients; ci++) {
    int fd = socket(server.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) fatal_errno("socket");
    /* connect(): the kernel filters other sources and reports ICMP errors (a dead server). */
    if (connect(fd, (const struct sockaddr *)&server, server_len) != 0) fatal_errno("connect");
    struct epoll_event ev = {.events = EPOLLIN, .data = {.u32 = (uint32_t)ci}};
    if (epoll_ctl(g->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) fatal_errno("epoll_ctl");
    g->cl[ci].fd = fd;
    g->cl[ci].connected = true;
  }
}

/* ---- paperclip ---- */

static uint64_t pc_rto(const pc_client_t *pc) {
  if (!pc->has_rtt) return PC_INITIAL_RTO_NS;
  double rto = 3.0 * pc->srtt_ns;
  return rto > (double)PC_MIN_RTO_NS ? (uint64_t)rto : PC_MIN_RTO_NS;
}

/* How long a slot waits for an acknowledgement before its next (re)send. */
static uint64_t pc_resend_after(uint64_t rto, const pc_slot_t *ps) {
  uint64_t wait = rto << ps->backoff;
  uint64_t cap = rto > PC_MAX_BACKED_OFF_NS ? rto : PC_MAX_BACKED_OFF_NS;
  return wait < cap ? wait : cap;
}

/* One frame at p for `slot`: frame header, the 32-byte message header, fill. Returns its length. */
static size_t pc_write_message(const gen_t *g, unsigned char *p, uint32_t ci, uint32_t slot, uint16_t msg_seq,
                               uint64_t seq, uint64_t sent_ns) {
  size_t size = (size_t)g->o.size;
  pc_write_frame_header(p, g->pc_channel, msg_seq, (uint16_t)size);
  write_header(p + PC_FRAME_HEADER, ci, slot, seq, sent_ns);
  memset(p + PC_FRAME_HEADER + HDR_SIZE, FILL, size - HDR_SIZE);
  return PC_FRAME_HEADER + size;
}

static void pc_send_error(const char *what) {
  if (errno == ECONNREFUSED) fatal("server refused (ICMP port unreachable): is it running?");
  fatal_errno(what);
}

/*
 * Sends `nresend` overdue slots, then new messages as the pacing allows, coalesced: up to
 * pc_per_dgram frames per datagram, up to BATCH datagrams per sendmmsg. Every datagram carries the
 * current ACK fields (once anything was received). Nothing is committed (slots, counters) until
 * the kernel took the datagram, so a short send leaves the rest for later.
 */
static void pc_fill(gen_t *g, uint32_t ci, uint64_t now, const uint32_t *resend, uint32_t nresend) {
  client_t *c = &g->cl[ci];
  pc_client_t *pc = c->pc;
  uint64_t budget = send_budget(g, now);
  const uint32_t per = g->pc_per_dgram;
  for (;;) {
    unsigned nd = 0;
    uint32_t fresh = 0; /* new messages in this batch: the top `fresh` entries of the free stack */
    while (nd < BATCH) {
      uint32_t *pend = g->pc_pend + (size_t)nd * per;
      unsigned char *d = g->sbuf + (size_t)nd * g->sstride;
      uint64_t tx = pc->tx + nd;
      size_t hdr = pc_write_header(d, PC_RELIABLE, (uint16_t)tx, tx, pc->rx.has, (uint16_t)pc->rx.top, pc->rx.bits);
      size_t at = hdr;
      uint32_t k = 0;
      while (k < per) {
        if (nresend > 0) {
          uint32_t slot = *resend++;
          nresend--;
          if (!c->slots[slot].active || !pc->slots[slot].unacked) continue; /* echoed or acked since */
          at += pc_write_message(g, d + at, ci, slot, pc->slots[slot].msg_seq, c->slots[slot].seq,
                                 c->slots[slot].sent_ns);
          pend[k++] = slot;
        } else if (fresh < c->nfree && fresh < budget) {
          uint32_t slot = c->free_slots[c->nfree - 1 - fresh];
          at += pc_write_message(g, d + at, ci, slot, (uint16_t)(pc->msg_seq + fresh), c->next_seq + fresh, now);
          pend[k++] = slot | PC_FRESH;
          fresh++;
        } else {
          break;
        }
      }
      if (k == 0) break;
      if (pc_seal(&pc->seal, tx, d, hdr, d + hdr, at - hdr) != 0) fatal("AEAD seal failed");
      g->siov[nd].iov_len = at + PC_TAG;
      g->pc_count[nd] = k;
      nd++;
    }
    if (nd == 0) break;
    int r;
    do r = sendmmsg(c->fd, g->smsg, nd, 0);
    while (r < 0 && errno == EINTR);
    if (r < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS) pc_send_error("sendmmsg");
      r = 0;
    }
    for (int j = 0; j < r; j++) {
      pc_sent_t *e = &pc->ring[pc->tx & pc->ring_mask];
      pc_ref_t *refs = pc->refs + (size_t)(pc->tx & pc->ring_mask) * per;
      *e = (pc_sent_t){.seq = pc->tx, .sent_ns = now, .n = g->pc_count[j], .live = true};
      for (uint32_t k = 0; k < g->pc_count[j]; k++) {
        uint32_t v = g->pc_pend[(size_t)j * per + k];
        uint32_t slot = v & ~PC_FRESH;
        pc_slot_t *ps = &pc->slots[slot];
        if (v & PC_FRESH) {
          c->nfree--; /* it was free_slots[nfree - 1] */
          mark_sent(g, c, slot, c->next_seq++, now);
          ps->msg_seq = pc->msg_seq++;
          ps->backoff = 0;
          ps->unacked = true;
          pc->unacked++;
          budget--;
        } else {
          g->pc_retransmits++;
          if (ps->backoff < PC_MAX_BACKOFF) ps->backoff++;
        }
        ps->tx_ns = now;
        refs[k] = (pc_ref_t){.slot = (uint16_t)slot, .msg_seq = ps->msg_seq};
      }
      pc->tx++;
    }
    if (r > 0 && pc->rx.has) pc->ack_owed = 0;
    if ((unsigned)r < nd) {
      g->send_eagain++;
      g->starved = true;
      return;
    }
    if (nd < BATCH) break; /* nothing left to send */
  }
  if (c->nfree > 0 && g->phase != PHASE_DRAIN) g->starved = true;
}

/* A pure acknowledgement: type ACK, ENCRYPTED only, no frames. */
static void pc_send_ack(gen_t *g, uint32_t ci) {
  pc_client_t *pc = g->cl[ci].pc;
  unsigned char d[64];
  size_t hdr = pc_write_header(d, 0, (uint16_t)pc->tx, pc->tx, true, (uint16_t)pc->rx.top, pc->rx.bits);
  if (pc_seal(&pc->seal, pc->tx, d, hdr, d + hdr, 0) != 0) fatal("AEAD seal failed");
  if (send(g->cl[ci].fd, d, hdr + PC_TAG, 0) < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS || errno == EINTR) {
      g->send_eagain++; /* the next tick tries again */
      return;
    }
    pc_send_error("send");
  }
  pc->tx++;
  pc->ack_owed = 0;
  g->pc_pure_acks++;
}

/* The server's ACK fields: frees the acknowledged frames from resending, samples the RTT. */
static void pc_on_ack(gen_t *g, uint32_t ci, uint16_t ack_id, uint32_t ack_bits, uint64_t now) {
  client_t *c = &g->cl[ci];
  pc_client_t *pc = c->pc;
  if (pc->tx == 0) return;
  uint64_t newest = pc->tx - 1;
  uint64_t top = newest - (uint16_t)((uint16_t)newest - ack_id);
  for (int i = -1; i < 32; i++) {
    if (i >= 0 && ((ack_bits >> i) & 1u) == 0) continue;
    if (top < (uint64_t)(i + 1)) break;
    uint64_t seq = top - (uint64_t)(i + 1);
    pc_sent_t *e = &pc->ring[seq & pc->ring_mask];
    if (!e->live || e->seq != seq) continue; /* a pure ACK, acked already, or overwritten */
    e->live = false;
    if (i < 0) {
      double sample = (double)(now - e->sent_ns);
      pc->srtt_ns = pc->has_rtt ? 0.875 * pc->srtt_ns + 0.125 * sample : sample;
      pc->has_rtt = true;
    }
    const pc_ref_t *refs = pc->refs + (size_t)(seq & pc->ring_mask) * g->pc_per_dgram;
    for (uint32_t k = 0; k < e->n; k++) {
      pc_slot_t *ps = &pc->slots[refs[k].slot];
      if (c->slots[refs[k].slot].active && ps->unacked && ps->msg_seq == refs[k].msg_seq) {
        ps->unacked = false;
        pc->unacked--;
      }
    }
  }
}

/* The frames of a whole (not fragmented) DEFAULT/ACK datagram. */
static void pc_on_frames(gen_t *g, uint32_t ci, const unsigned char *p, size_t len, uint64_t now) {
  size_t at = 0;
  while (at < len) {
    if (len - at < PC_FRAME_HEADER) {
      g->bad++;
      return;
    }
    size_t n = (size_t)p[at + 3] << 8 | p[at + 4];
    if (n > len - at - PC_FRAME_HEADER) {
      g->bad++;
      return;
    }
    if (p[at] != g->pc_channel) g->bad++;
    else on_echo(g, ci, p + at + PC_FRAME_HEADER, n, now);
    at += PC_FRAME_HEADER + n;
  }
}

/*
 * One fragment of an echo the server split (messages over PC_WHOLE_PAYLOAD bytes): a FRAG
 * datagram's data is exactly one frame. Every fragment but the last is full, and the whole is
 * --size bytes, so a fragment's place follows from its id and length alone.
 */
static void pc_on_fragment(gen_t *g, uint32_t ci, const pc_header_t *h, const unsigned char *p, size_t len,
                           uint64_t now) {
  pc_client_t *pc = g->cl[ci].pc;
  size_t size = (size_t)g->o.size;
  if (pc->partials == NULL || len < PC_FRAME_HEADER || p[0] != g->pc_channel || h->frag_count < 2 ||
      h->frag_count > 64) {
    g->bad++;
    return;
  }
  uint16_t msg_seq = (uint16_t)(p[1] << 8 | p[2]);
  size_t n = (size_t)p[3] << 8 | p[4];
  if (n != len - PC_FRAME_HEADER || n == 0) {
    g->bad++;
    return;
  }
  bool last = h->frag_id == h->frag_count - 1;
  if (n > size || (!last && ((size_t)h->frag_id + 1) * n > size)) {
    g->bad++;
    return;
  }
  size_t off = last ? size - n : (size_t)h->frag_id * n;
  if (pc_rxwin_seen(&pc->reassembled, msg_seq)) {
    g->late++; /* a fragment the server retransmitted after the message was complete */
    return;
  }
  pc_partial_t *part = NULL, *oldest = NULL, *unused = NULL;
  for (uint32_t i = 0; i < pc->npartials; i++) {
    pc_partial_t *q = &pc->partials[i];
    if (!q->used) {
      if (unused == NULL) unused = q;
    } else if (q->msg_seq == msg_seq) {
      part = q;
      break;
    } else if (oldest == NULL || q->started_ns < oldest->started_ns) {
      oldest = q;
    }
  }
  if (part != NULL && part->count != h->frag_count) {
    g->bad++;
    return;
  }
  if (part == NULL) {
    part = unused;
    if (part == NULL) { /* more messages in reassembly than the pool holds: drop the oldest */
      part = oldest;
      g->pc_frag_dropped++;
    }
    unsigned char *buf = part->buf;
    *part = (pc_partial_t){.used = true, .msg_seq = msg_seq, .count = h->frag_count, .started_ns = now, .buf = buf};
  }
  uint64_t bit = (uint64_t)1 << h->frag_id;
  if (part->mask & bit) return; /* a retransmitted fragment */
  part->mask |= bit;
  part->bytes += (uint32_t)n;
  memcpy(part->buf + off, p + PC_FRAME_HEADER, n);
  uint64_t all = h->frag_count == 64 ? UINT64_MAX : ((uint64_t)1 << h->frag_count) - 1;
  if (part->mask != all) return;
  part->used = false;
  pc_rxwin_record(&pc->reassembled, msg_seq);
  if (part->bytes != size) g->bad++;
  else on_echo(g, ci, part->buf, size, now);
}

static void pc_on_error(gen_t *g, uint32_t ci, unsigned code, const unsigned char *detail, size_t len) {
  if (g->pc_errors++ > 0) return;
  char text[201];
  size_t n = len < 200 ? len : 200;
  for (size_t i = 0; i < n; i++) text[i] = detail[i] >= 0x20 && detail[i] < 0x7f ? (char)detail[i] : '?';
  text[n] = '\0';
  fprintf(stderr, "loadgen: client %u: the server sent ERROR %u.%u: %s\n", ci, code >> 4, code & 15u, text);
}

/* One datagram from the server: open it, note it for acknowledgement, act on it. */
static void pc_on_datagram(gen_t *g, uint32_t ci, unsigned char *p, size_t len, uint64_t now) {
  pc_client_t *pc = g->cl[ci].pc;
  pc_header_t h;
  if (pc_parse_header(p, len, &h) != 0 || (h.flags & PC_ENCRYPTED) == 0) {
    g->bad++;
    return;
  }
  long n = pc_open(&pc->open, h.counter, p, h.data_offset, p + h.data_offset, len - h.data_offset);
  if (n < 0) {
    g->bad++; /* failed tag */
    return;
  }
  bool fresh = pc_rxwin_record(&pc->rx, h.sequence);
  if (h.flags & PC_RELIABLE) {
    if (pc->ack_owed++ == 0) pc->ack_deadline = now + PC_ACK_DELAY_NS;
  }
  if (!fresh) {
    g->pc_dup_datagrams++;
    if ((h.flags & PC_RELIABLE) && pc->ack_owed < 2) pc->ack_owed = 2; /* our ACK was lost: at once */
    return;
  }
  const unsigned char *data = p + h.data_offset;
  size_t dlen = (size_t)n;
  switch (h.type) {
    case PC_HEARTBEAT: /* a PING (needs no PONG here) or a PONG */
      return;
    case PC_ERROR:
      pc_on_error(g, ci, h.type_byte, data, dlen);
      return;
    case PC_ACK:
      pc_on_ack(g, ci, h.ack_id, h.ack_bits, now);
      break;
    default:
      break;
  }
  if (dlen == 0) return;
  if (h.flags & PC_COMPRESSED) {
    long m = pc_inflate(&g->pc_zstate, data, dlen, g->pc_inflated, MAX_DGRAM);
    if (m < 0) {
      g->bad++;
      return;
    }
    data = g->pc_inflated;
    dlen = (size_t)m;
  }
  if (h.flags & PC_FRAG) pc_on_fragment(g, ci, &h, data, dlen, now);
  else pc_on_frames(g, ci, data, dlen, now);
}

static void pc_recv(gen_t *g, uint32_t ci) {
  client_t *c = &g->cl[ci];
  recv_batches(g, ci, pc_on_datagram);
  uint64_t now = now_ns();
  if (g->phase != PHASE_DRAIN) pc_fill(g, ci, now, NULL, 0); /* carries the ACK fields when it sends */
  /* as the library's own clients do: two unacknowledged RELIABLE datagrams (or a duplicate) are
     acknowledged at once, a single one within PC_ACK_DELAY_NS */
  if (c->pc->ack_owed >= 2 || (g->phase == PHASE_DRAIN && c->pc->ack_owed > 0)) pc_send_ack(g, ci);
}

/* Timers, every PC_TICK_NS: resends (reliable), overdue pure ACKs, stale reassemblies. */
static void pc_service(gen_t *g, uint64_t now) {
  bool scan = g->o.reliable && now >= g->pc_next_scan;
  if (scan) g->pc_next_scan = now + PC_RESEND_SCAN_NS;
  for (long i = 0; i < g->o.clients; i++) {
    uint32_t ci = (uint32_t)i;
    client_t *c = &g->cl[ci];
    pc_client_t *pc = c->pc;
    if (scan && pc->unacked > 0) {
      uint64_t rto = pc_rto(pc);
      uint32_t n = 0;
      for (long k = 0; k < g->o.window; k++) {
        const pc_slot_t *ps = &pc->slots[k];
        if (c->slots[k].active && ps->unacked && now - ps->tx_ns >= pc_resend_after(rto, ps))
          g->pc_resend[n++] = (uint32_t)k;
      }
      if (n > 0) pc_fill(g, ci, now, g->pc_resend, n);
    }
    if (pc->ack_owed > 0 && (now >= pc->ack_deadline || g->phase == PHASE_DRAIN)) pc_send_ack(g, ci);
    for (uint32_t k = 0; k < pc->npartials; k++) {
      if (pc->partials[k].used && now - pc->partials[k].started_ns >= PC_PARTIAL_TIMEOUT_NS) {
        pc->partials[k].used = false;
        g->pc_frag_dropped++;
      }
    }
  }
}

static void pc_setup(gen_t *g) {
  struct sockaddr_storage server;
  socklen_t server_len = 0;
  if (resolve_udp(g->o.host, g->o.port, 0, &server, &server_len) != 0) exit(2);
  if (server.ss_family != AF_INET) fatal("--host must be IPv4 in paperclip mode (the sessions are on 127.0.0.1)");
  size_t window = (size_t)g->o.window;
  uint32_t ring = 64;
  while (ring < 4 * window && ring < 2048) ring *= 2;
  /* a fragmented echo needs a reassembly buffer; the server fragments above PC_WHOLE_PAYLOAD */
  uint32_t npartials = g->o.size > (long)PC_WHOLE_PAYLOAD ? (uint32_t)(window < 32 ? window : 32) : 0;
  for (long ci = 0; ci < g->o.clients; ci++) {
    const pc_session_t *s = &g->sessions[ci];
    pc_client_t *pc = calloc(1, sizeof *pc);
    if (pc == NULL) fatal("out of memory");
    g->cl[ci].pc = pc;
    pc->slots = calloc(window, sizeof *pc->slots);
    pc->ring = calloc(ring, sizeof *pc->ring);
    pc->refs = calloc((size_t)ring * g->pc_per_dgram, sizeof *pc->refs);
    pc->partials = npartials > 0 ? calloc(npartials, sizeof *pc->partials) : NULL;
    if (pc->slots == NULL || pc->ring == NULL || pc->refs == NULL || (npartials > 0 && pc->partials == NULL))
      fatal("out of memory");
    pc->ring_mask = ring - 1;
    pc->npartials = npartials;
    for (uint32_t k = 0; k < npartials; k++) {
      pc->partials[k].buf = malloc((size_t)g->o.size);
      if (pc->partials[k].buf == NULL) fatal("out of memory");
    }
    if (pc_aead_init(&pc->seal, s->alg, s->send_key, s->send_iv) != 0 ||
        pc_aead_init(&pc->open, s->alg, s->receive_key, s->receive_iv) != 0)
      exit(1);

    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) fatal_errno("socket");
    struct sockaddr_in local = {.sin_family = AF_INET, .sin_port = htons(s->local_port),
                                .sin_addr = {.s_addr = htonl(INADDR_LOOPBACK)}};
    if (bind(fd, (const struct sockaddr *)&local, sizeof local) != 0) {
      fprintf(stderr, "loadgen: bind 127.0.0.1:%u (session line %ld): %s\n", s->local_port, ci + 1, strerror(errno));
      exit(1);
    }
    if (connect(fd, (const struct sockaddr *)&server, server_len) != 0) fatal_errno("connect");
    struct epoll_event ev = {.events = EPOLLIN, .data = {.u32 = (uint32_t)ci}};
    if (epoll_ctl(g->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) fatal_errno("epoll_ctl");
    g->cl[ci].fd = fd;
    g->cl[ci].connected = true;
  }
  /* the keys live on in the OpenSSL contexts only */
  memset(g->sessions, 0, (size_t)g->o.clients * sizeof *g->sessions);
  free(g->sessions);
  g->sessions = NULL;
}

/* One unacknowledged ERROR 2.2 (client disconnect) per client, then everything freed. */
static void pc_teardown(gen_t *g) {
  static const char detail[] = "loadgen done";
  for (long ci = 0; ci < g->o.clients; ci++) {
    client_t *c = &g->cl[ci];
    pc_client_t *pc = c->pc;
    unsigned char d[64];
    size_t hdr = pc_write_error_header(d, PC_RELIABLE, (uint16_t)pc->tx, pc->tx, 2, 2);
    memcpy(d + hdr, detail, sizeof detail - 1);
    if (pc_seal(&pc->seal, pc->tx, d, hdr, d + hdr, sizeof detail - 1) != 0) fatal("AEAD seal failed");
    (void)send(c->fd, d, hdr + sizeof detail - 1 + PC_TAG, 0); /* best effort, like enet_peer_disconnect_now */
    pc_aead_free(&pc->seal);
    pc_aead_free(&pc->open);
    for (uint32_t k = 0; k < pc->npartials; k++) free(pc->partials[k].buf);
    free(pc->partials);
    free(pc->slots);
    free(pc->ring);
    free(pc->refs);
    free(pc);
    c->pc = NULL;
  }
  pc_inflate_free(&g->pc_zstate);
}

#ifdef HAVE_ENET
static void enet_fill(gen_t *g, uint32_t ci, uint64_t now) {
  client_t *c = &g->cl[ci];
  uint64_t budget = send_budget(g, now);
  enet_uint32 flags = g->o.reliable ? ENET_PACKET_FLAG_RELIABLE : ENET_PACKET_FLAG_UNSEQUENCED;
  bool queued = false;
  while (c->nfree > 0 && budget > 0) {
    uint32_t slot = c->free_slots[c->nfree - 1];
    write_header(g->sbuf, ci, slot, c->next_seq, now);
    ENetPacket *p = enet_packet_create(g->sbuf, (size_t)g->o.size, flags);
    if (p == NULL) fatal("enet_packet_create: out of memory");
    if (enet_peer_send(c->peer, 0, p) != 0) { /* not queued: still ours */
      enet_packet_destroy(p);
      g->send_eagain++;
      g->starved = true;
      break;
    }
    c->nfree--;
    mark_sent(g, c, slot, c->next_seq++, now);
    budget--;
    queued = true;
  }
  if (queued) enet_host_flush(c->host);
  if (c->nfree > 0 && g->phase != PHASE_DRAIN) g->starved = true;
}

/* Services one host: its I/O and timers, then every queued event; refills its window. */
static void enet_pump(gen_t *g, uint32_t ci) {
  client_t *c = &g->cl[ci];
  ENetEvent ev;
  int r = enet_host_service(c->host, &ev, 0);
  while (r > 0) {
    switch (ev.type) {
      case ENET_EVENT_TYPE_RECEIVE:
        if (ev.packet->dataLength == 0) g->bad++;
        else on_echo(g, ci, ev.packet->data, ev.packet->dataLength, now_ns());
        enet_packet_destroy(ev.packet);
        break;
      case ENET_EVENT_TYPE_CONNECT:
        c->connected = true;
        break;
      case ENET_EVENT_TYPE_DISCONNECT:
        fprintf(stderr, "loadgen: client %u was disconnected by the server (or timed out)\n", ci);
        exit(1);
      case ENET_EVENT_TYPE_NONE:
        break;
    }
    r = enet_host_check_events(c->host, &ev);
  }
  if (r < 0) fatal("enet_host_service failed");
  if (c->connected) enet_fill(g, ci, now_ns());
}

static void enet_setup(gen_t *g) {
  if (enet_initialize() != 0) fatal("enet_initialize failed");
  ENetAddress server;
  memset(&server, 0, sizeof server);
  if (enet_address_set_host_ip(&server, g->o.host) != 0) fatal("--host must be an IPv4 address in enet mode");
  long port = 0;
  if (parse_long("--port", g->o.port, 1, 65535, &port) != 0) exit(2);
  server.port = (enet_uint16)port;
  for (long ci = 0; ci < g->o.clients; ci++) {
    client_t *c = &g->cl[ci];
    c->host = enet_host_create(NULL, 1, 1, 0, 0);
    if (c->host == NULL) fatal("enet_host_create failed");
    c->peer = enet_host_connect(c->host, &server, 1, 0);
    if (c->peer == NULL) fatal("enet_host_connect failed");
    c->fd = c->host->socket;
    struct epoll_event ev = {.events = EPOLLIN, .data = {.u32 = (uint32_t)ci}};
    if (epoll_ctl(g->epfd, EPOLL_CTL_ADD, c->fd, &ev) != 0) fatal_errno("epoll_ctl");
  }
  /* Connect everyone before the clock starts. */
  uint64_t deadline = now_ns() + 10000000000u;
  for (;;) {
    long connected = 0;
    for (long ci = 0; ci < g->o.clients; ci++) {
      client_t *c = &g->cl[ci];
      if (!c->connected) {
        ENetEvent ev;
        int r = enet_host_service(c->host, &ev, 0);
        if (r < 0) fatal("enet_host_service failed while connecting");
        if (r > 0 && ev.type == ENET_EVENT_TYPE_CONNECT) c->connected = true;
        else if (r > 0 && ev.type == ENET_EVENT_TYPE_DISCONNECT) fatal("the server refused a connection");
        else if (r > 0 && ev.type == ENET_EVENT_TYPE_RECEIVE) enet_packet_destroy(ev.packet);
      }
      if (c->connected) connected++;
    }
    if (connected == g->o.clients) break;
    if (now_ns() > deadline) fatal("ENet clients did not all connect within 10 s");
    struct epoll_event evs[64];
    if (epoll_wait(g->epfd, evs, 64, 1) < 0 && errno != EINTR) fatal_errno("epoll_wait");
  }
}

static void enet_teardown(gen_t *g) {
  for (long ci = 0; ci < g->o.clients; ci++) {
    client_t *c = &g->cl[ci];
    /* One unacknowledged disconnect datagram, so the server frees the peer at once. */
    enet_peer_disconnect_now(c->peer, 0);
    enet_host_destroy(c->host);
  }
  enet_deinitialize();
}
#endif

static double cpu_seconds(void) {
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0) fatal_errno("getrusage");
  return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
         (double)ru.ru_stime.tv_usec / 1e6;
}

static int parse_opts(int argc, char **argv, opts_t *o) {
  *o = (opts_t){.proto = PROTO_RAW, .host = "127.0.0.1", .port = NULL, .sessions = NULL, .clients = 64, .window = 8,
                .size = 64, .loss_timeout_ms = 200, .reliable = false, .duration_s = 5, .warmup_s = 1, .rate = 0};
  bool proto_given = false;
  for (int i = 1; i < argc; i += 2) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (v == NULL) {
      fprintf(stderr, "loadgen: %s needs a value\n", a);
      return -1;
    }
    int rc = 0;
    if (strcmp(a, "--proto") == 0) {
      proto_given = true;
      if (strcmp(v, "raw") == 0) o->proto = PROTO_RAW;
      else if (strcmp(v, "enet") == 0) o->proto = PROTO_ENET;
      else if (strcmp(v, "paperclip") == 0) o->proto = PROTO_PAPERCLIP;
      else rc = -1;
    } else if (strcmp(a, "--mode") == 0) {
      if (strcmp(v, "reliable") == 0) o->reliable = true;
      else if (strcmp(v, "unreliable") == 0) o->reliable = false;
      else rc = -1;
    } else if (strcmp(a, "--host") == 0) o->host = v;
    else if (strcmp(a, "--port") == 0) o->port = v;
    else if (strcmp(a, "--sessions") == 0) o->sessions = v;
    else if (strcmp(a, "--clients") == 0) {
      rc = parse_long(a, v, 1, MAX_CLIENTS, &o->clients);
      o->clients_given = true;
    }
    else if (strcmp(a, "--window") == 0) rc = parse_long(a, v, 1, MAX_WINDOW, &o->window);
    else if (strcmp(a, "--size") == 0) rc = parse_long(a, v, HDR_SIZE, MAX_DGRAM, &o->size);
    else if (strcmp(a, "--loss-timeout-ms") == 0) rc = parse_long(a, v, 1, 600000, &o->loss_timeout_ms);
    else if (strcmp(a, "--duration") == 0) rc = parse_double(a, v, 0.01, 86400, &o->duration_s);
    else if (strcmp(a, "--warmup") == 0) rc = parse_double(a, v, 0, 3600, &o->warmup_s);
    else if (strcmp(a, "--rate") == 0) rc = parse_double(a, v, 0, 1e9, &o->rate);
    else {
      fprintf(stderr, "loadgen: unknown option %s\n", a);
      return -1;
    }
    if (rc != 0) {
      fprintf(stderr, "loadgen: bad value for %s: %s\n", a, v);
      return -1;
    }
  }
  if (!proto_given || o->port == NULL) {
    fprintf(stderr, "loadgen: --proto raw|enet|paperclip and --port are required\n");
    return -1;
  }
  if ((o->proto == PROTO_PAPERCLIP) != (o->sessions != NULL)) {
    fprintf(stderr, "loadgen: --sessions FILE goes with --proto paperclip, and only there\n");
    return -1;
  }
  if (o->proto == PROTO_PAPERCLIP && o->size > (long)PC_MTU) {
    fprintf(stderr, "loadgen: paperclip mode sends every message whole: --size at most %u\n", PC_MTU);
    return -1;
  }
  if (o->proto == PROTO_PAPERCLIP && o->reliable && o->window > PC_MAX_RELIABLE_WINDOW) {
    fprintf(stderr, "loadgen: paperclip reliable mode: --window at most %ld (the server's reorder window)\n",
            PC_MAX_RELIABLE_WINDOW);
    return -1;
  }
  if (o->proto == PROTO_RAW && o->reliable) {
    fprintf(stderr, "loadgen: raw mode has no reliability; use --mode unreliable\n");
    return -1;
  }
#ifndef HAVE_ENET
  if (o->proto == PROTO_ENET) {
    fprintf(stderr, "loadgen: built without ENet (install libenet-dev and rebuild)\n");
    return -1;
  }
#endif
  return 0;
}

static void pump(gen_t *g, uint32_t ci) {
  if (g->o.proto == PROTO_PAPERCLIP) {
    pc_recv(g, ci);
    return;
  }
#ifdef HAVE_ENET
  if (g->o.proto == PROTO_ENET) {
    enet_pump(g, ci);
    return;
  }
#endif
  raw_recv(g, ci);
}

static void fill(gen_t *g, uint32_t ci, uint64_t now) {
  if (g->o.proto == PROTO_PAPERCLIP) {
    pc_fill(g, ci, now, NULL, 0);
    return;
  }
#ifdef HAVE_ENET
  if (g->o.proto == PROTO_ENET) {
    enet_fill(g, ci, now);
    return;
  }
#endif
  raw_fill(g, ci, now);
}

static void run(gen_t *g) {
  uint64_t now = now_ns();
  g->t_start = now;
  g->t_measure = now + (uint64_t)(g->o.warmup_s * 1e9);
  g->t_end = 0;
  g->phase = PHASE_WARMUP;
  g->starved = true;
  uint64_t next_sweep = now + SWEEP_NS, next_service = now + ENET_SERVICE_NS;
  double cpu_at_start = 0, cpu_at_end = 0;
  uint64_t measure_started = 0;
  struct epoll_event evs[256];
  for (;;) {
    now = now_ns();
    if (g->phase == PHASE_WARMUP && now >= g->t_measure) {
      g->phase = PHASE_MEASURE;
      measure_started = now;
      g->t_end = now + (uint64_t)(g->o.duration_s * 1e9);
      cpu_at_start = cpu_seconds();
      fprintf(stderr, "{\"mark\":\"measure_start\"}\n");
    }
    if (g->phase == PHASE_MEASURE && now >= g->t_end) {
      g->phase = PHASE_DRAIN;
      g->t_end = now;
      cpu_at_end = cpu_seconds();
      fprintf(stderr, "{\"mark\":\"measure_end\"}\n");
      g->drain_deadline = now + (g->loss_timeout_ns != 0 ? g->loss_timeout_ns + SWEEP_NS : RELIABLE_DRAIN_NS);
    }
    if (g->phase == PHASE_DRAIN && (g->outstanding == 0 || now >= g->drain_deadline)) break;
    if (now >= next_sweep) {
      sweep(g, now);
      next_sweep = now + SWEEP_NS;
    }
    if (g->o.proto == PROTO_ENET && now >= next_service) {
      for (long ci = 0; ci < g->o.clients; ci++) pump(g, (uint32_t)ci);
      next_service = now + ENET_SERVICE_NS;
    }
    if (g->o.proto == PROTO_PAPERCLIP && now >= g->pc_next_tick) {
      pc_service(g, now);
      g->pc_next_tick = now + PC_TICK_NS;
    }
    if (g->starved && g->phase != PHASE_DRAIN) {
      g->starved = false;
      for (long k = 0; k < g->o.clients; k++) fill(g, (uint32_t)((g->rr + (uint32_t)k) % (uint32_t)g->o.clients), now);
      g->rr = (g->rr + 1) % (uint32_t)g->o.clients;
    }
    int n = epoll_wait(g->epfd, evs, 256, 1);
    if (n < 0) {
      if (errno == EINTR) continue;
      fatal_errno("epoll_wait");
    }
    for (int i = 0; i < n; i++) pump(g, evs[i].data.u32);
  }
  g->lost += g->outstanding; /* never echoed within the drain */
  g->outstanding = 0;
  double window_s = (double)(g->t_end - measure_started) / 1e9;
  double gen_cpu = window_s > 0 ? 100.0 * (cpu_at_end - cpu_at_start) / window_s : 0;
  if (g->sent != g->received + g->lost) {
    fprintf(stderr, "loadgen: internal error: sent %" PRIu64 " != received %" PRIu64 " + lost %" PRIu64 "\n", g->sent,
            g->received, g->lost);
    exit(3);
  }
  printf("{\"proto\":\"%s\",\"mode\":\"%s\",\"size\":%ld,\"clients\":%ld,\"window\":%ld,\"rate\":%.0f,"
         "\"duration_s\":%.3f,\"sent\":%" PRIu64 ",\"received\":%" PRIu64 ",\"lost\":%" PRIu64 ",\"late\":%" PRIu64
         ",\"bad\":%" PRIu64 ",\"msgs_per_sec\":%.1f,\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,"
         "\"max_us\":%.1f,\"mean_us\":%.1f,\"gen_cpu_pct\":%.1f,\"send_eagain\":%" PRIu64 ",\"rate_shortfall\":%" PRIu64,
         g->o.proto == PROTO_RAW ? "raw" : g->o.proto == PROTO_ENET ? "enet" : "paperclip",
         g->o.reliable ? "reliable" : "unreliable", g->o.size, g->o.clients,
         g->o.window, g->o.rate, window_s, g->sent, g->received, g->lost, g->late, g->bad,
         window_s > 0 ? (double)g->received / window_s : 0, (double)hist_quantile(&g->hist, 0.50) / 1e3,
         (double)hist_quantile(&g->hist, 0.90) / 1e3, (double)hist_quantile(&g->hist, 0.99) / 1e3,
         (double)hist_quantile(&g->hist, 0.999) / 1e3, (double)g->hist.max / 1e3,
         g->hist.total > 0 ? g->hist.sum / (double)g->hist.total / 1e3 : 0, gen_cpu, g->send_eagain, g->rate_forgiven);
  if (g->o.proto == PROTO_PAPERCLIP)
    printf(",\"retransmits\":%" PRIu64 ",\"pure_acks\":%" PRIu64 ",\"dup_datagrams\":%" PRIu64 ",\"errors\":%" PRIu64
           ",\"frag_dropped\":%" PRIu64,
           g->pc_retransmits, g->pc_pure_acks, g->pc_dup_datagrams, g->pc_errors, g->pc_frag_dropped);
  printf("}\n");
  if (fflush(stdout) != 0) fatal_errno("stdout");
}

/* paperclip: the session file decides the client count; the per-run scratch buffers. */
static void pc_prepare(gen_t *g) {
  long n = pc_read_sessions(g->o.sessions, &g->sessions);
  if (n < 0) exit(2);
  if (n > MAX_CLIENTS || (g->o.clients_given && n != g->o.clients)) {
    fprintf(stderr, "loadgen: %s has %ld sessions; --clients says %ld (at most %ld)\n", g->o.sessions, n,
            g->o.clients, MAX_CLIENTS);
    exit(2);
  }
  g->o.clients = n;
  g->pc_channel = (g->o.reliable ? PC_KIND_RELIABLE_ORDERED : PC_KIND_UNRELIABLE) << 6; /* index 0 */
  uint32_t per = PC_FRAME_BUDGET / (PC_FRAME_HEADER + (uint32_t)g->o.size);
  g->pc_per_dgram = per > 0 ? per : 1; /* a message too large to share goes alone (1239 B at 1200) */
  g->pc_pend = calloc((size_t)BATCH * g->pc_per_dgram, sizeof *g->pc_pend);
  g->pc_resend = calloc((size_t)g->o.window, sizeof *g->pc_resend);
  g->pc_inflated = malloc(MAX_DGRAM);
  if (g->pc_pend == NULL || g->pc_resend == NULL || g->pc_inflated == NULL) fatal("out of memory");
}

int main(int argc, char **argv) {
  static gen_t g; /* large (histogram, batch headers): static storage, zero-initialised */
  if (parse_opts(argc, argv, &g.o) != 0) return 2;
  g.loss_timeout_ns = g.o.reliable ? 0 : (uint64_t)g.o.loss_timeout_ms * 1000000u;
  g.epfd = epoll_create1(EPOLL_CLOEXEC);
  if (g.epfd < 0) fatal_errno("epoll_create1");
  bool paperclip = g.o.proto == PROTO_PAPERCLIP;
  if (paperclip) pc_prepare(&g);

  size_t size = (size_t)g.o.size;
  if (paperclip) {
    /* datagrams: up to the MTU, or one frame alone (header 18 + frame header 5 + tag 16) */
    size_t most = size + PC_OVERHEAD + PC_FRAME_HEADER > PC_MTU ? size + PC_OVERHEAD + PC_FRAME_HEADER : PC_MTU;
    g.sstride = (most + 63u) & ~(size_t)63u;
    g.rstride = PC_RSTRIDE;
  } else {
    g.sstride = size;
    /* Room for one byte more than expected, so a longer echo shows up as a wrong length. */
    g.rstride = (size + 1u + 63u) & ~(size_t)63u;
  }
  g.sbuf = malloc(BATCH * g.sstride);
  g.rbuf = malloc(BATCH * g.rstride);
  g.cl = calloc((size_t)g.o.clients, sizeof *g.cl);
  if (g.sbuf == NULL || g.rbuf == NULL || g.cl == NULL) fatal("out of memory");
  memset(g.sbuf, FILL, BATCH * g.sstride);
  for (unsigned i = 0; i < BATCH; i++) {
    g.siov[i] = (struct iovec){.iov_base = g.sbuf + i * g.sstride, .iov_len = size};
    g.smsg[i].msg_hdr.msg_iov = &g.siov[i];
    g.smsg[i].msg_hdr.msg_iovlen = 1;
    g.riov[i] = (struct iovec){.iov_base = g.rbuf + i * g.rstride, .iov_len = g.rstride};
    g.rmsg[i].msg_hdr.msg_iov = &g.riov[i];
    g.rmsg[i].msg_hdr.msg_iovlen = 1;
  }
  for (long ci = 0; ci < g.o.clients; ci++) {
    client_t *c = &g.cl[ci];
    c->fd = -1;
    c->slots = calloc((size_t)g.o.window, sizeof *c->slots);
    c->free_slots = calloc((size_t)g.o.window, sizeof *c->free_slots);
    if (c->slots == NULL || c->free_slots == NULL) fatal("out of memory");
    for (long k = 0; k < g.o.window; k++) c->free_slots[c->nfree++] = (uint32_t)(g.o.window - 1 - k);
  }

  if (paperclip) pc_setup(&g);
#ifdef HAVE_ENET
  else if (g.o.proto == PROTO_ENET) enet_setup(&g);
#endif
  else raw_setup(&g);
  run(&g);
#ifdef HAVE_ENET
  if (g.o.proto == PROTO_ENET) enet_teardown(&g);
#endif
  if (paperclip) pc_teardown(&g);
  for (long ci = 0; ci < g.o.clients; ci++) {
    client_t *c = &g.cl[ci];
    if (g.o.proto != PROTO_ENET && close(c->fd) != 0) fatal_errno("close");
    free(c->slots);
    free(c->free_slots);
  }
  free(g.cl);
  free(g.sbuf);
  free(g.rbuf);
  free(g.pc_pend);
  free(g.pc_resend);
  free(g.pc_inflated);
  if (close(g.epfd) != 0) fatal_errno("close");
  return 0;
}
