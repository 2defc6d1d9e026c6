/**
 * A minimal client and server built only from the handshake functions, the way the connection
 * state machine will use them: datagrams in, datagrams out, `now` and `random` injected.
 */
import { SeededRandom } from '../../../lib/protocol/seeded-random.js';
import {
  AeadChoice,
  CookieJar,
  HandshakeError,
  aeadOfferMask,
  buildFinishedAck,
  buildHello,
  buildRetry,
  buildServerHello,
  buildTranscript,
  checkFinishedData,
  checkIdentity,
  chooseAead,
  ed25519PublicKey,
  encodeFinishedData,
  issueCertificate,
  parseCertificate,
  parseHello,
  parseRetry,
  parseServerHello,
  requireValidCertificate,
  deriveSessionKeys,
  x25519KeyPair,
  type Certificate,
  type Identity,
  type RandomFill,
  type SessionKeys,
  type X25519KeyPair,
} from '../../../lib/protocol/handshake/index.js';
import { PacketType } from '../../../lib/wire/constants.js';
import { decodePacket } from '../../../lib/wire/decode.js';
import { encodePacket } from '../../../lib/wire/encode.js';
import type { AckPacket, AuthPacket } from '../../../lib/wire/packet.js';

export const NOW = 1_700_000_000_000;
export const ADDRESS = '127.0.0.1:5000';

export function seeded(seed: number): RandomFill {
  const rng = new SeededRandom(seed);
  return (out) => {
    rng.fill(out);
  };
}

export function bytesOf(random: RandomFill, length: number): Uint8Array {
  const out = new Uint8Array(length);
  random(out);
  return out;
}

export interface Service {
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
}

export function makeService(random: RandomFill): Service {
  const seed = bytesOf(random, 32);
  return { seed, publicKey: ed25519PublicKey(seed) };
}

/** An identity issued by `service`; the username length sets the certificate size (114 + n). */
export function makeIdentity(service: Service, random: RandomFill, username = 'server-eu-1', expiryMs = NOW + 3_600_000): Identity {
  const privateSeed = bytesOf(random, 32);
  const certificate = issueCertificate(service.seed, {
    accountId: 42n,
    username,
    publicKey: ed25519PublicKey(privateSeed),
    expiryMs,
  });
  return { certificate, privateSeed };
}

export function auth(datagram: Uint8Array): AuthPacket {
  const p = decodePacket(datagram);
  if (p.type !== PacketType.AUTH) throw new Error('expected AUTH');
  return p;
}

export function ack(datagram: Uint8Array): AckPacket {
  const p = decodePacket(datagram);
  if (p.type !== PacketType.ACK) throw new Error('expected ACK');
  return p;
}

export interface ClientConfig {
  readonly password?: string;
  readonly identity?: Identity;
  readonly servicePublicKey?: Uint8Array;
  readonly offer?: readonly AeadChoice[];
}

export class TestClient {
  readonly keyPair: X25519KeyPair;
  readonly clientRandom: Uint8Array;
  readonly aeadOffer: number;
  private cookie: Uint8Array = new Uint8Array(0);
  private sequence = 0;
  keys: SessionKeys | undefined;

  constructor(
    random: RandomFill,
    private readonly config: ClientConfig = {},
  ) {
    this.keyPair = x25519KeyPair(random);
    this.clientRandom = bytesOf(random, 32);
    this.aeadOffer = aeadOfferMask(config.offer ?? [AeadChoice.XCHACHA20_POLY1305, AeadChoice.AES_256_GCM]);
  }

  hello(): Uint8Array {
    const packet = buildHello(
      {
        publicKey: this.keyPair.publicKey,
        certificate: this.config.identity?.certificate ?? new Uint8Array(0),
        clientRandom: this.clientRandom,
        aeadOffer: this.aeadOffer,
        cookie: this.cookie,
      },
      { sequence: this.sequence++ },
    );
    return encodePacket(packet);
  }

  onRetry(datagram: Uint8Array): void {
    this.cookie = parseRetry(auth(datagram));
  }

  /** SERVER HELLO and the server's Finished ACK in; the client's Finished ACK out. */
  onServerHello(serverHello: Uint8Array, finishedAck: Uint8Array, now: number): Uint8Array {
    const sh = parseServerHello(auth(serverHello), this.aeadOffer);
    let serverCert: Certificate | undefined;
    if (this.config.servicePublicKey) {
      if (sh.certificate.length === 0) throw new HandshakeError('certificate-missing', 'server sent no certificate');
      serverCert = requireValidCertificate(sh.certificate, this.config.servicePublicKey, now);
    } else if (sh.certificate.length > 0) {
      serverCert = parseCertificate(sh.certificate); // CertificateVerify is still required
    }
    const keys = deriveSessionKeys({
      role: 'client',
      privateKey: this.keyPair.privateKey,
      password: this.config.password,
      transcript: buildTranscript(
        { publicKey: this.keyPair.publicKey, certificate: this.config.identity?.certificate ?? new Uint8Array(0), clientRandom: this.clientRandom, aeadOffer: this.aeadOffer },
        sh,
      ),
    });
    checkFinishedData(ack(finishedAck).data, keys, serverCert);
    this.keys = keys;
    const data = encodeFinishedData(keys, this.config.identity);
    return encodePacket(buildFinishedAck(data, { sequence: this.sequence++, ackId: 0, ackBits: 0 }));
  }
}

