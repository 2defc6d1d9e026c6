/**
 * The bot from the command line: `node dist/examples/rps/run-bot.js --user bot1`, the opponent
 * for a `paperclip play` session in another terminal (README.md here).
 *
 *   --server <url>      accounts service (env PAPERCLIP_SERVER, default http://127.0.0.1:8080)
 *   --user <name>       the bot's account, registered on first use
 *   --password <pw>     its password (env PAPERCLIP_PASSWORD)
 *   --moves <list>      comma-separated moves played in order, or "random" (default)
 *   --matches <n>       matches to play one after the other (default 1)
 *
 * Exit status 0 when every match finished, 1 on failure (one line), 130 after Ctrl-C, which
 * leaves the lobby or forfeits the running match gracefully first.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_SERVER } from '../../lib/cli/play.js';
import { InterruptedError } from '../../lib/cli/play/cancellation.js';
import { describeFailure, PlayError } from '../../lib/cli/play/failure.js';
import { runBot } from './bot.js';
import { moveFromInput, type Move } from './messages.js';

function parseMoves(text: string): readonly Move[] | 'random' {
  if (text === 'random') return 'random';
  return text.split(',').map((word) => {
    const move = moveFromInput(word);
    if (move === undefined) throw new PlayError(`--moves: "${word}" is not rock, paper or scissors`);
    return move;
  });
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        server: { type: 'string', default: process.env.PAPERCLIP_SERVER ?? DEFAULT_SERVER },
        user: { type: 'string' },
        password: { type: 'string' },
        moves: { type: 'string', default: 'random' },
        matches: { type: 'string', default: '1' },
      },
    }));
  } catch (err) {
    throw new PlayError((err as Error).message);
  }
  const password = values.password ?? process.env.PAPERCLIP_PASSWORD;
  if (values.user === undefined || password === undefined) throw new PlayError('give --user and --password (or PAPERCLIP_PASSWORD)');
  const matches = Number(values.matches);
  if (!Number.isInteger(matches) || matches < 1) throw new PlayError(`--matches: "${values.matches}" is not a whole number of matches`);
  const moves = parseMoves(values.moves);

  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort(new InterruptedError('SIGINT')));
  for (let i = 0; i < matches; i++) {
    const result = await runBot({
      server: values.server,
      username: values.user,
      password,
      moves,
      signal: controller.signal,
      log: (line) => process.stdout.write(`${line}\n`),
    });
    process.stdout.write(`match in lobby ${result.lobbyId}: ${result.won ? 'won' : 'lost'}${result.match.reason === 'forfeit' ? ' by forfeit' : ''}\n`);
  }
  return 0;
}

try {
  process.exitCode = await main();
} catch (err) {
  if (err instanceof InterruptedError) process.exitCode = err.exitCode;
  else {
    process.stderr.write(`rps bot: ${describeFailure(err)}\n`);
    process.exitCode = 1;
  }
}
