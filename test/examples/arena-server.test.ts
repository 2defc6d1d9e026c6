import { afterEach, describe, expect, it } from 'vitest';
import { ArenaClient } from '../../examples/arena/arena-client.js';
import { ArenaServer } from '../../examples/arena/arena-server.js';
import { encodeInput } from '../../examples/arena/input-codec.js';
import { decodeSnapshot, type SnapshotMessage } from '../../examples/arena/snapshot-codec.js';
import { connect, type Client } from '../../lib/transport/client.js';
import { createServer } from '../../lib/transport/server.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function until(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A bare transport client that records every snapshot the arena server sends it. */
async function rawClient(server: ArenaServer): Promise<{ client: Client; snapshots: SnapshotMessage[] }> {
  const client = await connect('127.0.0.1', server.address.port);
  open.push(client);
  await client.connected;
  const snapshots: SnapshotMessage[] = [];
  client.on('message', (data) => {
    const d = decodeSnapshot(data);
    if (d.ok) snapshots.push(d.value);
  });
  return { client, snapshots };
}

const input = (seq: number, ackSnapshotId: number): Uint8Array => encodeInput({ seq, ackSnapshotId, clientTimeUs: 0, moveX: 0, moveY: 0 });

describe('arena server', () => {
  it('refuses a snapshot rate outside 1..60', async () => {
    await expect(ArenaServer.start({ snapshotHz: 0 })).rejects.toThrow('snapshotHz must be 1..60');
    await expect(ArenaServer.start({ snapshotHz: 61 })).rejects.toThrow('snapshotHz must be 1..60');
  });

  it('drops and counts malformed inputs, keeps running, and applies the next good one', async () => {
    const server = await ArenaServer.start({ snapshotHz: 60 });
    open.push(server);
    const { client, snapshots } = await rawClient(server);
    for (const junk of [new Uint8Array(0), Uint8Array.of(1, 2, 3), new Uint8Array(13).fill(0xff), new Uint8Array(400)]) {
      client.send(junk, { delivery: 'reliable' });
    }
    await until('four drops', () => server.stats.droppedInputs === 4);
    expect(server.stats.lastDropReason).toContain('bytes, expected 13');
    client.send(input(1, 0), { delivery: 'reliable' });
    await until('the good input', () => server.stats.inputsReceived === 1);
    const n = snapshots.length;
    await until('more snapshots', () => snapshots.length > n + 3);
    expect(snapshots.at(-1)?.lastInputSeq).toBe(1);
  });

  it('sends full snapshots until acknowledged, deltas against the acknowledged one, and full again once it ages out', async () => {
    const server = await ArenaServer.start({ snapshotHz: 60, baselines: 4 });
    open.push(server);
    const { client, snapshots } = await rawClient(server);
    await until('three snapshots', () => snapshots.length >= 3);
    expect(snapshots.every((s) => s.baselineId === 0)).toBe(true);
    const acked = snapshots.at(-1)?.snapshotId ?? 0;
    // an id the server has not sent yet is ignored; the real one becomes the baseline
    client.send(input(1, acked + 1_000), { delivery: 'sequenced' });
    client.send(input(2, acked), { delivery: 'sequenced' });
    await until('a delta', () => snapshots.some((s) => s.baselineId === acked));
    const firstDelta = snapshots.findIndex((s) => s.baselineId === acked);
    // no further acknowledgement: after 4 more snapshots the baseline has left the ring
    await until('full snapshots again', () => snapshots.slice(firstDelta).some((s) => s.baselineId === 0));
    const deltas = snapshots.slice(firstDelta).filter((s) => s.baselineId === acked);
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas.length).toBeLessThanOrEqual(4);
    expect(server.stats.fullSnapshots).toBeGreaterThan(3);
  });

  it('a client drops and counts snapshots it cannot decode or apply, then heals from a full one', async () => {
    const fake = await createServer();
    open.push(fake);
    fake.on('connection', (peer) => {
      peer.send(Uint8Array.of(2, 0, 0), { delivery: 'reliable' }); // truncated
      // a delta against baseline 5, which this client never had
      peer.send(Uint8Array.of(2, 0, 0, 0, 9, 0, 0, 0, 5, ...new Array<number>(16).fill(0), 0, 0, 0, 0), { delivery: 'reliable' });
      // a full snapshot with no entities
      peer.send(Uint8Array.of(2, 0, 0, 0, 10, 0, 0, 0, 0, ...new Array<number>(16).fill(0), 0, 0, 0, 0), { delivery: 'reliable' });
    });
    const arena = await ArenaClient.connect('127.0.0.1', fake.address.port);
    open.push(arena);
    await until('three messages', () => arena.stats.badSnapshots + arena.stats.snapshotsApplied === 3);
    expect(arena.stats.badSnapshots).toBe(2);
    expect(arena.stats.lastDropReason).toContain('baseline 5 is not held');
    expect(arena.latest?.id).toBe(10);
  });
});
