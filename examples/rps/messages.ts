/**
 * The Rock-Paper-Scissors wire messages, client side: the mirror of the server module's header
 * comment (lib/services/gameservers/modules/rps.ts), which is the protocol's definition. Every
 * message is UTF-8 JSON on the reliable channel.
 *
 * Server messages are validated against JSON schemas rather than cast: a client must not act on
 * a `round` without a winner field or a `match` naming no one, whoever sent it. Unknown fields
 * are allowed so the server can add some without breaking deployed clients.
 */
import { Ajv, type ValidateFunction } from 'ajv';

export type Move = 'rock' | 'paper' | 'scissors';
export const MOVES: readonly Move[] = ['rock', 'paper', 'scissors'];

export interface RpsPlayer {
  readonly accountId: number;
  readonly username: string;
}

export interface StartMessage {
  readonly type: 'start';
  readonly players: readonly RpsPlayer[];
  readonly bestOf: number;
  readonly roundTimeoutMs: number;
}

export interface RoundMessage {
  readonly type: 'round';
  /** Counts every round played, draws included. */
  readonly round: number;
  /** null: that player did not move before the round timed out. */
  readonly moves: readonly { readonly accountId: number; readonly move: Move | null }[];
  /** null: a draw (replayed). */
  readonly winner: number | null;
}

export interface MatchMessage {
  readonly type: 'match';
  readonly winner: number;
  readonly reason: 'won' | 'forfeit';
  readonly wins: readonly { readonly accountId: number; readonly wins: number }[];
  readonly scores: readonly { readonly accountId: number; readonly score: number }[];
}

/** The server refused one of our messages; the match carries on as if it had not been sent. */
export interface ErrorMessage {
  readonly type: 'error';
  readonly message: string;
}

export type ServerMessage = StartMessage | RoundMessage | MatchMessage | ErrorMessage;

export type ParsedServerMessage = { readonly message: ServerMessage } | { readonly invalid: string };

const accountId = { type: 'integer', minimum: 0 } as const;

const START = {
  type: 'object',
  required: ['type', 'players', 'bestOf', 'roundTimeoutMs'],
  properties: {
    type: { type: 'string', const: 'start' },
    players: {
      type: 'array',
      minItems: 1,
      items: { type: 'object', required: ['accountId', 'username'], properties: { accountId, username: { type: 'string' } } },
    },
    bestOf: { type: 'integer', minimum: 1 },
    roundTimeoutMs: { type: 'number', exclusiveMinimum: 0 },
  },
} as const;

const ROUND = {
  type: 'object',
  required: ['type', 'round', 'moves', 'winner'],
  properties: {
    type: { type: 'string', const: 'round' },
    round: { type: 'integer', minimum: 1 },
    moves: {
      type: 'array',
      items: {
        type: 'object',
        required: ['accountId', 'move'],
        properties: { accountId, move: { enum: [...MOVES, null] } },
      },
    },
    winner: { type: ['integer', 'null'], minimum: 0 },
  },
} as const;

const MATCH = {
  type: 'object',
  required: ['type', 'winner', 'reason', 'wins', 'scores'],
  properties: {
    type: { type: 'string', const: 'match' },
    winner: accountId,
    reason: { type: 'string', enum: ['won', 'forfeit'] },
    wins: {
      type: 'array',
      items: { type: 'object', required: ['accountId', 'wins'], properties: { accountId, wins: { type: 'integer', minimum: 0 } } },
    },
    scores: {
      type: 'array',
      items: { type: 'object', required: ['accountId', 'score'], properties: { accountId, score: { type: 'integer' } } },
    },
  },
} as const;

const ERROR = {
  type: 'object',
  required: ['type', 'message'],
  properties: { type: { type: 'string', const: 'error' }, message: { type: 'string' } },
} as const;

// Plain schemas, not ajv's JSONSchemaType: its typing cannot express `Move | null` with an enum.
// strict off: `type: ['integer', 'null']` is a union type, which strict mode refuses.
const ajv = new Ajv({ strict: false });
const validators: { readonly [K in ServerMessage['type']]: ValidateFunction<Extract<ServerMessage, { type: K }>> } = {
  start: ajv.compile<StartMessage>(START),
  round: ajv.compile<RoundMessage>(ROUND),
  match: ajv.compile<MatchMessage>(MATCH),
  error: ajv.compile<ErrorMessage>(ERROR),
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes and validates one message from the game server; never throws. */
export function parseServerMessage(data: Uint8Array): ParsedServerMessage {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(data));
  } catch {
    return { invalid: 'not UTF-8 JSON' };
  }
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  if (type !== 'start' && type !== 'round' && type !== 'match' && type !== 'error') {
    return { invalid: `unknown message type ${JSON.stringify(type)}` };
  }
  const validate = validators[type];
  if (!validate(value)) {
    const first = validate.errors?.[0];
    return { invalid: `bad "${type}" message: ${first === undefined ? 'invalid' : `${first.instancePath || '/'} ${first.message ?? 'invalid'}`}` };
  }
  return { message: value };
}

export function encodeMove(move: Move): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ type: 'move', move }));
}

/** Lenient reading of a typed choice: "r", "rock", " Paper " … */
export function moveFromInput(text: string): Move | undefined {
  const answer = text.trim().toLowerCase();
  if (answer === '') return undefined;
  return MOVES.find((m) => m === answer || m[0] === answer);
}
