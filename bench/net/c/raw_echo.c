/*
 * raw_echo: the physical limit of a UDP echo on this kernel, for `npm run bench:net`.
 *
 * Method: one thread, one non-blocking UDP socket. poll() waits on the socket and on a signalfd
 * (SIGINT/SIGTERM are blocked and read from the signalfd, so a signal never lands in the middle
 * of a batch and needs no async-signal-safe handler). When the socket is readable, recvmmsg()
 * takes up to --batch (64) datagrams, and one sendmmsg() sends each back, unchanged, to the
 * address it came from; this repeats until recvmmsg() says EAGAIN. There is no protocol, no
 * parsing and no copy: the same buffers are received into and sent from. A partial sendmmsg()
 * (send buffer full) waits for POLLOUT and resumes where it stopped. Datagrams larger than a
 * slot cannot occur (a slot holds the largest IPv4 UDP payload); MSG_TRUNC is still checked.
 *
 * Usage: raw_echo [--host 127.0.0.1] [--port 0] [--batch 64] [--rcvbuf BYTES]
 * Prints {"event":"ready","impl":"c-raw","port":P,...} once bound, and on SIGTERM/SIGINT
 * {"event":"exit",...counters} then exits 0. Errors go to stderr with exit status 1.
 */
#include "common.h"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#define MAX_BATCH 1024

typedef struct {
  uint64_t rx, tx, rx_batches, truncated, send_errors, send_waits;
} counters_t;

/* Socket buffers as large as the kernel lets us have: a burst of every client's window must fit,
   or the bench would measure the default queue length, not the server. SO_RCVBUFFORCE works for
   root (CAP_NET_ADMIN) past net.core.rmem_max; otherwise fall back to the capped option. */
static void grow_buffer(int fd, int force_opt, int opt, int bytes) {
  if (setsockopt(fd, SOL_SOCKET, force_opt, &bytes, sizeof bytes) == 0) return;
  if (setsockopt(fd, SOL_SOCKET, opt, &bytes, sizeof bytes) != 0) perror("setsockopt(buffer size)");
}

static int get_int_opt(int fd, int opt) {
  int v = 0;
  socklen_t len = sizeof v;
  if (getsockopt(fd, SOL_SOCKET, opt, &v, &len) != 0) return -1;
  return v;
}

/* Sends msgs[0..n) completely; returns -1 only on a poll() failure. */
static int send_all(int fd, struct mmsghdr *msgs, unsigned n, counters_t *c) {
  unsigned done = 0;
  while (done < n) {
    int r = sendmmsg(fd, msgs + done, n - done, 0);
    if (r > 0) {
      done += (unsigned)r;
      c->tx += (uint64_t)r;
      continue;
    }
    if (r == 0) { /* cannot happen for n > 0; treat as a failed datagram rather than spin */
      c->send_errors++;
      done++;
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
      struct pollfd p = {.fd = fd, .events = POLLOUT, .revents = 0};
      c->send_waits++;
      int pr = poll(&p, 1, 1000);
      if (pr < 0 && errno != EINTR) {
        perror("poll(POLLOUT)");
        return -1;
      }
      if (pr == 0) { /* a second without send space: give up on the rest of this batch */
        c->send_errors += n - done;
        return 0;
      }
      continue;
    }
    /* Any other error belongs to the first unsent datagram (e.g. its source vanished): skip it. */
    c->send_errors++;
    done++;
  }
  return 0;
}

