/*
 * loadgen: the one load generator of `npm run bench:net`; every server is measured by this same
 * program, so differences between rows are differences between servers.
 *
 * Method: N clients (--clients, default 64), each its own UDP socket (raw) or its own ENetHost with
 * one peer (enet), so the server sees N distinct sources. Closed loop: each client keeps --window W
 * messages outstanding; every echo frees its slot and the slot is refilled at once. --rate R
 * (messages/s over all clients) turns this into a paced open loop still capped by the window;
 * pacing that falls behind by more than every window's worth forgives the excess
 * (rate_shortfall) rather than bursting. One thread: epoll waits on every client socket; raw
 * clients send with sendmmsg (up to 64 per call) and receive with recvmmsg, so the generator
 * spends a few syscalls per batch and does not saturate before the server does. ENet clients go
 * through libenet (enet_host_service on readable hosts, enet_host_flush after refilling, every
 * host serviced at least every 5 ms for ENet's acks, pings and resends).
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
 * messages (raw, and enet unreliable) are declared lost after --loss-timeout-ms (default 200)
 * without an echo and their slot is reused; an echo arriving later counts as "late". Reliable
 * ENet messages are never timed out; any still outstanding 5 s after the window are lost.
 * Invariant printed and checked: sent == received + lost.
 *
 * ENet reliability: --mode reliable sends ENET_PACKET_FLAG_RELIABLE; --mode unreliable sends
 * ENET_PACKET_FLAG_UNSEQUENCED (delivered as it arrives, like paperclip-net's 'unreliable'
 * delivery), on channel 0. Raw mode has no reliability: only --mode unreliable is accepted.
 *
 * Output: one JSON line on stdout. On stderr, {"mark":"measure_start"} and {"mark":"measure_end"}
 * lines at the window's edges, so a caller can sample the server's CPU over the same window.
 * Exit 0 after a run (loss is data, not an error); 1 on a socket error, a refused server, an ENet
 * disconnect or a failed connect; 2 on bad options.
 *
 * Usage: loadgen --proto raw|enet --port P [--host 127.0.0.1] [--clients 64] [--window 8]
 *                [--size 64] [--mode unreliable|reliable] [--duration 5] [--warmup 1] [--rate 0]
 *                [--loss-timeout-ms 200]
 */
#include "common.h"

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

typedef enum { PROTO_RAW, PROTO_ENET } proto_t;
typedef enum { PHASE_WARMUP, PHASE_MEASURE, PHASE_DRAIN } phase_t;

typedef struct {
  proto_t proto;
  const char *host;
  const char *port;
  long clients, window, size, loss_timeout_ms;
  bool reliable;
  double duration_s, warmup_s, rate;
} opts_t;

typedef struct {
  uint64_t seq;
  uint64_t sent_ns;
  bool active;
  bool measured;
} slot_t;

typedef struct {
  int fd;
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
  size_t rstride;
  unsigned char *rbuf;
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

static void raw_recv(gen_t *g, uint32_t ci) {
  client_t *c = &g->cl[ci];
  /* At most 4 batches per wake-up, so one busy client cannot starve the others. */
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
      if ((g->rmsg[i].msg_hdr.msg_flags & MSG_TRUNC) != 0 || g->rmsg[i].msg_len == 0) {
        g->bad++;
        continue;
      }
      on_echo(g, ci, g->rbuf + (size_t)i * g->rstride, g->rmsg[i].msg_len, now);
    }
    if ((unsigned)got < BATCH) break;
  }
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
  *o = (opts_t){.proto = PROTO_RAW, .host = "127.0.0.1", .port = NULL, .clients = 64, .window = 8, .size = 64,
                .loss_timeout_ms = 200, .reliable = false, .duration_s = 5, .warmup_s = 1, .rate = 0};
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
      else rc = -1;
    } else if (strcmp(a, "--mode") == 0) {
      if (strcmp(v, "reliable") == 0) o->reliable = true;
      else if (strcmp(v, "unreliable") == 0) o->reliable = false;
      else rc = -1;
    } else if (strcmp(a, "--host") == 0) o->host = v;
    else if (strcmp(a, "--port") == 0) o->port = v;
    else if (strcmp(a, "--clients") == 0) rc = parse_long(a, v, 1, MAX_CLIENTS, &o->clients);
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
    fprintf(stderr, "loadgen: --proto raw|enet and --port are required\n");
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
#ifdef HAVE_ENET
  if (g->o.proto == PROTO_ENET) {
    enet_pump(g, ci);
    return;
  }
#endif
  raw_recv(g, ci);
}

static void fill(gen_t *g, uint32_t ci, uint64_t now) {
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
         "\"max_us\":%.1f,\"mean_us\":%.1f,\"gen_cpu_pct\":%.1f,\"send_eagain\":%" PRIu64 ",\"rate_shortfall\":%" PRIu64
         "}\n",
         g->o.proto == PROTO_RAW ? "raw" : "enet", g->o.reliable ? "reliable" : "unreliable", g->o.size, g->o.clients,
         g->o.window, g->o.rate, window_s, g->sent, g->received, g->lost, g->late, g->bad,
         window_s > 0 ? (double)g->received / window_s : 0, (double)hist_quantile(&g->hist, 0.50) / 1e3,
         (double)hist_quantile(&g->hist, 0.90) / 1e3, (double)hist_quantile(&g->hist, 0.99) / 1e3,
         (double)hist_quantile(&g->hist, 0.999) / 1e3, (double)g->hist.max / 1e3,
         g->hist.total > 0 ? g->hist.sum / (double)g->hist.total / 1e3 : 0, gen_cpu, g->send_eagain, g->rate_forgiven);
  if (fflush(stdout) != 0) fatal_errno("stdout");
}

int main(int argc, char **argv) {
  static gen_t g; /* large (histogram, batch headers): static storage, zero-initialised */
  if (parse_opts(argc, argv, &g.o) != 0) return 2;
  g.loss_timeout_ns = g.o.reliable ? 0 : (uint64_t)g.o.loss_timeout_ms * 1000000u;
  g.epfd = epoll_create1(EPOLL_CLOEXEC);
  if (g.epfd < 0) fatal_errno("epoll_create1");

  size_t size = (size_t)g.o.size;
  /* Room for one byte more than expected, so a longer echo shows up as a wrong length. */
  g.rstride = (size + 1u + 63u) & ~(size_t)63u;
  g.sbuf = malloc(BATCH * size);
  g.rbuf = malloc(BATCH * g.rstride);
  g.cl = calloc((size_t)g.o.clients, sizeof *g.cl);
  if (g.sbuf == NULL || g.rbuf == NULL || g.cl == NULL) fatal("out of memory");
  memset(g.sbuf, FILL, BATCH * size);
  for (unsigned i = 0; i < BATCH; i++) {
    g.siov[i] = (struct iovec){.iov_base = g.sbuf + i * size, .iov_len = size};
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

#ifdef HAVE_ENET
  if (g.o.proto == PROTO_ENET) enet_setup(&g);
  else raw_setup(&g);
#else
  raw_setup(&g);
#endif
  run(&g);
#ifdef HAVE_ENET
  if (g.o.proto == PROTO_ENET) enet_teardown(&g);
#endif
  for (long ci = 0; ci < g.o.clients; ci++) {
    client_t *c = &g.cl[ci];
    if (g.o.proto == PROTO_RAW && close(c->fd) != 0) fatal_errno("close");
    free(c->slots);
    free(c->free_slots);
  }
  free(g.cl);
  free(g.sbuf);
  free(g.rbuf);
  if (close(g.epfd) != 0) fatal_errno("close");
  return 0;
}
