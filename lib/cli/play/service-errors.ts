/**
 * The ways a request to the accounts service can fail, as the client sees them. They are kept
 * apart because a person needs different advice for each: start the service, fix the password,
 * or report a bug (the URL points at something that is not this service).
 */

/** No HTTP answer at all: connection refused, unknown host, timeout. */
export class ServiceUnreachableError extends Error {
  override readonly name = 'ServiceUnreachableError';
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot reach the service at ${url}: ${reason}`);
  }
}

/** The service answered with one of its catalogue errors (docs/SERVICE.md "Conventions"). */
export class ServiceRequestError extends Error {
  override readonly name = 'ServiceRequestError';
  constructor(
    readonly status: number,
    /** Catalogue code, e.g. LOBBY_FULL. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** An answer that is not the paperclip API's: wrong URL, a proxy's error page, a version skew. */
export class UnexpectedResponseError extends Error {
  override readonly name = 'UnexpectedResponseError';
  constructor(
    readonly url: string,
    detail: string,
  ) {
    super(`${url} ${detail} (is it a paperclip service?)`);
  }
}

/** Why fetch could not reach the server, in words (undici hides the errno in `cause`). */
export function unreachableReason(err: unknown): string {
  if (err instanceof DOMException && err.name === 'TimeoutError') return 'no answer in time';
  const cause = err instanceof Error ? (err.cause as { code?: unknown; message?: unknown; errors?: { code?: unknown }[] } | undefined) : undefined;
  // a host name with several addresses fails with an AggregateError whose parts carry the code
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (is `paperclip serve` running there?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'unknown host';
    case 'ECONNRESET':
      return 'the connection was reset';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'no answer in time';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'no route to the host';
    default:
      if (typeof code === 'string') return code;
      // fetch's own refusals carry only a message in `cause` (e.g. "bad port" for blocked ports)
      if (typeof cause?.message === 'string') return cause.message;
      return err instanceof Error ? err.message : String(err);
  }
}