int main(int argc, char **argv) {
  const char *host = "127.0.0.1";
  const char *port = "0";
  long batch = 64;
  long rcvbuf = 4L << 20;
  for (int i = 1; i < argc; i += 2) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (v == NULL) {
      fprintf(stderr, "raw_echo: %s needs a value\n", a);
      return 2;
    }
    if (strcmp(a, "--host") == 0) host = v;
    else if (strcmp(a, "--port") == 0) port = v;
    else if (strcmp(a, "--batch") == 0) {
      if (parse_long(a, v, 1, MAX_BATCH, &batch) != 0) return 2;
    } else if (strcmp(a, "--rcvbuf") == 0) {
      if (parse_long(a, v, 4096, 1L << 30, &rcvbuf) != 0) return 2;
    } else {
      fprintf(stderr, "raw_echo: unknown option %s\n", a);
      return 2;
    }
  }

  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGTERM);
  if (sigprocmask(SIG_BLOCK, &mask, NULL) != 0) {
    perror("sigprocmask");
    return 1;
  }
  int sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
  if (sfd < 0) {
    perror("signalfd");
    return 1;
  }

  struct sockaddr_storage bind_addr;
  socklen_t bind_len = 0;
  if (resolve_udp(host, port, 1, &bind_addr, &bind_len) != 0) return 1;
  int fd = socket(bind_addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    perror("socket");
    return 1;
  }
  grow_buffer(fd, SO_RCVBUFFORCE, SO_RCVBUF, (int)rcvbuf);
  grow_buffer(fd, SO_SNDBUFFORCE, SO_SNDBUF, (int)rcvbuf);
  if (bind(fd, (const struct sockaddr *)&bind_addr, bind_len) != 0) {
    perror("bind");
    return 1;
  }
  struct sockaddr_storage local;
  socklen_t local_len = sizeof local;
  if (getsockname(fd, (struct sockaddr *)&local, &local_len) != 0) {
    perror("getsockname");
    return 1;
  }
  char port_text[NI_MAXSERV];
  int gn = getnameinfo((const struct sockaddr *)&local, local_len, NULL, 0, port_text, sizeof port_text, NI_NUMERICSERV);
  if (gn != 0) {
    fprintf(stderr, "getnameinfo: %s\n", gai_strerror(gn));
    return 1;
  }

  size_t n = (size_t)batch;
  unsigned char *bufs = malloc(n * MAX_DGRAM);
  struct sockaddr_storage *addrs = calloc(n, sizeof *addrs);
  struct iovec *riov = calloc(n, sizeof *riov);
  struct iovec *siov = calloc(n, sizeof *siov);
  struct mmsghdr *rmsg = calloc(n, sizeof *rmsg);
  struct mmsghdr *smsg = calloc(n, sizeof *smsg);
  if (bufs == NULL || addrs == NULL || riov == NULL || siov == NULL || rmsg == NULL || smsg == NULL) {
    fprintf(stderr, "raw_echo: out of memory\n");
    return 1;
  }
  for (size_t i = 0; i < n; i++) {
    riov[i].iov_base = bufs + i * MAX_DGRAM;
    riov[i].iov_len = MAX_DGRAM;
    rmsg[i].msg_hdr.msg_iov = &riov[i];
    rmsg[i].msg_hdr.msg_iovlen = 1;
    rmsg[i].msg_hdr.msg_name = &addrs[i];
  }

  printf("{\"event\":\"ready\",\"impl\":\"c-raw\",\"port\":%s,\"batch\":%zu,\"rcvbuf\":%d,\"sndbuf\":%d}\n", port_text, n,
         get_int_opt(fd, SO_RCVBUF), get_int_opt(fd, SO_SNDBUF));
  if (fflush(stdout) != 0) return 1;

  counters_t c = {0};
  int status = 0;
  struct pollfd pfd[2] = {{.fd = fd, .events = POLLIN, .revents = 0}, {.fd = sfd, .events = POLLIN, .revents = 0}};
  for (;;) {
    int pr = poll(pfd, 2, -1);
    if (pr < 0) {
      if (errno == EINTR) continue;
      perror("poll");
      status = 1;
      break;
    }
    if (pfd[1].revents != 0) break; /* SIGINT or SIGTERM: report and leave */
    if (pfd[0].revents & (POLLERR | POLLNVAL)) {
      /* An unconnected UDP socket reports no ICMP errors by default; read and drop a pending one. */
      int err = 0;
      socklen_t len = sizeof err;
      if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || (pfd[0].revents & POLLNVAL)) {
        perror("socket error");
        status = 1;
        break;
      }
    }
    /* Drain the socket: each pass is one recvmmsg and one sendmmsg. */
    for (;;) {
      for (size_t i = 0; i < n; i++) {
        rmsg[i].msg_hdr.msg_namelen = sizeof addrs[i];
        rmsg[i].msg_hdr.msg_flags = 0;
      }
      int got = recvmmsg(fd, rmsg, (unsigned)n, MSG_DONTWAIT, NULL);
      if (got < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        if (errno == ECONNREFUSED) continue; /* a stale ICMP error from a client that went away */
        perror("recvmmsg");
        status = 1;
        goto finish;
      }
      if (got == 0) break;
      c.rx += (uint64_t)got;
      c.rx_batches++;
      unsigned nsend = 0;
      for (int i = 0; i < got; i++) {
        struct msghdr *h = &rmsg[i].msg_hdr;
        if ((h->msg_flags & MSG_TRUNC) != 0 || rmsg[i].msg_len > MAX_DGRAM) {
          c.truncated++;
          continue;
        }
        siov[nsend].iov_base = riov[i].iov_base;
        siov[nsend].iov_len = rmsg[i].msg_len;
        smsg[nsend].msg_hdr.msg_name = h->msg_name;
        smsg[nsend].msg_hdr.msg_namelen = h->msg_namelen;
        smsg[nsend].msg_hdr.msg_iov = &siov[nsend];
        smsg[nsend].msg_hdr.msg_iovlen = 1;
        smsg[nsend].msg_hdr.msg_control = NULL;
        smsg[nsend].msg_hdr.msg_controllen = 0;
        smsg[nsend].msg_hdr.msg_flags = 0;
        nsend++;
      }
      if (send_all(fd, smsg, nsend, &c) != 0) {
        status = 1;
        goto finish;
      }
      if ((size_t)got < n) break; /* short batch: the queue is empty, go back to poll */
    }
  }
finish:
  printf("{\"event\":\"exit\",\"impl\":\"c-raw\",\"rx\":%" PRIu64 ",\"tx\":%" PRIu64 ",\"rx_batches\":%" PRIu64
         ",\"truncated\":%" PRIu64 ",\"send_errors\":%" PRIu64 ",\"send_waits\":%" PRIu64 "}\n",
         c.rx, c.tx, c.rx_batches, c.truncated, c.send_errors, c.send_waits);
  if (fflush(stdout) != 0) status = 1;
  free(bufs);
  free(addrs);
  free(riov);
  free(siov);
  free(rmsg);
  free(smsg);
  if (close(fd) != 0) status = 1;
  if (close(sfd) != 0) status = 1;
  return status;
}
