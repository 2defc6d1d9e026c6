/*
 * enet_echo: an ENet 1.3 reliable-UDP echo server (Debian's libenet-dev, linked with -lenet), the
 * established-library reference row of `npm run bench:net`.
 *
 * Method: the idiomatic ENet server loop, one thread. enet_host_service() sends what is queued,
 * receives (ENet reads up to 256 datagrams per call, one recvmsg each), and returns one event;
 * enet_host_check_events() then drains the events already queued without more I/O, so each
 * receive turn ends with one flush of every echo. Every received packet is sent straight back to
 * its peer on the channel it arrived on with the flags it arrived with (reliable stays reliable,
 * unsequenced stays unsequenced, plain unreliable stays unreliable-sequenced): the received
 * ENetPacket itself is re-sent, so ENet copies nothing and frees it once sent (or acknowledged).
 * Bandwidth limits are off (0 = unlimited) and the socket buffers are raised to the same 4 MiB the
 * raw servers ask for, so ENet's 256 KiB default queue is not what gets measured.
 *
 * Usage: enet_echo [--host 127.0.0.1] [--port 0] [--peers 1024] [--rcvbuf BYTES]
 * Prints {"event":"ready","impl":"enet","port":P,...} once bound, and on SIGTERM/SIGINT
 * {"event":"exit",...counters} then exits 0. ENet's wait is interrupted by neither signal (it
 * retries on EINTR), so the loop waits at most 50 ms at a time and checks a flag.
 */
#include "common.h"

#include <enet/enet.h>
#include <signal.h>

static volatile sig_atomic_t stop_requested = 0;

static void on_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

typedef struct {
  uint64_t rx, tx, rx_bytes, send_errors, connects, disconnects, peak_peers, peers;
} counters_t;

static void handle(ENetEvent *ev, counters_t *c) {
  switch (ev->type) {
    case ENET_EVENT_TYPE_CONNECT:
      c->connects++;
      c->peers++;
      if (c->peers > c->peak_peers) c->peak_peers = c->peers;
      break;
    case ENET_EVENT_TYPE_DISCONNECT:
      c->disconnects++;
      if (c->peers > 0) c->peers--;
      break;
    case ENET_EVENT_TYPE_RECEIVE: {
      ENetPacket *p = ev->packet;
      c->rx++;
      c->rx_bytes += p->dataLength;
      /* On success ENet owns the packet (reference counted); on failure it is still ours. */
      if (enet_peer_send(ev->peer, ev->channelID, p) == 0) {
        c->tx++;
      } else {
        c->send_errors++;
        enet_packet_destroy(p);
      }
      break;
    }
    case ENET_EVENT_TYPE_NONE:
      break;
  }
}

