/*
 * Helpers shared by the bench/net C programs: a monotonic clock, strict number parsing, address
 * resolution and an HDR-like latency histogram. Header-only (static functions) so each program
 * stays one translation unit and the Makefile stays trivial.
 */
#ifndef BENCH_NET_COMMON_H
#define BENCH_NET_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define UNUSED __attribute__((unused))

/* Largest UDP payload over IPv4; every receive slot holds one, so nothing is truncated silently. */
#define MAX_DGRAM 65507u

static UNUSED uint64_t now_ns(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
    perror("clock_gettime");
    abort();
  }
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Whole number in [min, max]; 0 on success, -1 (with a message) on anything else. */
static UNUSED int parse_long(const char *flag, const char *text, long min, long max, long *out) {
  char *end = NULL;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v < min || v > max) {
    fprintf(stderr, "%s: expected a whole number in [%ld, %ld], got \"%s\"\n", flag, min, max, text);
    return -1;
  }
  *out = v;
  return 0;
}

static UNUSED int parse_double(const char *flag, const char *text, double min, double max, double *out) {
  char *end = NULL;
  errno = 0;
  double v = strtod(text, &end);
  if (errno != 0 || end == text || *end != '\0' || !isfinite(v) || v < min || v > max) {
    fprintf(stderr, "%s: expected a number in [%g, %g], got \"%s\"\n", flag, min, max, text);
    return -1;
  }
  *out = v;
  return 0;
}

/* Numeric host + port to a sockaddr (IPv4 or IPv6). 0 on success. */
static UNUSED int resolve_udp(const char *host, const char *port, int passive, struct sockaddr_storage *out,
                              socklen_t *out_len) {
  struct addrinfo hints;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
  struct addrinfo *res = NULL;
  int rc = getaddrinfo(host, port, &hints, &res);
  if (rc != 0) {
    fprintf(stderr, "address %s port %s: %s\n", host, port, gai_strerror(rc));
    return -1;
  }
  if (res == NULL || res->ai_addrlen > sizeof *out) {
    freeaddrinfo(res);
    fprintf(stderr, "address %s: no usable result\n", host);
    return -1;
  }
  memcpy(out, res->ai_addr, res->ai_addrlen);
  *out_len = res->ai_addrlen;
  freeaddrinfo(res);
  return 0;
}

/*
 * Log-linear histogram of nanoseconds, HdrHistogram's layout in miniature: values below 128 are
 * exact, above that each power of two is split into 64 linear buckets, so any recorded value is
 * within 1/64 (1.6 %) of its bucket. 2304 counters cover up to 2^41 ns (~36 min); larger values
 * land in the last bucket. Recording is O(1) with no allocation, so the hot loop can record every
 * round trip instead of sampling.
 */
#define HIST_LINEAR 128u
#define HIST_SUB 64u
#define HIST_MAX_EXP 40u
#define HIST_BUCKETS (HIST_LINEAR + (HIST_MAX_EXP - 7u + 1u) * HIST_SUB)

typedef struct {
  uint64_t counts[HIST_BUCKETS];
  uint64_t total;
  uint64_t max;
  double sum;
} hist_t;

static UNUSED size_t hist_index(uint64_t v) {
  if (v < HIST_LINEAR) return (size_t)v;
  unsigned e = 63u - (unsigned)__builtin_clzll(v); /* v >= 128, so e >= 7 */
  if (e > HIST_MAX_EXP) return HIST_BUCKETS - 1u;
  uint64_t m = v >> (e - 6u); /* top 7 bits: 64..127 */
  return HIST_LINEAR + (size_t)(e - 7u) * HIST_SUB + (size_t)(m - HIST_SUB);
}

/* The midpoint of bucket i. */
static UNUSED uint64_t hist_bucket_value(size_t i) {
  if (i < HIST_LINEAR) return (uint64_t)i;
  size_t k = i - HIST_LINEAR;
  unsigned e = 7u + (unsigned)(k / HIST_SUB);
  uint64_t m = HIST_SUB + (uint64_t)(k % HIST_SUB);
  uint64_t width = (uint64_t)1 << (e - 6u);
  return m * width + width / 2u;
}

static UNUSED void hist_record(hist_t *h, uint64_t v) {
  h->counts[hist_index(v)]++;
  h->total++;
  h->sum += (double)v;
  if (v > h->max) h->max = v;
}

/* Value at quantile q (0..1]: the smallest bucket whose cumulative count reaches ceil(q*total). */
static UNUSED uint64_t hist_quantile(const hist_t *h, double q) {
  if (h->total == 0) return 0;
  double r = ceil(q * (double)h->total);
  uint64_t rank = r < 1.0 ? 1u : (uint64_t)r;
  if (rank > h->total) rank = h->total;
  uint64_t seen = 0;
  for (size_t i = 0; i < HIST_BUCKETS; i++) {
    seen += h->counts[i];
    if (seen >= rank) {
      uint64_t v = hist_bucket_value(i);
      return v > h->max ? h->max : v; /* a midpoint never reports more than was seen */
    }
  }
  return h->max;
}

#endif
