/**
 * Handshake failures, each mapped to one code of the wire catalogue (`lib/wire/errors.ts`) so
 * the state machine can put `major`/`minor` straight into an ERROR packet. `reason` is the
 * machine-readable cause for logs and tests; peers only ever see the code.
 */
import { ErrorCode, formatErrorCode, type ErrorCodeInfo } from '../../wire/errors.js';

export type HandshakeFailure =
  | 'malformed-hello'
  | 'malformed-retry'
  | 'malformed-server-hello'
  | 'no-common-aead'
  | 'aead-not-offered'
  | 'invalid-key-share'
  | 'certificate-malformed'
  | 'certificate-bad-signature'
  | 'certificate-expired'
  | 'certificate-missing'
  | 'certificate-rejected'
  | 'certificate-verify-failed'
  | 'finished-malformed'
  | 'finished-mismatch';

const CODE: Readonly<Record<HandshakeFailure, ErrorCodeInfo>> = {
  'malformed-hello': ErrorCode.CONNECTION,
  'malformed-retry': ErrorCode.CONNECTION,
  'malformed-server-hello': ErrorCode.CONNECTION,
  'no-common-aead': ErrorCode.CONNECTION,
  'aead-not-offered': ErrorCode.CONNECTION,
  'invalid-key-share': ErrorCode.CONNECTION,
  'certificate-malformed': ErrorCode.CERTIFICATE_INVALID,
  'certificate-bad-signature': ErrorCode.CERTIFICATE_INVALID,
  'certificate-expired': ErrorCode.CERTIFICATE_INVALID,
  'certificate-missing': ErrorCode.CERTIFICATE_INVALID,
  'certificate-rejected': ErrorCode.CERTIFICATE_INVALID,
  'certificate-verify-failed': ErrorCode.CERTIFICATE_INVALID,
  'finished-malformed': ErrorCode.FINISH_INVALID,
  'finished-mismatch': ErrorCode.FINISH_INVALID,
};

/** The only error handshake functions throw on untrusted input; caller bugs are RangeError. */
export class HandshakeError extends Error {
  override readonly name = 'HandshakeError';
  readonly reason: HandshakeFailure;
  /** Catalogue entry to send in the ERROR packet. */
  readonly info: ErrorCodeInfo;
  readonly major: number;
  readonly minor: number;
  /** "1.3" */
  readonly code: string;

  constructor(reason: HandshakeFailure, detail: string) {
    const info = CODE[reason];
    super(`${formatErrorCode(info)} ${info.name} (${reason}): ${detail}`);
    this.reason = reason;
    this.info = info;
    this.major = info.major;
    this.minor = info.minor;
    this.code = formatErrorCode(info);
  }
}

/** The wire code a failure maps to, without constructing an error. */
export function handshakeErrorCode(reason: HandshakeFailure): ErrorCodeInfo {
  return CODE[reason];
}
