/** An ArenaServer's counters and loop health as one plain object (it crosses a thread as is). */
import type { ArenaServer, ArenaServerStats } from './arena-server.js';

export interface ServerSummary extends ArenaServerStats {
  readonly snapshotHz: number;
  readonly players: number;
  readonly ticks: number;
  readonly skippedTicks: number;
  /** Mean ms of work per tick (simulation + broadcast) against its 16.7 ms budget. */
  readonly meanTickWorkMs: number;
  /** Share of the time the server's own event loop was busy, since the last measurement mark. */
  readonly eventLoopPct: number;
}

export function summarizeServer(server: ArenaServer, eventLoopUtilization: number): ServerSummary {
  const loop = server.loopStats;
  return {
    ...server.stats,
    snapshotHz: server.snapshotHz,
    players: server.playerCount,
    ticks: loop.ticks,
    skippedTicks: loop.skipped,
    meanTickWorkMs: loop.ticks === 0 ? 0 : server.stats.tickWorkMs / loop.ticks,
    eventLoopPct: 100 * eventLoopUtilization,
  };
}
