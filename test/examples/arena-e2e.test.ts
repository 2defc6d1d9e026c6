import { afterEach, describe, expect, it } from 'vitest';
import { BotSwarm } from '../../examples/arena/bot-swarm.js';
import type { EntityTable } from '../../examples/arena/snapshot.js';
import { POSITION_SCALE } from '../../examples/arena/wire-format.js';

const open: BotSwarm[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

/**
 * Lets every bot go, waits until the server's world has been at rest for 250 ms (15 ticks), then
 * until every bot's reconstructed snapshot equals it (the last movements must have arrived as
 * deltas and been applied onto the right baselines), and its interpolated view shows it.
 */
async function expectConvergence(swarm: BotSwarm, atStart: EntityTable): Promise<void> {
  const server = swarm.server;
  if (server === undefined) throw new Error('the swarm has no in-process server');
  swarm.steering = false;
  const deadline = performance.now() + 10_000;
  let rest = await server.currentState();
  let restSince = performance.now();
  while (performance.now() - restSince < 250) {
    await new Promise((r) => setTimeout(r, 20));
    const now = await server.currentState();
    if (!sameEntities(now, rest)) [rest, restSince] = [now, performance.now()];
    if (performance.now() > deadline) throw new Error('the world never came to rest');
  }
  expect(sameEntities(rest, atStart), 'the bots moved their players during the run').toBe(false);
  for (;;) {
    const behind = swarm.bots.filter((b) => b.client.latest === undefined || !sameEntities(b.client.latest.entities, rest));
    if (behind.length === 0) break;
    if (performance.now() > deadline) expect(behind.map((b) => b.index), 'bots whose view differs from the server').toEqual([]);
    await new Promise((r) => setTimeout(r, 20));
  }
  // the interpolated view, 100 ms behind, reaches the same positions once the render time is past the last change
  await new Promise((r) => setTimeout(r, 250));
  const expected = new Map([...rest].map(([id, e]) => [id, { x: e.x / POSITION_SCALE, y: e.y / POSITION_SCALE }]));
  for (const b of swarm.bots) expect(b.client.view(), `bot ${b.index}'s interpolated view`).toEqual(expected);
}

function sameEntities(a: EntityTable, b: EntityTable): boolean {
  if (a.size !== b.size) return false;
  for (const [id, e] of a) {
    const o = b.get(id);
    if (o === undefined || o.kind !== e.kind || o.x !== e.x || o.y !== e.y || o.score !== e.score) return false;
  }
  return true;
}

describe('arena end to end', () => {
  it('10 bots on loopback: 20 Hz snapshots, sane RTT, every view converges to the server', async () => {
    const swarm = await BotSwarm.start({ count: 10, snapshotHz: 20 });
    open.push(swarm);
    expect(swarm.connectedCount).toBe(10);
    const atStart = (await swarm.server?.currentState()) ?? new Map();
    await swarm.run(3);
    const report = await swarm.report();
    // a starved CPU (this machine has two shared cores) shows as skipped server ticks: say so
    const note = `bot %s; server skipped ${report.server?.skippedTicks} ticks, CPU ${Math.round(report.cpu.userPct + report.cpu.systemPct)} %`;
    for (const c of report.clients) {
      expect(c.snapshotHz, note.replace('%s', String(c.bot))).toBeGreaterThan(20 * 0.7);
      // one snapshot more than the window's share is its edges; more is a loop catching up
      expect(c.snapshotHz, `bot ${c.bot}`).toBeLessThan(22);
      expect(c.inputHz, `bot ${c.bot}`).toBeGreaterThan(45);
      expect(c.badSnapshots).toBe(0);
      expect(c.inKBps).toBeGreaterThan(0);
      expect(c.outKBps).toBeGreaterThan(0);
    }
    expect(report.total.rttMeanMs).toBeGreaterThan(0);
    expect(report.total.rttMeanMs).toBeLessThan(50);
    expect(report.total.rttP99Ms).toBeLessThan(250);
    expect(report.total.snapshotLossPct).toBeLessThan(2);
    // deltas: after the first snapshot per bot, baselines are acknowledged within a few snapshots
    expect(report.server?.fullSnapshots).toBeLessThan(report.server?.snapshotsSent ?? 0);
    await expectConvergence(swarm, atStart);
  }, 30_000);

  it('2 bots through a lossy proxy (10 % loss each way, 10 ± 5 ms): rate, loss and convergence', async () => {
    const swarm = await BotSwarm.start({ count: 2, snapshotHz: 30, link: { lossPercent: 10, delayMs: 10, jitterMs: 5 }, seed: 3 });
    open.push(swarm);
    const atStart = (await swarm.server?.currentState()) ?? new Map();
    await swarm.run(3);
    const report = await swarm.report();
    for (const c of report.clients) {
      // 10 % of snapshots are lost on the way; the rest arrive at the configured rate
      expect(c.snapshotHz, `bot ${c.bot}`).toBeGreaterThan(30 * 0.7);
      expect(c.snapshotHz, `bot ${c.bot}`).toBeLessThan(31);
      expect(c.snapshotLossPct, `bot ${c.bot}`).toBeGreaterThan(2);
      expect(c.snapshotLossPct, `bot ${c.bot}`).toBeLessThan(25);
      expect(c.badSnapshots).toBe(0);
      // two 10 ± 5 ms legs, plus the loop
      expect(c.rttMeanMs, `bot ${c.bot}`).toBeGreaterThan(15);
      expect(c.rttMeanMs, `bot ${c.bot}`).toBeLessThan(80);
    }
    expect(report.proxy?.dropped).toBeGreaterThan(0);
    await expectConvergence(swarm, atStart);
  }, 30_000);

  it('fails with one clear error when no server answers', async () => {
    const start = BotSwarm.start({ count: 2, server: { host: '127.0.0.1', port: 9 }, connectTimeoutMs: 300 });
    await expect(start).rejects.toThrow(/^cannot reach arena server at 127\.0\.0\.1:9: /);
  });
});
