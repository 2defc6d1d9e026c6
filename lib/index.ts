/** paperclip-net public API. */
export { primitives, backendName, nativeLoad, jsPrimitives, packageVersion } from './native.js';
export type { NativeLoad } from './native.js';
export { PrimitiveStatus } from './primitives/types.js';
export type {
  Primitives,
  Aead,
  AeadAlgorithm,
  AeadBatch,
  SpanBatch,
  Crc32,
  RawDeflate,
  BackendName,
} from './primitives/types.js';
export * from './wire/index.js';
export { doctorReport } from './cli/doctor.js';
export type { DoctorReport } from './cli/doctor.js';
export { createServer, Server, Peer } from './transport/server.js';
export type { ServerOptions, ServerEvents, DisconnectInfo, MessageInfo } from './transport/server.js';
export { connect, Client, HandshakeFailedError } from './transport/client.js';
export type { ClientOptions, ClientEvents } from './transport/client.js';
export { resolveIoBackend } from './transport/io-backend.js';
export type { IoBackend } from './transport/io-backend.js';
export type { NativeEngineStats } from './transport/native-engine.js';
export type { SendOptions, DeliveryName } from './transport/send-options.js';
export { LossyUdpProxy } from './transport/lossy-proxy.js';
export type { LossyProxyOptions } from './transport/lossy-proxy.js';
export { Endpoint } from './protocol/endpoint.js';
export type { EndpointOptions, EndpointEvent, EndpointStats, ConnectionHandle, Address } from './protocol/endpoint.js';
export { Connection } from './protocol/connection.js';
export type { ConnectionStats } from './protocol/connection.js';
export type { ConnectionOptions } from './protocol/connection-options.js';
export { ChannelKind } from './protocol/channel-kind.js';
export { ed25519PublicKey, issueCertificate, parseCertificate, verifyCertificate } from './protocol/handshake/index.js';
export type { Certificate, CertificateFields, Identity, ExpectedPeer } from './protocol/handshake/index.js';
// The accounts service (Fastify, SQLite, PostgreSQL) is its own entry point, `paperclip-net/service`,
// so a game client importing the transport loads none of it.
export { signResults, verifyResults } from './services/accounts/results-signature.js';
export type { GameModule, GameContext, GameInstance, Player } from './services/gameservers/index.js';
