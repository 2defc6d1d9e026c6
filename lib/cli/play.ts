/**
 * `paperclip play`: the seed's end-user terminal client. Log in (or register) on an accounts
 * service, manage friends, matchmake into a Rock-Paper-Scissors lobby, play it on the lobby's
 * game server over paperclip-net with a certificate for a key made here, and see the
 * leaderboard. The pieces live in ./play/; this file is flags, exit codes and the one place
 * errors become a line on stderr.
 *
 * - The service is checked (`GET /health`) before anything is asked: a person should not type a
 *   password to learn that the server is down.
 * - Exit status: 0 after quit (or the end of piped input at the menu), 1 when the session
 *   failed (one line `paperclip play: …`), 130 / 143 after Ctrl-C / SIGTERM, which first
 *   disconnects from a game server gracefully (play/interrupts.ts).
 * - `--password` is for scripts; on a shared machine PAPERCLIP_PASSWORD keeps it out of `ps`.
 * - No `--best-of`: the service starts games with the module's settings and takes none from
 *   clients, so such a flag could only lie.
 * - The game itself is examples/rps/client.ts (`RpsClient`), as in the seed, where the end-user
 *   client drove the RPS demo's client; lib/cli/play/ holds the service steps it shares with
 *   the example bot (REST client, certificate, lobby → pinned game-server connection).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_CONFIG } from '../services/accounts/config.js';
import { InterruptedError } from './play/cancellation.js';
import { createPlayContext } from './play/context.js';
import { describeFailure } from './play/failure.js';
import { trapInterrupts } from './play/interrupts.js';
import { runMenu } from './play/menu.js';
import { Prompter } from './play/prompter.js';
import { ServiceApi } from './play/service-api.js';
import { signIn, type SignedIn } from './play/sign-in.js';

export const DEFAULT_SERVER = `http://${DEFAULT_CONFIG.host}:${DEFAULT_CONFIG.httpPort}`;

export interface PlayFlags {
  readonly server: string;
  readonly user?: string;
  readonly password?: string;
  readonly register?: boolean;
  /** Seconds. */
  readonly connectTimeout: number;
}

export function parseServiceUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidArgumentError('not a URL; expected e.g. http://127.0.0.1:8080');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('expected an http:// or https:// URL');
  return raw.replace(/\/+$/, '');
}

export function parseSeconds(raw: string): number {
  const n = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw.trim()) || !(n > 0) || n > 600) throw new InvalidArgumentError('expected seconds, more than 0 and at most 600');
  return n;
}

export function registerPlay(program: Command): void {
  program
    .command('play')
    .description('play Rock-Paper-Scissors on a paperclip service: account, friends, matchmaking, leaderboard')
    .addOption(new Option('--server <url>', 'accounts service URL').env('PAPERCLIP_SERVER').default(DEFAULT_SERVER).argParser(parseServiceUrl))
    .addOption(new Option('--user <name>', 'username (asked when not given)').env('PAPERCLIP_USER'))
    .addOption(new Option('--password <password>', 'password (asked when not given; the variable keeps it out of ps)').env('PAPERCLIP_PASSWORD'))
    .option('--register', 'create the account before logging in')
    .addOption(new Option('--connect-timeout <seconds>', 'handshake deadline with a game server').default(5).argParser(parseSeconds))
    .action(async (flags: PlayFlags) => {
      process.exitCode = await runPlay(flags);
    });
}

/** The whole session; resolves with the exit status and never throws. */
export async function runPlay(flags: PlayFlags): Promise<number> {
  const terminal = process.stdin.isTTY === true && process.stdout.isTTY === true;
  const prompter = new Prompter({ input: process.stdin, output: process.stdout, terminal });
  const interrupts = trapInterrupts(prompter);
  const { signal } = interrupts;
  let session: SignedIn | undefined;
  try {
    const api = new ServiceApi(flags.server);
    await api.health(signal);
    prompter.print(`paperclip play on ${api.url}`);
    session = await signIn(api, prompter, flags, signal);
    await runMenu(createPlayContext({ api: session.api, account: session.account, prompter, signal, connectTimeoutMs: flags.connectTimeout * 1000 }));
    prompter.print('Bye.');
    return 0;
  } catch (err) {
    if (err instanceof InterruptedError) {
      prompter.print('Interrupted.');
      return err.exitCode;
    }
    process.stderr.write(`paperclip play: ${describeFailure(err)}\n`);
    return 1;
  } finally {
    // ends the session and revokes the certificate made for it; best effort, briefly
    await session?.api.logout(AbortSignal.timeout(2000)).catch(() => undefined);
    interrupts.dispose();
    prompter.close();
  }
}
