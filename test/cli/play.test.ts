/**
 * `paperclip play` end to end: the built command in a child process against a real service
 * (in this process) and its game-server processes, driven through a pseudo-terminal like a
 * person at a keyboard (play-session.ts), with the example bot (examples/rps/bot.ts) as the
 * opponent. Then the failures a person meets: bad flags, a wrong password, no service, a full
 * lobby, an unreachable game server, Ctrl-C in the middle of a match.
 */
import { createServer } from 'node:net';
import { CommanderError } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runBot, type BotResult } from '../../examples/rps/bot.js';
import { registerPlay } from '../../lib/cli/play.js';
import type { RunningService } from '../../lib/services/accounts/service.js';
import { until } from '../helpers/until.js';
import { errorLines, paperclip, parseInProcess } from '../helpers/paperclip-cli.js';
import { PASSWORD, signedIn, startRpsService } from '../examples/rps-service.js';
import { PlaySession } from './play-session.js';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}

const sessions: PlaySession[] = [];
afterEach(() => {
  for (const s of sessions.splice(0)) s.kill();
});

function terminal(args: readonly string[]): PlaySession {
  const session = PlaySession.inTerminal(args);
  sessions.push(session);
  return session;
}

function piped(args: readonly string[]): PlaySession {
  const session = PlaySession.piped(args);
  sessions.push(session);
  return session;
}

describe('paperclip play: refusals before any session', () => {
  it('refuses bad flags with one line each (parsed in this process)', async () => {
    const cases = [
      [['--bogus'], "error: unknown option '--bogus'"],
      [['--server', 'nope'], "error: option '--server <url>' argument 'nope' is invalid. not a URL; expected e.g. http://127.0.0.1:8080"],
      [['--server', 'ftp://host'], 'expected an http:// or https:// URL'],
      [['--connect-timeout', '0'], 'expected seconds, more than 0 and at most 600'],
      [['--connect-timeout', 'soon'], 'expected seconds, more than 0 and at most 600'],
    ] as const;
    for (const [args, message] of cases) {
      const { error, printed } = await parseInProcess(registerPlay, 'play', args);
      expect(error, args.join(' ')).toBeInstanceOf(CommanderError);
      expect(printed.trim().split('\n'), args.join(' ')).toEqual([expect.stringContaining(message)]);
    }
  });

  it('exits 1 on a bad flag, the real command', async () => {
    const r = await paperclip(['play', '--bogus']);
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)).toEqual(["error: unknown option '--bogus'"]);
    expect(r.stdout).toBe('');
  });

  it('says in one line that nothing listens at the service URL, before asking anything', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const r = await paperclip(['play', '--server', url]);
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)).toEqual([`paperclip play: cannot reach the service at ${url}: connection refused (is \`paperclip serve\` running there?)`]);
    expect(r.stdout).toBe('');
  });
});

