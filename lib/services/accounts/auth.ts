/**
 * Request authentication, as the seed accepts it: HTTP Basic with username and password, or
 * `Authorization: Bearer <session token>`. A token is valid until it expires, its session logs
 * out, or a newer login supersedes it; each of those is a 401 with its own code, so a client can
 * tell "log in again" from "wrong password".
 */
import { ServiceError } from './errors.js';
import { verifyPassword } from './passwords.js';
import type { Account, Repository, Session } from './storage/types.js';
import { isWellFormedToken, sha256Hex } from './tokens.js';

export interface Principal {
  readonly account: Account;
  /** The session of a Bearer token; null for Basic credentials. */
  readonly session: Session | null;
}

export type Credentials =
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'bearer'; readonly token: string };

/** Parses an Authorization header; undefined when absent, UNAUTHENTICATED when malformed. */
export function parseAuthorization(header: string | undefined): Credentials | undefined {
  if (header === undefined || header === '') return undefined;
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const value = space < 0 ? '' : header.slice(space + 1).trim();
  if (scheme === 'bearer' && value !== '') return { kind: 'bearer', token: value };
  if (scheme === 'basic' && value !== '') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  throw new ServiceError('UNAUTHENTICATED', 'malformed Authorization header (use Basic or Bearer)');
}

export async function checkPassword(repo: Repository, username: string, password: string): Promise<Account> {
  const account = await repo.findAccountByUsername(username);
  // One message for both cases: the reply must not reveal which usernames exist.
  if (account === null || !(await verifyPassword(password, account.passwordHash))) {
    throw new ServiceError('UNAUTHENTICATED', 'wrong username or password');
  }
  return { id: account.id, username: account.username, createdAt: account.createdAt };
}

export async function checkToken(repo: Repository, token: string, now: number): Promise<Principal> {
  if (!isWellFormedToken(token)) throw new ServiceError('UNAUTHENTICATED', 'not a session token');
  const owner = await repo.findTokenOwner(sha256Hex(token));
  if (owner === null) throw new ServiceError('UNAUTHENTICATED', 'unknown session token');
  const { session, account } = owner;
  if (session.revokedReason === 'superseded') {
    throw new ServiceError('TOKEN_REVOKED', 'the session token was replaced by a newer login');
  }
  if (session.revokedAt !== null) throw new ServiceError('TOKEN_REVOKED', 'the session was logged out');
  if (now >= session.expiresAt) throw new ServiceError('TOKEN_EXPIRED');
  return { account, session };
}

export async function authenticate(repo: Repository, header: string | undefined, now: number): Promise<Principal> {
  const credentials = parseAuthorization(header);
  if (credentials === undefined) throw new ServiceError('UNAUTHENTICATED', 'this route needs Basic credentials or a Bearer token');
  if (credentials.kind === 'bearer') return checkToken(repo, credentials.token, now);
  return { account: await checkPassword(repo, credentials.username, credentials.password), session: null };
}
