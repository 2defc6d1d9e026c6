/**
 * The service's one error catalogue. Every failure a client can see is one of these codes, sent
 * as `{ statusCode, code, error, message }`; routes and storage throw ServiceError with a code
 * and, where it helps, a more specific message.
 */
import { STATUS_CODES } from 'node:http';

export const ServiceErrorCode = {
  BAD_REQUEST: { status: 400, message: 'the request is malformed' },
  VALIDATION: { status: 400, message: 'the request does not match the route schema' },
  BAD_JSON: { status: 400, message: 'the body is not valid JSON' },
  UNAUTHENTICATED: { status: 401, message: 'missing or wrong credentials' },
  TOKEN_EXPIRED: { status: 401, message: 'the session token has expired' },
  TOKEN_REVOKED: { status: 401, message: 'the session token was revoked (logout or a newer login)' },
  FORBIDDEN: { status: 403, message: 'not allowed for this account' },
  BLOCKED: { status: 403, message: 'one of the two accounts blocks the other' },
  CERTIFICATE_INVALID: { status: 403, message: 'the certificate or its signature is not valid' },
  ACCOUNT_NOT_FOUND: { status: 404, message: 'no such account' },
  GAME_NOT_FOUND: { status: 404, message: 'no such game' },
  LOBBY_NOT_FOUND: { status: 404, message: 'no such lobby' },
  FRIEND_NOT_FOUND: { status: 404, message: 'that account is not a friend' },
  ROUTE_NOT_FOUND: { status: 404, message: 'no such route' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'method not allowed on this route' },
  USERNAME_TAKEN: { status: 409, message: 'that username is taken' },
  ALREADY_FRIENDS: { status: 409, message: 'already friends' },
  ALREADY_IN_LOBBY: { status: 409, message: 'the account is already in an active lobby' },
  LOBBY_FULL: { status: 409, message: 'the lobby is full' },
  LOBBY_CLOSED: { status: 409, message: 'the lobby is no longer open' },
  RESULTS_RECORDED: { status: 409, message: 'results for this lobby were already recorded' },
  BODY_TOO_LARGE: { status: 413, message: 'the body exceeds the size limit' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'the body must be application/json' },
  RATE_LIMITED: { status: 429, message: 'too many requests; retry later' },
  INTERNAL: { status: 500, message: 'internal error' },
  NO_GAME_SERVER: { status: 503, message: 'no game-server port is free' },
  STORAGE_UNAVAILABLE: { status: 503, message: 'the database is unavailable' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ServiceErrorCodeName = keyof typeof ServiceErrorCode;

/** The JSON body of every error response. */
export interface ErrorBody {
  readonly statusCode: number;
  readonly code: ServiceErrorCodeName;
  /** The HTTP reason phrase ("Not Found"). */
  readonly error: string;
  readonly message: string;
}

export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  readonly statusCode: number;

  constructor(
    readonly code: ServiceErrorCodeName,
    message: string = ServiceErrorCode[code].message,
  ) {
    super(message);
    this.statusCode = ServiceErrorCode[code].status;
  }

  toBody(): ErrorBody {
    return { statusCode: this.statusCode, code: this.code, error: STATUS_CODES[this.statusCode] ?? 'Error', message: this.message };
  }
}

export function isServiceError(e: unknown): e is ServiceError {
  return e instanceof ServiceError;
}
