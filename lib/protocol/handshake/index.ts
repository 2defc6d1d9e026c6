/** Handshake crypto for the sans-IO connection core (docs/PROTOCOL.md §7). */
export { AuthKind, AeadChoice, AeadOfferBit, HandshakeSize } from './constants.js';
export type { Role, RandomFill } from './constants.js';
export { HandshakeError, handshakeErrorCode } from './errors.js';
export type { HandshakeFailure } from './errors.js';
export { x25519KeyPair, x25519PublicKey, x25519SharedSecret } from './x25519.js';
export type { X25519KeyPair } from './x25519.js';
export { ed25519PublicKey, ed25519Sign, ed25519Verify } from './ed25519.js';
export {
  CERTIFICATE_VERSION,
  MIN_CERTIFICATE_BYTES,
  MAX_CERTIFICATE_BYTES,
  issueCertificate,
  parseCertificate,
  verifyCertificate,
  requireValidCertificate,
} from './certificate.js';
export type { Certificate, CertificateFields, CertificateCheck } from './certificate.js';
export { checkIdentity } from './identity.js';
export type { Identity } from './identity.js';
export { CookieJar, formatAddress } from './cookie.js';
export type { CookieJarOptions, CookieCheck } from './cookie.js';
export { DEFAULT_AEAD_PREFERENCE, aeadOfferMask, chooseAead, isOffered, isAeadChoice, primitiveAeadName } from './aead-choice.js';
export { buildTranscript, encodeTranscript, transcriptHash } from './transcript.js';
export type { Transcript } from './transcript.js';
export { KeyLabel, passwordSalt, deriveKeySchedule, deriveSessionKeys } from './key-schedule.js';
export type { KeySchedule, SessionKeys, SessionKeyInput } from './key-schedule.js';
export { nonceFor } from './nonce.js';
export type { AuthFraming } from './auth-packet.js';
export { helloDataLength, encodeHelloData, buildHello, parseHello } from './hello.js';
export type { HelloFields } from './hello.js';
export { buildRetry, parseRetry } from './retry.js';
export { buildServerHello, parseServerHello } from './server-hello.js';
export type { ServerHelloFields } from './server-hello.js';
export { computeFinished, certificateVerifyMessage, encodeFinishedData, checkFinishedData, buildFinishedAck } from './finished.js';
export type { AckFraming } from './finished.js';
export { matchesExpectedPeer } from './options.js';
export type { ValidateOnline, ExpectedPeer, ClientHandshakeOptions, ServerHandshakeOptions } from './options.js';
