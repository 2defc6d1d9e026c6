/**
 * /auth: accounts, session tokens and certificates.
 *
 * The seed's "Get Key" (the server handing out an account's private key) is deliberately absent:
 * a key that leaves the server is no longer private, and a service that can hand it out can
 * impersonate every player. Clients make their own Ed25519 key pair and ask the service to sign a
 * certificate for the public half (`POST /auth/certificate`).
 */
import type { FastifyInstance } from 'fastify';
import { issueCertificate, verifyCertificate } from '../../../protocol/handshake/certificate.js';
import { principalOf, requireAccount, type ServiceContext } from '../context.js';
import { ServiceError } from '../errors.js';
import { hashPassword } from '../passwords.js';
import { checkPassword, parseAuthorization } from '../auth.js';
import { ACCOUNT_SCHEMA, BASE64_SCHEMA, CERTIFICATE_REPLY_SCHEMA, ERROR_SCHEMA, PASSWORD_SCHEMA, SESSION_SCHEMA, USERNAME_SCHEMA, accountJson, iso } from '../schemas.js';
import { newToken, sha256Hex } from '../tokens.js';

const errors = { 400: ERROR_SCHEMA, 401: ERROR_SCHEMA, 403: ERROR_SCHEMA, 409: ERROR_SCHEMA, 429: ERROR_SCHEMA } as const;

const CERTIFICATE_CHECK = {
  type: 'object',
  required: ['valid'],
  properties: {
    valid: { type: 'boolean' },
    reason: { type: 'string', enum: ['malformed', 'bad-signature', 'expired', 'unknown', 'revoked'] },
    account_id: { type: 'integer' },
    username: { type: 'string' },
    expires_at: { type: 'string' },
  },
} as const;

function decodeBase64(value: string, what: string): Uint8Array {
  const bytes = Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64');
  if (bytes.length === 0) throw new ServiceError('BAD_REQUEST', `${what} is empty or not base64`);
  return new Uint8Array(bytes);
}