int main(int argc, char **argv) {
  const char *host = "127.0.0.1";
  long port = 0;
  long peers = 1024;
  long rcvbuf = 4L << 20;
  for (int i = 1; i < argc; i += 2) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (v == NULL) {
      fprintf(stderr, "enet_echo: %s needs a value\n", a);
      return 2;
    }
    if (strcmp(a, "--host") == 0) host = v;
    else if (strcmp(a, "--port") == 0) {
      if (parse_long(a, v, 0, 65535, &port) != 0) return 2;
    } else if (strcmp(a, "--peers") == 0) {
      if (parse_long(a, v, 1, ENET_PROTOCOL_MAXIMUM_PEER_ID, &peers) != 0) return 2;
    } else if (strcmp(a, "--rcvbuf") == 0) {
      if (parse_long(a, v, 4096, 1L << 30, &rcvbuf) != 0) return 2;
    } else {
      fprintf(stderr, "enet_echo: unknown option %s\n", a);
      return 2;
    }
  }

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  if (sigemptyset(&sa.sa_mask) != 0 || sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0) {
    perror("sigaction");
    return 1;
  }

  if (enet_initialize() != 0) {
    fprintf(stderr, "enet_echo: enet_initialize failed\n");
    return 1;
  }
  ENetAddress address;
  memset(&address, 0, sizeof address);
  if (enet_address_set_host_ip(&address, host) != 0) {
    fprintf(stderr, "enet_echo: %s is not an IPv4 address (ENet 1.3 is IPv4 only)\n", host);
    enet_deinitialize();
    return 2;
  }
  address.port = (enet_uint16)port;
  /* channelLimit 0 = ENet's maximum: clients choose, and the echo keeps their channel. */
  ENetHost *server = enet_host_create(&address, (size_t)peers, 0, 0, 0);
  if (server == NULL) {
    fprintf(stderr, "enet_echo: enet_host_create failed (port %ld in use?)\n", port);
    enet_deinitialize();
    return 1;
  }
  if (enet_socket_set_option(server->socket, ENET_SOCKOPT_RCVBUF, (int)rcvbuf) != 0 ||
      enet_socket_set_option(server->socket, ENET_SOCKOPT_SNDBUF, (int)rcvbuf) != 0) {
    perror("enet_echo: socket buffer size");
  }
  ENetAddress bound;
  if (enet_socket_get_address(server->socket, &bound) != 0) {
    perror("enet_echo: enet_socket_get_address");
    enet_host_destroy(server);
    enet_deinitialize();
    return 1;
  }
  int rb = -1, sb = -1;
  if (enet_socket_get_option(server->socket, ENET_SOCKOPT_RCVBUF, &rb) != 0) rb = -1;
  if (enet_socket_get_option(server->socket, ENET_SOCKOPT_SNDBUF, &sb) != 0) sb = -1;
  ENetVersion ver = enet_linked_version();
  printf("{\"event\":\"ready\",\"impl\":\"enet\",\"port\":%u,\"peers\":%ld,\"rcvbuf\":%d,\"sndbuf\":%d,\"enet\":\"%u.%u.%u\"}\n",
         (unsigned)bound.port, peers, rb, sb, (unsigned)ENET_VERSION_GET_MAJOR(ver), (unsigned)ENET_VERSION_GET_MINOR(ver),
         (unsigned)ENET_VERSION_GET_PATCH(ver));
  if (fflush(stdout) != 0) {
    enet_host_destroy(server);
    enet_deinitialize();
    return 1;
  }

  counters_t c = {0};
  int status = 0;
  while (!stop_requested) {
    ENetEvent ev;
    int r = enet_host_service(server, &ev, 50);
    if (r < 0) {
      if (stop_requested) break;
      fprintf(stderr, "enet_echo: enet_host_service failed\n");
      status = 1;
      break;
    }
    if (r == 0) continue;
    do {
      handle(&ev, &c);
    } while ((r = enet_host_check_events(server, &ev)) > 0);
    if (r < 0) {
      fprintf(stderr, "enet_echo: enet_host_check_events failed\n");
      status = 1;
      break;
    }
  }

  /* ENet packs several commands into one datagram: its own datagram counters show how many. */
  printf("{\"event\":\"exit\",\"impl\":\"enet\",\"rx\":%" PRIu64 ",\"tx\":%" PRIu64 ",\"rx_bytes\":%" PRIu64
         ",\"send_errors\":%" PRIu64 ",\"connects\":%" PRIu64 ",\"disconnects\":%" PRIu64 ",\"peak_peers\":%" PRIu64
         ",\"datagrams_rx\":%" PRIu32 ",\"datagrams_tx\":%" PRIu32 "}\n",
         c.rx, c.tx, c.rx_bytes, c.send_errors, c.connects, c.disconnects, c.peak_peers,
         (uint32_t)server->totalReceivedPackets, (uint32_t)server->totalSentPackets);
  if (fflush(stdout) != 0) status = 1;
  enet_host_destroy(server); /* frees every peer's queued packets */
  enet_deinitialize();
  return status;
}
