/** Whole Rock-Paper-Scissors matches between scripted clients, results posted to a stand-in service. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseCertificate } from '../../../lib/protocol/handshake/index.js';
import { verifyResults } from '../../../lib/services/accounts/results-signature.js';
import type { StartedGameServer } from '../../../lib/services/gameservers/supervisor.js';
import { alice, bob, endedOnce, freePortRange, identityFor, makeSupervisor, Player, players, scoresStub, until, type Json, type ScoresStub } from './helpers.js';

let stub: ScoresStub;
let supervisor: ReturnType<typeof makeSupervisor>;
let nextLobby = 600;
const open: Player[] = [];

beforeAll(async () => {
  stub = await scoresStub();
  supervisor = makeSupervisor(await freePortRange(4), stub.url);
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.client.close()));
  stub.posts.length = 0;
  stub.statuses.length = 0;
});
afterAll(async () => {
  await supervisor.closeAll();
  await stub.close();
});

async function match(settings: Json = {}): Promise<{ lobbyId: number; server: StartedGameServer; a: Player; b: Player; ended: Promise<string[]> }> {
  const lobbyId = nextLobby++;
  const server = await supervisor.start({ lobbyId, module: 'rps', players, settings });
  const ended = endedOnce(supervisor, lobbyId);
  const a = await Player.join(server, lobbyId, identityFor(alice.accountId, alice.username));
  const b = await Player.join(server, lobbyId, identityFor(bob.accountId, bob.username));
  open.push(a, b);
  return { lobbyId, server, a, b, ended };
}

describe('Rock-Paper-Scissors', () => {
  it('plays a best of 3 with a replayed draw and bad input, posts signed results, exits and frees the port', async () => {
    const { lobbyId, server, a, b, ended } = await match();
    const start = await a.next('start');
    expect(start).toMatchObject({ bestOf: 3, players: [alice, bob] });
    await b.next('start');

    // bad input is answered and changes nothing
    const errors = (): unknown[] => a.messages.filter((m) => m.type === 'error').map((m) => m.message);
    a.send('{not json');
    a.send({ type: 'move', move: 'lizard' });
    a.send({ type: 'hello' });
    a.sendRaw(new Uint8Array([0xff, 0xfe]));
    // round 1: a draw (the second move of a round is refused), replayed
    a.send({ type: 'move', move: 'paper' });
    a.send({ type: 'move', move: 'rock' });
    await until(() => errors().length === 5);
    expect(errors()).toEqual([
      expect.stringMatching(/malformed/),
      expect.stringMatching(/illegal move/),
      expect.stringMatching(/unknown message/),
      expect.stringMatching(/malformed/),
      expect.stringMatching(/already moved in round 1/),
    ]);
    b.send({ type: 'move', move: 'paper' });
    expect(await b.next('round')).toEqual({
      type: 'round',
      round: 1,
      moves: [
        { accountId: alice.accountId, move: 'paper' },
        { accountId: bob.accountId, move: 'paper' },
      ],
      winner: null,
    });
    // rounds 2 and 3: alice's rock beats bob's scissors twice
    for (const round of [2, 3]) {
      const seen = a.messages.length;
      a.send({ type: 'move', move: 'rock' });
      b.send({ type: 'move', move: 'scissors' });
      expect(await a.next('round', seen)).toMatchObject({ round, winner: alice.accountId });
    }
    const scores = [
      { accountId: alice.accountId, score: 1 },
      { accountId: bob.accountId, score: 0 },
    ];
    expect(await b.next('match')).toEqual({
      type: 'match',
      winner: alice.accountId,
      reason: 'won',
      wins: [
        { accountId: alice.accountId, wins: 2 },
        { accountId: bob.accountId, wins: 0 },
      ],
      scores,
    });

    expect(await ended).toEqual(['finished']);
    expect(stub.posts).toHaveLength(1);
    const post = stub.posts[0] as { lobby_id: number; results: { account_id: number; score: number }[]; certificate: string; signature: string };
    expect(post.lobby_id).toBe(lobbyId);
    expect(post.results).toEqual([
      { account_id: alice.accountId, score: 1 },
      { account_id: bob.accountId, score: 0 },
    ]);
    expect(Buffer.from(post.certificate, 'base64').equals(Buffer.from(server.certificate))).toBe(true);
    const serverKey = parseCertificate(server.certificate).publicKey;
    expect(verifyResults(serverKey, post, Buffer.from(post.signature, 'base64'))).toBe(true);
    expect(verifyResults(serverKey, { ...post, results: [{ account_id: bob.accountId, score: 1 }] }, Buffer.from(post.signature, 'base64'))).toBe(false);

    // the process is gone, the players were disconnected, the port is free again
    expect(() => process.kill(server.pid, 0)).toThrow();
    await until(() => !a.client.isConnected && !b.client.isConnected);
    expect(supervisor.running).toBe(0);
    expect(supervisor.freePorts).toBe(supervisor.totalPorts);
  });

  it('a player leaving mid-match forfeits: the other wins', async () => {
    const { a, b, ended } = await match();
    await a.next('start');
    await b.next('start');
    await b.client.close();
    expect(await a.next('match')).toMatchObject({ winner: alice.accountId, reason: 'forfeit' });
    expect(await ended).toEqual(['finished']);
    expect((stub.posts[0] as Json).results).toEqual([
      { account_id: alice.accountId, score: 1 },
      { account_id: bob.accountId, score: 0 },
    ]);
  });

  it('a second connection of a player replaces the first, which is kicked; the match goes on', async () => {
    const { a, b, lobbyId, server, ended } = await match({ bestOf: 1 });
    await a.next('start');
    const kicked: string[] = [];
    a.client.on('disconnect', (info) => kicked.push(`${info.code.major}.${info.code.minor} ${info.detail}`));
    const again = await Player.join(server, lobbyId, identityFor(alice.accountId, alice.username));
    open.push(again);
    expect(await again.next('start')).toMatchObject({ bestOf: 1 });
    await until(() => kicked.length === 1);
    expect(kicked[0]).toMatch(/^2\.0 replaced/);
    again.send({ type: 'move', move: 'scissors' });
    b.send({ type: 'move', move: 'paper' });
    expect(await b.next('match')).toMatchObject({ winner: alice.accountId, reason: 'won' });
    expect(await ended).toEqual(['finished']);
  });

  it('a round timeout forfeits the round of whoever did not move; nobody moving aborts without results', async () => {
    const first = await match({ bestOf: 1, roundTimeoutMs: 300 });
    expect(await first.b.next('start')).toMatchObject({ bestOf: 1, roundTimeoutMs: 300 });
    first.b.send({ type: 'move', move: 'rock' });
    expect(await first.a.next('round')).toMatchObject({ winner: bob.accountId, moves: [{ accountId: alice.accountId, move: null }, { accountId: bob.accountId, move: 'rock' }] });
    expect(await first.a.next('match')).toMatchObject({ winner: bob.accountId, reason: 'won' });
    expect(await first.ended).toEqual(['finished']);

    stub.posts.length = 0;
    const idle = await match({ bestOf: 1, roundTimeoutMs: 200 });
    expect(await idle.ended).toEqual(['players-idle']);
    expect(stub.posts).toHaveLength(0);
  });

  it('retries the results post on a 5xx; a 4xx is final', async () => {
    stub.statuses.push(503);
    const retried = await match({ bestOf: 1 });
    retried.a.send({ type: 'move', move: 'rock' });
    retried.b.send({ type: 'move', move: 'paper' });
    expect(await retried.ended).toEqual(['finished']);
    expect(stub.posts).toHaveLength(2);

    stub.posts.length = 0;
    stub.statuses.push(409, 409);
    const refused = await match({ bestOf: 1 });
    refused.a.send({ type: 'move', move: 'rock' });
    refused.b.send({ type: 'move', move: 'paper' });
    expect(await refused.ended).toEqual(['results-refused']);
    expect(stub.posts).toHaveLength(1);
    expect(supervisor.freePorts).toBe(supervisor.totalPorts);
  });
});
