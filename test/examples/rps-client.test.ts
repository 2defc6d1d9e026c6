/**
 * The RPS client side without a network: message validation (messages.ts) and RpsClient's
 * bookkeeping over a scripted connection.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { MatchUnfinishedError, RpsClient } from '../../examples/rps/client.js';
import { moveFromInput, parseServerMessage, type ServerMessage } from '../../examples/rps/messages.js';
import type { DisconnectInfo } from '../../lib/transport/server.js';
import { ErrorCode } from '../../lib/wire/errors.js';

const bytes = (value: unknown): Uint8Array => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

const ME = 7;
const THEM = 8;
const start = { type: 'start', players: [{ accountId: ME, username: 'me' }, { accountId: THEM, username: 'them' }], bestOf: 3, roundTimeoutMs: 30_000 };
const round = (n: number, winner: number | null) => ({ type: 'round', round: n, moves: [{ accountId: ME, move: 'rock' }, { accountId: THEM, move: null }], winner });
const match = { type: 'match', winner: ME, reason: 'won', wins: [{ accountId: ME, wins: 2 }, { accountId: THEM, wins: 0 }], scores: [{ accountId: ME, score: 1 }, { accountId: THEM, score: 0 }] };

/** A connection whose server side the test plays. */
class ScriptedConnection extends EventEmitter<{ message: [Uint8Array]; disconnect: [DisconnectInfo] }> {
  readonly sent: unknown[] = [];

  send(data: Uint8Array): void {
    this.sent.push(JSON.parse(new TextDecoder().decode(data)));
  }

  async close(): Promise<void> {
    this.serverCloses();
  }

  serverSends(message: unknown): void {
    this.emit('message', bytes(message));
  }

  serverCloses(): void {
    this.emit('disconnect', { reason: 'peer', code: ErrorCode.SERVER_DISCONNECT, detail: 'match over' });
  }
}

describe('RPS server messages', () => {
  it.each([
    ['bytes that are not UTF-8', new Uint8Array([0xff, 0xfe]), 'not UTF-8 JSON'],
    ['text that is not JSON', bytes('{"type":'), 'not UTF-8 JSON'],
    ['an unknown type', bytes({ type: 'chat' }), 'unknown message type "chat"'],
    ['a message without a type', bytes([1, 2]), 'unknown message type undefined'],
    ['a start without players', bytes({ ...start, players: [] }), 'bad "start" message: /players'],
    ['a round with an illegal move', bytes({ ...round(1, ME), moves: [{ accountId: ME, move: 'lizard' }] }), 'bad "round" message: /moves/0/move'],
    ['a round whose winner is text', bytes({ ...round(1, ME), winner: '7' }), 'bad "round" message: /winner'],
    ['a match with an unknown reason', bytes({ ...match, reason: 'quit' }), 'bad "match" message: /reason'],
    ['an error without its message', bytes({ type: 'error' }), 'bad "error" message'],
  ])('refuses %s', (_name, data, reason) => {
    const parsed = parseServerMessage(data);
    expect(parsed).toEqual({ invalid: expect.stringContaining(reason) });
  });

  it('accepts every message of the server module, unknown extra fields included', () => {
    for (const message of [start, round(1, ME), round(2, null), match, { type: 'error', message: 'already moved in round 1' }]) {
      expect(parseServerMessage(bytes({ ...message, extra: true }))).toEqual({ message: { ...message, extra: true } });
    }
  });

  it('reads a typed move leniently and nothing else', () => {
    expect(['r', ' Rock ', 'P', 'paper', 's', 'SCISSORS'].map(moveFromInput)).toEqual(['rock', 'rock', 'paper', 'paper', 'scissors', 'scissors']);
    expect(['', 'x', 'rocks', 'lizard'].map(moveFromInput)).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('RpsClient', () => {
  it('refuses moves the server would refuse', async () => {
    const conn = new ScriptedConnection();
    const rps = new RpsClient(conn, ME);
    expect(() => rps.move('rock')).toThrow('the match has not started');
    conn.serverSends(start);
    rps.move('rock');
    expect(() => rps.move('paper')).toThrow('already moved in round 1');
    conn.serverSends(round(1, ME));
    rps.move('paper');
    conn.serverSends(round(2, ME));
    expect(rps.isDecided).toBe(true);
    expect(() => rps.move('rock')).toThrow('the match is decided');
    conn.serverCloses();
    expect(conn.sent).toEqual([
      { type: 'move', move: 'rock' },
      { type: 'move', move: 'paper' },
    ]);
  });

  it('keeps the score, knows the opponent, and hands out messages in order until closed', async () => {
    const conn = new ScriptedConnection();
    const rps = new RpsClient(conn, ME);
    const invalid: string[] = [];
    rps.on('invalid', (reason) => invalid.push(reason));
    conn.serverSends(start);
    conn.serverSends(start); // again, as after a reconnect: not a second start
    conn.serverSends('garbage');
    conn.serverSends(round(1, null));
    conn.serverSends({ type: 'error', message: 'already moved in round 1' });
    conn.serverSends(round(2, THEM));
    conn.serverSends(match);
    conn.serverCloses();
    const seen: (ServerMessage | null)[] = [];
    for (let m = await rps.next(); m !== null; m = await rps.next()) seen.push(m);
    expect(seen.map((m) => m?.type)).toEqual(['start', 'round', 'error', 'round', 'match']);
    expect(await rps.next()).toBeNull();
    expect(invalid).toEqual(['not UTF-8 JSON']);
    expect(rps.opponent).toEqual({ accountId: THEM, username: 'them' });
    expect([rps.round, rps.winsOf(ME), rps.winsOf(THEM)]).toEqual([3, 0, 1]);
    await expect(rps.finished).resolves.toMatchObject({ winner: ME });
  });

  it('next() waits for the message that has not arrived yet', async () => {
    const conn = new ScriptedConnection();
    const rps = new RpsClient(conn, ME);
    const pending = rps.next();
    conn.serverSends(start);
    await expect(pending).resolves.toMatchObject({ type: 'start', bestOf: 3 });
  });

  it('a connection closed before the result rejects started and finished with MatchUnfinishedError', async () => {
    const conn = new ScriptedConnection();
    const rps = new RpsClient(conn, ME);
    await rps.close();
    await expect(rps.started).rejects.toBeInstanceOf(MatchUnfinishedError);
    await expect(rps.finished).rejects.toBeInstanceOf(MatchUnfinishedError);
    expect(() => rps.move('rock')).toThrow('closed');
  });
});
