/**
 * Prometheus metrics of one service instance (`GET /metrics`). Each instance owns its registry,
 * so several services in one process (tests) never share counters.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ServiceMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly duration: Histogram<'method' | 'route'>;
  readonly lobbiesCreated: Counter;
  readonly matchmakingJoins: Counter<'outcome'>;
  readonly gameServersStarted: Counter;
  readonly gameServersEnded: Counter<'reason'>;
  readonly gameServersRunning: Gauge;
  readonly gameServerPortsFree: Gauge;
  readonly authFailures: Counter<'code'>;
}

export function createMetrics(defaultMetrics: boolean): ServiceMetrics {
  const registry = new Registry();
  if (defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'paperclip_' });
  const registers = [registry];
  return {
    registry,
    requests: new Counter({
      name: 'paperclip_http_requests_total',
      help: 'HTTP requests by route template and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    }),
    duration: new Histogram({
      name: 'paperclip_http_request_duration_seconds',
      help: 'HTTP request latency by route template',
      labelNames: ['method', 'route'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    }),
    lobbiesCreated: new Counter({ name: 'paperclip_lobbies_created_total', help: 'Lobbies created', registers }),
    matchmakingJoins: new Counter({
      name: 'paperclip_matchmaking_total',
      help: '/lobby/find outcomes (joined, created, already-member)',
      labelNames: ['outcome'],
      registers,
    }),
    gameServersStarted: new Counter({ name: 'paperclip_game_servers_started_total', help: 'Game-server processes started', registers }),
    gameServersEnded: new Counter({
      name: 'paperclip_game_servers_ended_total',
      help: 'Game-server processes ended, by reason',
      labelNames: ['reason'],
      registers,
    }),
    gameServersRunning: new Gauge({ name: 'paperclip_game_servers_running', help: 'Live game-server processes', registers }),
    gameServerPortsFree: new Gauge({ name: 'paperclip_game_server_ports_free', help: 'Free ports in the game-server pool', registers }),
    authFailures: new Counter({
      name: 'paperclip_auth_failures_total',
      help: 'Rejected credentials by error code',
      labelNames: ['code'],
      registers,
    }),
  };
}
