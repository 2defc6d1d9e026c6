/**
 * The seed's error table (§9.4 "Error Codes") as one catalogue. ERROR packets carry
 * major/minor from here; the codec throws {@link WireError} with the same codes.
 */

export interface ErrorCodeInfo {
  readonly major: number;
  readonly minor: number;
  readonly name: string;
  readonly description: string;
}

function code(major: number, minor: number, name: string, description: string): ErrorCodeInfo {
  return Object.freeze({ major, minor, name, description });
}

export const ErrorCode = {
  CONNECTION: code(1, 0, 'CONNECTION', 'Connection handshake could not finish'),
  NO_SPACE: code(1, 1, 'NO SPACE', 'Server has no more space'),
  CERTIFICATE_INVALID: code(1, 2, 'CERTIFICATE INVALID', 'Certificate is invalid or cannot be validated'),
  FINISH_INVALID: code(1, 3, 'FINISH INVALID', 'Finished is invalid'),
  DISCONNECT: code(2, 0, 'DISCONNECT', 'A party is disconnecting'),
  SERVER_DISCONNECT: code(2, 1, 'SERVER DISCONNECT', 'The server is closing; all clients must exit gracefully'),
  CLIENT_DISCONNECT: code(2, 2, 'CLIENT DISCONNECT', 'The client is closing; the server must handle it gracefully'),
  PACKET: code(3, 0, 'PACKET', 'The packet cannot be read'),
  VERSION: code(3, 1, 'VERSION', 'The packet version does not match the expected'),
  PACKET_TYPE: code(3, 2, 'PACKET TYPE', 'Unknown or invalid packet type'),
  FLAGS: code(3, 3, 'FLAGS', 'Unknown or invalid flags'),
  SEQUENCE_ID: code(3, 4, 'SEQUENCE ID', 'Sequence id does not match expected'),
  FRAGMENT_ID: code(3, 5, 'FRAGMENT ID', 'Unknown or invalid fragment id'),
  FRAGMENT_NUMBER: code(3, 6, 'FRAGMENT NUMBER', 'Unknown or invalid fragment number'),
  INIT_VECTOR: code(3, 7, 'INIT VECTOR', 'Invalid packet counter or decryption failed'),
  COMPRESSION: code(3, 8, 'COMPRESSION', 'Decompression failed'),
  CHECKSUM: code(3, 9, 'CHECKSUM', 'Invalid checksum'),
} as const satisfies Record<string, ErrorCodeInfo>;
export type ErrorCodeName = keyof typeof ErrorCode;

const byNumbers = new Map<number, ErrorCodeInfo>(
  Object.values(ErrorCode).map((info) => [info.major * 16 + info.minor, info]),
);

/** The catalogue entry for a major/minor pair, or undefined for reserved codes. */
export function lookupErrorCode(major: number, minor: number): ErrorCodeInfo | undefined {
  if (!Number.isInteger(major) || !Number.isInteger(minor) || minor < 0 || minor > 15) return undefined;
  return byNumbers.get(major * 16 + minor);
}

/** "3.9" style label. */
export function formatErrorCode(info: Pick<ErrorCodeInfo, 'major' | 'minor'>): string {
  return `${info.major}.${info.minor}`;
}

/** The only error the decoder throws on untrusted bytes. */
export class WireError extends Error {
  override readonly name = 'WireError';
  readonly major: number;
  readonly minor: number;
  /** "3.9" */
  readonly code: string;
  /** Catalogue name, e.g. "CHECKSUM". */
  readonly codeName: string;

  constructor(info: ErrorCodeInfo, detail: string) {
    super(`${formatErrorCode(info)} ${info.name}: ${detail}`);
    this.major = info.major;
    this.minor = info.minor;
    this.code = formatErrorCode(info);
    this.codeName = info.name;
  }
}