describe('paperclip play against a service', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await startRpsService();
  });
  afterAll(async () => service.close());

  it('a wrong password and an unknown user are the same one line, exit 1, no trace', async () => {
    await signedIn(service.url, 'carol');
    const users = ['carol', 'nobody'];
    const results = await Promise.all(users.map((user) => paperclip(['play', '--server', service.url, '--user', user, '--password', 'not the password'])));
    results.forEach((r, i) => {
      expect(r.code, users[i]).toBe(1);
      // the service does not reveal which usernames exist, so neither does the client
      expect(errorLines(r.stderr), users[i]).toEqual(['paperclip play: wrong username or password']);
      expect(r.stdout).not.toContain('    at ');
    });
  });

  it('ends with one line and exit 1 when a script runs out of answers before the password', async () => {
    const s = piped(['--server', service.url, '--user', 'carol']);
    s.endInput();
    expect(await s.exited).toBe(1);
    expect(errorLines(s.stderr)).toEqual(['paperclip play: the input ended before an answer to "Password:"']);
  });

  it('registers, logs in, adds a friend, plays a match against the bot and shows the leaderboard', async () => {
    await signedIn(service.url, 'bob');
    const s = terminal(['--server', service.url]);
    await s.answer('Log in or register? [l/r]: ', 'r');
    await s.answer('Username: ', 'ann');
    await s.answer('Password (8 characters or more): ', PASSWORD);
    await s.answer('Repeat the password: ', PASSWORD);
    await s.expect('Registered ann.');
    await s.expect('Logged in as ann.');

    await s.answer('> ', 'a');
    await s.answer("Friend's username: ", 'bob');
    await s.expect('bob is now your friend.');
    await s.answer('> ', 'f');
    await s.expect('Friends: bob.');

    await s.answer('> ', 'p');
    await s.expect(/Lobby \d+: 1\/2 players, waiting for an opponent/);
    const bot = runBot({ server: service.url, username: 'rocky', password: PASSWORD, moves: ['rock'] });
    await s.expect('Match: you against rocky, best of 3 (first to 2)');
    await s.answer('Round 1: choose (r)ock, (p)aper, (s)cissors: ', 'p');
    await s.expect('Round 1: you played paper, rocky played rock: you win the round. Score: you 1, rocky 0.');
    await s.answer('Round 2: choose (r)ock, (p)aper, (s)cissors: ', 'paper');
    await s.expect('Round 2: you played paper, rocky played rock: you win the round. Score: you 2, rocky 0.');
    await s.expect('You won the match 2-0 against rocky.');
    await s.expect('Leaderboard (rps):');
    await s.expect(/^\s+1\s+ann\s+1\s+1\s+\(you\)$/m);
    await s.expect(/^\s+2\s+rocky\s+0\s+1$/m);

    await s.answer('> ', 'q');
    await s.expect('Bye.');
    expect(await s.exited).toBe(0);
    await expect(bot).resolves.toMatchObject({ won: false, recorded: true, match: { reason: 'won' } });
    // typed at a terminal, the password is never echoed
    expect(s.text).not.toContain(PASSWORD);
  });

  it('SIGINT while waiting for an opponent leaves the lobby and exits 130 (scripted stdin)', async () => {
    const watcher = await signedIn(service.url, 'ivy');
    const s = piped(['--server', service.url, '--user', 'hal', '--password', PASSWORD, '--register']);
    await s.answer('> ', 'p');
    const waiting = await s.expect(/Lobby \d+: 1\/2 players/);
    const lobbyId = Number(/\d+/.exec(waiting)?.[0]);
    s.signal('SIGINT');
    await s.expect(`Left lobby ${lobbyId}.`);
    expect(await s.exited).toBe(130);
    expect(await watcher.api.lobby(lobbyId)).toMatchObject({ status: 'ended', end_reason: 'abandoned' });
  });

  it('Ctrl-C in the middle of a match disconnects at once: the bot wins by forfeit, exit 130', async () => {
    await signedIn(service.url, 'dora');
    const s = terminal(['--server', service.url, '--user', 'dora', '--password', PASSWORD]);
    await s.answer('> ', 'p');
    await s.expect(/Lobby \d+: 1\/2 players/);
    let finishedAt = 0;
    const bot = runBot({ server: service.url, username: 'paper-bot', password: PASSWORD, moves: ['paper'] }).then((r: BotResult) => {
      finishedAt = Date.now();
      return r;
    });
    await s.expect('Round 1: choose (r)ock, (p)aper, (s)cissors: ');
    const interruptedAt = Date.now();
    s.interrupt();
    await s.expect('Leaving the match…');
    await s.expect('Interrupted.');
    expect(await s.exited).toBe(130);
    await expect(bot).resolves.toMatchObject({ won: true, match: { reason: 'forfeit' } });
    // a ghost player would only be noticed at the server's 10 s idle timeout
    expect(finishedAt - interruptedAt).toBeLessThan(5000);
  });
});

describe('paperclip play when lobbies cannot be played', () => {
  it('reports a full lobby, a lobby already playing and a bad number, and goes on (scripted stdin)', async () => {
    // one game-server port: the first lobby to fill takes it, the second waits in `full`
    const service = await startRpsService({}, 1);
    try {
      const players = await Promise.all(['p1', 'p2', 'p3', 'p4'].map((name) => signedIn(service.url, name)));
      const lobbies: number[] = [];
      for (const p of players) lobbies.push((await p.api.findLobby('rps')).id);
      const [lobby1, , lobby2] = lobbies;
      const [p1, , p3] = players;
      if (lobby1 === undefined || lobby2 === undefined || p1 === undefined || p3 === undefined) throw new Error('setup');
      await until('the first lobby to run', async () => ((await p1.api.lobby(lobby1)).status === 'running' ? true : undefined));
      expect((await p3.api.lobby(lobby2)).status).toBe('full');
      await signedIn(service.url, 'eve');

      const s = piped(['--server', service.url, '--user', 'eve', '--password', PASSWORD]);
      await s.answer('> ', 'j');
      await s.answer('Lobby number: ', String(lobby2));
      await s.expect('! could not join the lobby: the lobby is full');
      await s.answer('> ', 'j');
      await s.answer('Lobby number: ', String(lobby1));
      await s.expect('! could not join the lobby: the lobby is no longer open');
      await s.answer('> ', 'j');
      await s.answer('Lobby number: ', 'seven');
      await s.expect('! could not join the lobby: "seven" is not a lobby number');
      s.endInput();
      await s.expect('Bye.');
      expect(await s.exited).toBe(0);
    } finally {
      await service.close();
    }
  });

  it('says the game server is unreachable when the advertised address does not answer', async () => {
    // the game servers bind 127.0.0.1 but are advertised at 127.0.0.2, where nothing listens
    const service = await startRpsService({ publicHost: '127.0.0.2' }, 1);
    try {
      const opponent = await signedIn(service.url, 'gus');
      const s = piped(['--server', service.url, '--user', 'fay', '--password', PASSWORD, '--register', '--connect-timeout', '1']);
      await s.expect('Registered fay.');
      await s.answer('> ', 'p');
      await s.expect(/Lobby \d+: 1\/2 players/);
      await opponent.api.findLobby('rps');
      await s.expect(/! could not play: the game server at 127\.0\.0\.2:\d+ is unreachable \(no answer within 1000 ms\)/);
      s.endInput();
      expect(await s.exited).toBe(0);
    } finally {
      await service.close();
    }
  });
});
