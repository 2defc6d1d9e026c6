/**
 * The lobby/find case. Every measured request must be a real join, so each one carries the
 * token of an account that is in no lobby yet: pre-created in the service child, as many as the
 * warmed-up rate says the measured run will use, with headroom. Should the run still outpace
 * them (the machine is shared, rates move), it is measured again once with more accounts.
 */
import type autocannon from 'autocannon';
import { lobbySpec, Pool, type LobbyOutcomes } from './rest-cases.js';
import type { ServerChild } from './rest-children.js';
import { okRate, seed, type CaseRunner } from './rest-runner.js';

/** Fresh accounts for a measured run: the expected rate times this, plus slack. */
const HEADROOM = 2;
/** Generous guess of warm-up joins per second, to seed enough before the rate is known. */
const WARMUP_RATE_GUESS = 4000;
const ATTEMPTS = 2;

const count = (n: number): string => n.toLocaleString('en-US');

export async function measureLobbyFind(runner: CaseRunner, service: ServerChild, url: string, notes: string[]): Promise<autocannon.Result> {
  const { warmupSec, durationSec, connections } = runner.o;
  const tokens = new Pool<string>();
  const outcomes: LobbyOutcomes = { created: 0, joined: 0 };
  const spec = lobbySpec(url, tokens, outcomes);
  tokens.reset((await seed(service, 'warm-', Math.ceil(warmupSec * WARMUP_RATE_GUESS) + 2 * connections, true)).tokens);
  let rate = okRate(await runner.warm('lobby/find', service, spec));
  for (let attempt = 1; ; attempt++) {
    const accounts = Math.ceil(rate * durationSec * HEADROOM) + 2 * connections;
    runner.say(`lobby/find: pre-creating ${count(accounts)} accounts with sessions`);
    const seeded = await seed(service, `lobby${attempt}-`, accounts, true);
    tokens.reset(seeded.tokens);
    outcomes.created = outcomes.joined = 0;
    const result = await runner.measure('lobby/find', service, spec);
    notes.push(
      `lobby/find: ${count(accounts)} accounts + sessions pre-created through the repository (${(seeded.ms / 1000).toFixed(1)} s); ` +
        `${count(tokens.taken)} handed out (up to ${connections} unsent at the stop), ` +
        `${tokens.repeats === 0 ? 'none repeated' : `${count(tokens.repeats)} REPEATED (no real joins)`}; ` +
        `${count(outcomes.created)} lobbies created, ${count(outcomes.joined)} joined`,
    );
    if (tokens.repeats === 0 || attempt === ATTEMPTS) return result;
    // Inflated by the repeats' already-in-a-lobby shortcut, which errs on the safe side.
    rate = okRate(result);
    notes.push('lobby/find: measuring again with more accounts');
  }
}
