/**
 * Register or log in. Flags answer what they can (`--user`, `--password`, `--register`), the
 * prompter asks the rest. Failures here end the session: without an account there is nothing
 * else to do, and a wrong password must be one clear line and a non-zero exit for scripts.
 */
import { PASSWORD_SCHEMA } from '../../services/accounts/schemas.js';
import type { AccountJson } from './api-responses.js';
import { PlayError } from './failure.js';
import type { Prompter } from './prompter.js';
import type { ServiceApi } from './service-api.js';

export interface SignInFlags {
  readonly user?: string | undefined;
  readonly password?: string | undefined;
  readonly register?: boolean | undefined;
}

export interface SignedIn {
  /** The service, as this account (a Bearer session). */
  readonly api: ServiceApi;
  readonly account: AccountJson;
}

const MIN_PASSWORD = PASSWORD_SCHEMA.minLength;

export async function signIn(api: ServiceApi, prompter: Prompter, flags: SignInFlags, signal: AbortSignal): Promise<SignedIn> {
  const register = flags.register === true || (flags.user === undefined && (await askRegister(prompter, signal)));
  const username = flags.user ?? (await askUsername(prompter, signal));
  let password = flags.password;
  if (password === undefined) password = register ? await askNewPassword(prompter, signal) : await prompter.secret('Password: ', signal);
  if (register) {
    if (password.length < MIN_PASSWORD) throw new PlayError(`a password needs at least ${MIN_PASSWORD} characters`);
    await api.register(username, password, signal);
    prompter.print(`Registered ${username}.`);
  }
  const session = await api.login(username, password, signal);
  prompter.print(`Logged in as ${session.account.username}.`);
  return { api: api.withToken(session.token), account: session.account };
}

async function askRegister(prompter: Prompter, signal: AbortSignal): Promise<boolean> {
  for (;;) {
    const answer = (await prompter.ask('Log in or register? [l/r]: ', signal)).trim().toLowerCase();
    if (answer === 'l' || answer === 'login' || answer === 'log in') return false;
    if (answer === 'r' || answer === 'register') return true;
    prompter.print('Type l to log in or r to register a new account.');
  }
}

async function askUsername(prompter: Prompter, signal: AbortSignal): Promise<string> {
  for (;;) {
    // the service refuses surrounding spaces rather than trimming them; a person means no spaces
    const answer = (await prompter.ask('Username: ', signal)).trim();
    if (answer !== '') return answer;
  }
}

async function askNewPassword(prompter: Prompter, signal: AbortSignal): Promise<string> {
  for (;;) {
    const password = await prompter.secret(`Password (${MIN_PASSWORD} characters or more): `, signal);
    if (password.length < MIN_PASSWORD) {
      prompter.print(`That is ${password.length} characters; a password needs at least ${MIN_PASSWORD}.`);
      continue;
    }
    if ((await prompter.secret('Repeat the password: ', signal)) === password) return password;
    prompter.print('The two passwords differ; once more.');
  }
}