export interface ServerConfig {
  readonly password?: string;
  readonly identity?: Identity;
  readonly servicePublicKey?: Uint8Array;
  readonly preference?: readonly AeadChoice[];
  /** An impostor with a stolen certificate would not check that its seed matches. */
  readonly skipIdentityCheck?: boolean;
}

export type ServerReply =
  | { readonly kind: 'retry'; readonly datagram: Uint8Array }
  | { readonly kind: 'server-hello'; readonly serverHello: Uint8Array; readonly finishedAck: Uint8Array };

export class TestServer {
  readonly cookies: CookieJar;
  keys: SessionKeys | undefined;
  private clientCert: Certificate | undefined;
  private sequence = 0;

  constructor(
    private readonly random: RandomFill,
    now: number,
    private readonly config: ServerConfig = {},
  ) {
    this.cookies = new CookieJar(now, random);
    if (config.identity && !config.skipIdentityCheck) checkIdentity(config.identity);
  }

  onHello(datagram: Uint8Array, address: string, now: number): ServerReply {
    const hello = parseHello(auth(datagram));
    const check = this.cookies.verify(hello.cookie, address, hello.publicKey, hello.clientRandom, now);
    if (!check.ok) {
      const cookie = this.cookies.issue(address, hello.publicKey, hello.clientRandom, now);
      return { kind: 'retry', datagram: encodePacket(buildRetry(cookie, { sequence: this.sequence++ })) };
    }
    if (hello.certificate.length > 0) {
      // A sent certificate is always proven (CertificateVerify); trusted only with a service key.
      this.clientCert = this.config.servicePublicKey
        ? requireValidCertificate(hello.certificate, this.config.servicePublicKey, now)
        : parseCertificate(hello.certificate);
    }
    const aeadChoice = chooseAead(hello.aeadOffer, this.config.preference);
    if (aeadChoice === undefined) throw new HandshakeError('no-common-aead', 'no common AEAD');
    const keyPair = x25519KeyPair(this.random);
    const serverRandom = bytesOf(this.random, 32);
    const certificate = this.config.identity?.certificate ?? new Uint8Array(0);
    const fields = { publicKey: keyPair.publicKey, certificate, serverRandom, aeadChoice };
    const keys = deriveSessionKeys({
      role: 'server',
      privateKey: keyPair.privateKey,
      password: this.config.password,
      transcript: buildTranscript(hello, fields),
    });
    this.keys = keys;
    const serverHello = encodePacket(buildServerHello(fields, { sequence: this.sequence++ }));
    const finishedAck = encodePacket(
      buildFinishedAck(encodeFinishedData(keys, this.config.identity), { sequence: this.sequence++, ackId: 0, ackBits: 0 }),
    );
    return { kind: 'server-hello', serverHello, finishedAck };
  }

  onClientFinished(datagram: Uint8Array): void {
    if (!this.keys) throw new Error('no SERVER HELLO sent');
    checkFinishedData(ack(datagram).data, this.keys, this.clientCert);
  }
}

/** Cookie round trip, then SERVER HELLO, then both Finished; returns everything sent. */
export function runHandshake(client: TestClient, server: TestServer, now = NOW) {
  const hello1 = client.hello();
  const retry = server.onHello(hello1, ADDRESS, now);
  if (retry.kind !== 'retry') throw new Error('expected RETRY first');
  client.onRetry(retry.datagram);
  const hello2 = client.hello();
  const reply = server.onHello(hello2, ADDRESS, now);
  if (reply.kind !== 'server-hello') throw new Error('expected SERVER HELLO');
  const clientFinished = client.onServerHello(reply.serverHello, reply.finishedAck, now);
  server.onClientFinished(clientFinished);
  return { hello1, retry: retry.datagram, hello2, ...reply, clientFinished };
}

/** Asserts fn throws a HandshakeError with the given wire code and returns it. */
export function handshakeError(fn: () => unknown): HandshakeError {
  try {
    fn();
  } catch (e) {
    if (e instanceof HandshakeError) return e;
    throw e;
  }
  throw new Error('expected a HandshakeError');
}
