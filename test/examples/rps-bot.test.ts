/**
 * The example bot (examples/rps/bot.ts) against a real service and its game-server processes:
 * the whole client path (account, certificate, matchmaking, pinned handshake, RpsClient) with
 * no terminal in the way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBot } from '../../examples/rps/bot.js';
import { InterruptedError } from '../../lib/cli/play/cancellation.js';
import { describeFailure } from '../../lib/cli/play/failure.js';
import { ServiceApi } from '../../lib/cli/play/service-api.js';
import type { RunningService } from '../../lib/services/accounts/service.js';
import { until } from '../helpers/until.js';
import { errorLines, runScript, type CliResult } from '../helpers/paperclip-cli.js';
import { PASSWORD, signedIn, startRpsService } from './rps-service.js';

/** The built command-line bot (dist/examples/rps/run-bot.js), never throwing. */
const runBotCommand = (args: readonly string[]): Promise<CliResult> => runScript('dist/examples/rps/run-bot.js', args, { timeout: 30_000 });

describe('the RPS bot', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await startRpsService();
  });
  afterAll(async () => service.close());

  it('refuses an empty move list before it touches the service', async () => {
    await expect(runBot({ server: service.url, username: 'never', password: PASSWORD, moves: [] })).rejects.toThrow(RangeError);
    await expect(new ServiceApi(service.url).login('never', PASSWORD)).rejects.toThrow('wrong username or password');
  });

  it('from the command line: one line and exit 1 for a bad move list or a missing password', async () => {
    const badMove = await runBotCommand(['--server', service.url, '--user', 'x', '--password', PASSWORD, '--moves', 'rock,lizard']);
    expect(badMove.code).toBe(1);
    expect(errorLines(badMove.stderr)).toEqual(['rps bot: --moves: "lizard" is not rock, paper or scissors']);
    const noPassword = await runBotCommand(['--server', service.url, '--user', 'x']);
    expect(noPassword.code).toBe(1);
    expect(errorLines(noPassword.stderr)).toEqual(['rps bot: give --user and --password (or PAPERCLIP_PASSWORD)']);
  });

  it('from the command line, it plays a match against another bot and exits 0', async () => {
    const [command, opponent] = await Promise.all([
      runBotCommand(['--server', service.url, '--user', 'cli-bot', '--password', PASSWORD, '--moves', 'paper']),
      runBot({ server: service.url, username: 'lib-bot', password: PASSWORD, moves: ['rock'] }),
    ]);
    expect(command.code).toBe(0);
    expect(command.stdout).toContain(`match in lobby ${opponent.lobbyId}: won\n`);
    expect(opponent).toMatchObject({ won: false, recorded: true });
  });

  it('fails with the one-line reason when the account exists with another password', async () => {
    await signedIn(service.url, 'taken');
    const failure = await runBot({ server: service.url, username: 'taken', password: 'another password' }).catch((e: unknown) => e);
    expect(describeFailure(failure)).toBe('wrong username or password');
  });

  it('two bots matchmake into one lobby, play it out, and the result reaches the leaderboard', async () => {
    const [rock, scissors] = await Promise.all([
      runBot({ server: service.url, username: 'rock', password: PASSWORD, moves: ['rock'] }),
      runBot({ server: service.url, username: 'scissors', password: PASSWORD, moves: ['scissors'] }),
    ]);
    expect(rock.lobbyId).toBe(scissors.lobbyId);
    expect(rock).toMatchObject({ won: true, recorded: true, match: { winner: rock.accountId, reason: 'won' } });
    expect(rock.match.wins).toEqual(expect.arrayContaining([{ accountId: rock.accountId, wins: 2 }, { accountId: scissors.accountId, wins: 0 }]));
    expect(scissors).toMatchObject({ won: false, recorded: true });
    const board = (await new ServiceApi(service.url).leaderboard('rps')).filter((r) => r.username === 'rock' || r.username === 'scissors');
    expect(board.map((r) => [r.username, r.total, r.matches])).toEqual([
      ['rock', 1, 1],
      ['scissors', 0, 1],
    ]);

    // the ended lobby is not handed out again: a rematch gets a new one (draws are replayed until paper wins)
    const [again, paper] = await Promise.all([
      runBot({ server: service.url, username: 'rock', password: PASSWORD, moves: ['rock', 'paper'] }),
      runBot({ server: service.url, username: 'paper', password: PASSWORD, moves: ['paper'] }),
    ]);
    expect(again.lobbyId).toBe(paper.lobbyId);
    expect(again.lobbyId).not.toBe(rock.lobbyId);
    expect(paper).toMatchObject({ won: true, recorded: true });
  });

  it('aborted while waiting for an opponent, it leaves the lobby (which ends, abandoned)', async () => {
    const { api } = await signedIn(service.url, 'watcher');
    const stop = new AbortController();
    let lobbyId: number | undefined;
    const bot = runBot({
      server: service.url,
      username: 'quitter',
      password: PASSWORD,
      signal: stop.signal,
      log: (line) => {
        const m = /in lobby (\d+)/.exec(line);
        if (m !== null) lobbyId = Number(m[1]);
      },
    });
    const lobby = await until('the bot to open a lobby', async () => lobbyId);
    expect((await api.lobby(lobby)).status).toBe('open');
    stop.abort(new InterruptedError('SIGINT'));
    await expect(bot).rejects.toBeInstanceOf(InterruptedError);
    await until('the lobby to end', async () => ((await api.lobby(lobby)).status === 'ended' ? true : undefined));
    expect((await api.lobby(lobby)).end_reason).toBe('abandoned');
  });
});
