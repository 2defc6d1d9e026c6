/*
 * gso_probe: does this kernel offer UDP GSO (UDP_SEGMENT) and UDP GRO (UDP_GRO) on loopback, and
 * does a GSO send arrive coalesced? A batched engine can hand the kernel one 64 KiB super-datagram
 * instead of many sendmmsg entries, and read many datagrams in one recvmsg, only where these work.
 *
 * Method, all on 127.0.0.1: (1) set UDP_GRO on a receiver and UDP_SEGMENT=1200 on a sender;
 * (2) send one 12,000-byte buffer (10 segments) and count the reads the GRO receiver needs and the
 * segment size its UDP_GRO control message reports; (3) the same send to a receiver without
 * UDP_GRO (the kernel must split it: 10 reads); (4) 10 separate 1,200-byte sends to the GRO
 * receiver, to see whether loopback coalesces datagrams that were not sent as one (it has no NAPI,
 * so it should not). Prints one JSON line; exits 0 even when a feature is missing (that is the
 * answer), 1 only when the probe itself cannot run.
 */
#include "common.h"

#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stdbool.h>
#include <unistd.h>

#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif

#define SEG 1200
#define NSEG 10

static int bound_socket(struct sockaddr_in *addr) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    perror("socket");
    exit(1);
  }
  memset(addr, 0, sizeof *addr);
  addr->sin_family = AF_INET;
  addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof *addr;
  if (bind(fd, (struct sockaddr *)addr, sizeof *addr) != 0 || getsockname(fd, (struct sockaddr *)addr, &len) != 0) {
    perror("bind");
    exit(1);
  }
  return fd;
}

/* Reads until 50 ms of silence; returns the number of reads, the first read's length and GRO size. */
static int drain(int fd, long *first_len, int *gro_size) {
  static unsigned char buf[65536];
  int reads = 0;
  *first_len = -1;
  *gro_size = 0;
  for (;;) {
    struct pollfd p = {.fd = fd, .events = POLLIN, .revents = 0};
    int pr = poll(&p, 1, 50);
    if (pr < 0) {
      perror("poll");
      exit(1);
    }
    if (pr == 0) return reads;
    union {
      char buf[CMSG_SPACE(sizeof(int))];
      struct cmsghdr align;
    } ctrl;
    struct iovec iov = {.iov_base = buf, .iov_len = sizeof buf};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctrl.buf, .msg_controllen = sizeof ctrl.buf};
    ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      perror("recvmsg");
      exit(1);
    }
    if (reads == 0) {
      *first_len = (long)n;
      for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
          memcpy(gro_size, CMSG_DATA(c), sizeof(int));
        }
      }
    }
    reads++;
  }
}

int main(void) {
  static unsigned char payload[SEG * NSEG];
  memset(payload, 0x5a, sizeof payload);
  struct sockaddr_in gro_addr, plain_addr, tx_addr;
  int gro_rx = bound_socket(&gro_addr);
  int plain_rx = bound_socket(&plain_addr);
  int tx = bound_socket(&tx_addr);
  int one = 1, seg = SEG;
  bool gro = setsockopt(gro_rx, SOL_UDP, UDP_GRO, &one, sizeof one) == 0;
  bool gso = setsockopt(tx, SOL_UDP, UDP_SEGMENT, &seg, sizeof seg) == 0;

  long gso_gro_reads = -1, gso_gro_first = -1, gso_plain_reads = -1, sep_gro_reads = -1, tmp_len = -1;
  int gso_gro_size = 0, tmp_size = 0;
  bool gso_sent = false;
  if (gso) {
    gso_sent = sendto(tx, payload, sizeof payload, 0, (struct sockaddr *)&gro_addr, sizeof gro_addr) == (ssize_t)sizeof payload;
    if (gso_sent) {
      gso_gro_reads = drain(gro_rx, &gso_gro_first, &gso_gro_size);
      if (sendto(tx, payload, sizeof payload, 0, (struct sockaddr *)&plain_addr, sizeof plain_addr) == (ssize_t)sizeof payload) {
        gso_plain_reads = drain(plain_rx, &tmp_len, &tmp_size);
      }
    } else {
      fprintf(stderr, "gso_probe: GSO sendto: %s\n", strerror(errno));
    }
    seg = 0; /* back to plain datagrams for step 4 */
    if (setsockopt(tx, SOL_UDP, UDP_SEGMENT, &seg, sizeof seg) != 0) {
      perror("setsockopt(UDP_SEGMENT, 0)");
      return 1;
    }
  }
  if (gro) {
    for (int i = 0; i < NSEG; i++) {
      if (sendto(tx, payload, SEG, 0, (struct sockaddr *)&gro_addr, sizeof gro_addr) != SEG) {
        perror("sendto");
        return 1;
      }
    }
    sep_gro_reads = drain(gro_rx, &tmp_len, &tmp_size);
  }
  printf("{\"udp_segment\":%s,\"udp_gro\":%s,\"gso_send_ok\":%s,\"gso_to_gro_reads\":%ld,\"gso_to_gro_first_len\":%ld,"
         "\"gso_to_gro_segment\":%d,\"gso_to_plain_reads\":%ld,\"separate_to_gro_reads\":%ld,\"segments\":%d}\n",
         gso ? "true" : "false", gro ? "true" : "false", gso_sent ? "true" : "false", gso_gro_reads, gso_gro_first,
         gso_gro_size, gso_plain_reads, sep_gro_reads, NSEG);
  if (close(gro_rx) != 0 || close(plain_rx) != 0 || close(tx) != 0) return 1;
  return 0;
}