export function registerAuthRoutes(app: FastifyInstance, ctx: ServiceContext, authLimit: object): void {
  const account = requireAccount(ctx);

  app.post(
    '/auth/register',
    {
      config: authLimit,
      schema: {
        summary: 'Create an account',
        tags: ['auth'],
        body: {
          type: 'object',
          required: ['username', 'password'],
          additionalProperties: false,
          properties: { username: USERNAME_SCHEMA, password: PASSWORD_SCHEMA },
        },
        response: { 201: ACCOUNT_SCHEMA, ...errors },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body as { username: string; password: string };
      const created = await ctx.repo.createAccount(username, await hashPassword(password), ctx.now());
      request.log.info({ accountId: created.id }, 'account registered');
      return reply.code(201).send(accountJson(created));
    },
  );

  app.get(
    '/auth/token',
    {
      config: authLimit,
      schema: {
        summary: 'Log in: a new session token (older tokens of the account stop working)',
        description: 'Authenticate with HTTP Basic (username:password).',
        tags: ['auth'],
        response: { 200: SESSION_SCHEMA, ...errors },
      },
    },
    async (request) => {
      const credentials = parseAuthorization(request.headers.authorization);
      if (credentials?.kind !== 'basic') {
        ctx.metrics.authFailures.inc({ code: 'UNAUTHENTICATED' });
        throw new ServiceError('UNAUTHENTICATED', 'log in with HTTP Basic username:password');
      }
      let who;
      try {
        who = await checkPassword(ctx.repo, credentials.username, credentials.password);
      } catch (e) {
        ctx.metrics.authFailures.inc({ code: 'UNAUTHENTICATED' });
        throw e;
      }
      const token = newToken();
      const now = ctx.now();
      const session = await ctx.repo.createSession(who.id, sha256Hex(token), now, now + ctx.config.tokenTtlMs);
      return { token, expires_at: iso(session.expiresAt), account: accountJson(who) };
    },
  );

  app.post(
    '/auth/logout',
    {
      onRequest: account,
      schema: { summary: 'End this session (Bearer) and revoke its certificates', tags: ['auth'], response: { 204: { type: 'null' }, ...errors } },
    },
    async (request, reply) => {
      const { session } = principalOf(request);
      if (session === null) throw new ServiceError('BAD_REQUEST', 'logout ends a Bearer session; Basic credentials have none');
      await ctx.repo.revokeSession(session.id, ctx.now());
      return reply.code(204).send();
    },
  );

  app.get(
    '/auth/certificate',
    {
      schema: {
        summary: "The service's certificate key: verify certificates offline with it",
        tags: ['auth'],
        response: {
          200: {
            type: 'object',
            required: ['algorithm', 'public_key', 'format'],
            properties: { algorithm: { type: 'string' }, public_key: { type: 'string' }, format: { type: 'string' } },
          },
        },
      },
    },
    async () => ({
      algorithm: 'Ed25519',
      public_key: Buffer.from(ctx.key.publicKey).toString('base64'),
      format: 'paperclip certificate v1 (docs/PROTOCOL.md §7.3)',
    }),
  );

  app.post(
    '/auth/certificate',
    {
      onRequest: account,
      config: authLimit,
      schema: {
        summary: 'Sign a certificate for your own Ed25519 public key',
        description: 'Needs a Bearer session: the certificate is revoked when that session logs out.',
        tags: ['auth'],
        body: {
          type: 'object',
          required: ['public_key'],
          additionalProperties: false,
          properties: { public_key: BASE64_SCHEMA },
        },
        response: {
          201: CERTIFICATE_REPLY_SCHEMA,
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const who = principalOf(request);
      if (who.session === null) throw new ServiceError('BAD_REQUEST', 'certificates are issued to a Bearer session');
      const publicKey = decodeBase64((request.body as { public_key: string }).public_key, 'public_key');
      if (publicKey.length !== 32) throw new ServiceError('BAD_REQUEST', 'public_key must be a 32-byte Ed25519 key');
      const now = ctx.now();
      const expiryMs = Math.min(now + ctx.config.certificateTtlMs, who.session.expiresAt + ctx.config.certificateTtlMs);
      const certificate = issueCertificate(ctx.key.seed, {
        accountId: BigInt(who.account.id),
        username: who.account.username,
        publicKey,
        expiryMs,
      });
      await ctx.repo.recordCertificate(who.account.id, who.session.id, sha256Hex(certificate), now, expiryMs);
      return reply.code(201).send({ certificate: Buffer.from(certificate).toString('base64'), expires_at: iso(expiryMs) });
    },
  );

  app.get(
    '/auth/certificate/validate',
    {
      schema: {
        summary: 'Online check of a certificate: signed by this service, unexpired, not revoked',
        tags: ['auth'],
        querystring: {
          type: 'object',
          required: ['certificate'],
          additionalProperties: false,
          properties: { certificate: BASE64_SCHEMA },
        },
        response: { 200: CERTIFICATE_CHECK, 400: ERROR_SCHEMA },
      },
    },
    async (request) => {
      const bytes = decodeBase64((request.query as { certificate: string }).certificate, 'certificate');
      const now = ctx.now();
      const check = verifyCertificate(bytes, ctx.key.publicKey, now);
      if (!check.ok) return { valid: false, reason: check.reason };
      const cert = check.certificate;
      const facts = { account_id: Number(cert.accountId), username: cert.username, expires_at: iso(cert.expiryMs) };
      if (cert.accountId === 0n) {
        // A game server's certificate is valid while its lobby's server is the one that holds it.
        const lobbyId = /^lobby:(\d+)$/.exec(cert.username)?.[1];
        const lobby = lobbyId === undefined ? null : await ctx.repo.getLobby(Number(lobbyId));
        if (lobby === null || lobby.server === null) return { valid: false, reason: 'unknown', ...facts };
        if (!Buffer.from(lobby.server.certificate).equals(Buffer.from(bytes))) return { valid: false, reason: 'unknown', ...facts };
        if (lobby.status === 'ended') return { valid: false, reason: 'revoked', ...facts };
        return { valid: true, ...facts };
      }
      const record = await ctx.repo.findCertificate(sha256Hex(bytes));
      if (record === null) return { valid: false, reason: 'unknown', ...facts };
      if (record.revoked) return { valid: false, reason: 'revoked', ...facts };
      return { valid: true, ...facts };
    },
  );
}
