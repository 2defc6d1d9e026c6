import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ed25519PublicKey } from '../../../lib/protocol/handshake/ed25519.js';
import { issueCertificate, verifyCertificate } from '../../../lib/protocol/handshake/certificate.js';
import { STORAGE } from './backends.js';
import { basic, bearer, errorCode, json, newUser, startTestService, type TestService } from './harness.js';

for (const storage of STORAGE) {
  describe.skipIf(storage.skip)(`auth routes on ${storage.name}`, () => {
    let s: TestService;
    beforeEach(async () => {
      s = await startTestService(await storage.open());
    });
    afterEach(async () => s.close());

    describe('POST /auth/register', () => {
      it('creates an account and never returns the password', async () => {
        const res = await s.app.inject({ method: 'POST', url: '/auth/register', payload: { username: 'alice', password: 'correct horse' } });
        expect(res.statusCode).toBe(201);
        const body = json<Record<string, unknown>>(res);
        expect(body).toMatchObject({ username: 'alice' });
        expect(typeof body.id).toBe('number');
        expect(res.body).not.toContain('correct horse');
        const stored = await s.repo.findAccountByUsername('alice');
        expect(stored?.passwordHash.startsWith('scrypt$')).toBe(true);
        expect(stored?.passwordHash).not.toContain('correct horse');
      });

      it('409 for a duplicate username', async () => {
        await newUser(s.app, 'alice');
        const res = await s.app.inject({ method: 'POST', url: '/auth/register', payload: { username: 'alice', password: 'another one' } });
        expect(res.statusCode).toBe(409);
        expect(errorCode(res)).toBe('USERNAME_TAKEN');
      });

      it('stores SQL metacharacters literally', async () => {
        const names = ["Robert'); DROP TABLE accounts;--", '%', '_', 'a\\b', '"quoted"', 'ünïcødé 名前'];
        for (const n of names) await newUser(s.app, n);
        for (const n of names) expect((await s.repo.findAccountByUsername(n))?.username).toBe(n);
        const res = await s.app.inject({ method: 'GET', url: '/auth/token', headers: basic('%', 'wrong password') });
        expect(res.statusCode).toBe(401);
        expect((await s.repo.listGames()).length).toBeGreaterThan(0);
      });

      it.each([
        ['a colon in the username', { username: 'lobby:1', password: 'correct horse' }],
        ['an empty username', { username: '', password: 'correct horse' }],
        ['a 33-character username', { username: 'x'.repeat(33), password: 'correct horse' }],
        ['surrounding spaces', { username: ' alice', password: 'correct horse' }],
        ['a control character', { username: 'al\u0007ice', password: 'correct horse' }],
        ['a short password', { username: 'alice', password: 'short' }],
        ['a missing password', { username: 'alice' }],
        ['a number for the username', { username: 42, password: 'correct horse' }],
        ['an extra field', { username: 'alice', password: 'correct horse', admin: true }],
        ['an array body', [1, 2, 3]],
      ])('400 for %s', async (_what, payload) => {
        const res = await s.app.inject({ method: 'POST', url: '/auth/register', payload: payload as object });
        expect(res.statusCode).toBe(400);
        expect(errorCode(res)).toBe('VALIDATION');
      });

      it('400 for malformed JSON, 413 for an oversized body, 415 for a non-JSON body', async () => {
        const bad = await s.app.inject({ method: 'POST', url: '/auth/register', headers: { 'content-type': 'application/json' }, payload: '{"username": "alice",' });
        expect(bad.statusCode).toBe(400);
        expect(errorCode(bad)).toBe('BAD_JSON');
        const big = await s.app.inject({
          method: 'POST',
          url: '/auth/register',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({ username: 'alice', password: 'p'.repeat(64 * 1024) }),
        });
        expect(big.statusCode).toBe(413);
        expect(errorCode(big)).toBe('BODY_TOO_LARGE');
        const text = await s.app.inject({ method: 'POST', url: '/auth/register', headers: { 'content-type': 'text/plain' }, payload: 'alice' });
        expect(text.statusCode).toBe(415);
        expect(errorCode(text)).toBe('UNSUPPORTED_MEDIA_TYPE');
      });
    });

    describe('GET /auth/token and tokens', () => {
      it('issues a token for Basic credentials that then authenticates', async () => {
        const u = await newUser(s.app, 'alice');
        const res = await s.app.inject({ method: 'GET', url: '/friends', headers: u.headers });
        expect(res.statusCode).toBe(200);
        expect(json(res)).toEqual([]);
      });

      it('also accepts Basic credentials on every account route (the seed accepts either)', async () => {
        await newUser(s.app, 'alice');
        const res = await s.app.inject({ method: 'GET', url: '/friends', headers: basic('alice', 'correct horse') });
        expect(res.statusCode).toBe(200);
      });

      it.each([
        ['no header', {}],
        ['a wrong password', basic('alice', 'wrong horse')],
        ['an unknown user', basic('mallory', 'correct horse')],
        ['a Bearer token instead of a password', bearer('x'.repeat(43))],
        ['a malformed header', { authorization: 'Basic' }],
        ['an unknown scheme', { authorization: 'Digest abc' }],
      ])('401 for %s', async (_what, headers) => {
        await newUser(s.app, 'alice');
        const res = await s.app.inject({ method: 'GET', url: '/auth/token', headers });
        expect(res.statusCode).toBe(401);
        expect(errorCode(res)).toBe('UNAUTHENTICATED');
      });

      it('the same message for a wrong password and an unknown user', async () => {
        await newUser(s.app, 'alice');
        const a = await s.app.inject({ method: 'GET', url: '/auth/token', headers: basic('alice', 'wrong horse') });
        const b = await s.app.inject({ method: 'GET', url: '/auth/token', headers: basic('nobody', 'wrong horse') });
        expect(json(a)).toEqual(json(b));
      });

      it('401 for garbage, unknown and expired tokens', async () => {
        const u = await newUser(s.app, 'alice');
        for (const token of ['short', 'x'.repeat(43), `${u.token.slice(0, -1)}${u.token.endsWith('A') ? 'B' : 'A'}`]) {
          const res = await s.app.inject({ method: 'GET', url: '/friends', headers: bearer(token) });
          expect(res.statusCode).toBe(401);
          expect(errorCode(res)).toBe('UNAUTHENTICATED');
        }
        s.clock.now += 60 * 60 * 1000 + 1;
        const expired = await s.app.inject({ method: 'GET', url: '/friends', headers: u.headers });
        expect(expired.statusCode).toBe(401);
        expect(errorCode(expired)).toBe('TOKEN_EXPIRED');
      });

      it('a new login invalidates older tokens', async () => {
        const first = await newUser(s.app, 'alice');
        const again = await s.app.inject({ method: 'GET', url: '/auth/token', headers: basic('alice', 'correct horse') });
        const second = json<{ token: string }>(again).token;
        const old = await s.app.inject({ method: 'GET', url: '/friends', headers: first.headers });
        expect(old.statusCode).toBe(401);
        expect(errorCode(old)).toBe('TOKEN_REVOKED');
        expect((await s.app.inject({ method: 'GET', url: '/friends', headers: bearer(second) })).statusCode).toBe(200);
      });

      it('logout ends the session; the token is then refused', async () => {
        const u = await newUser(s.app, 'alice');
        const out = await s.app.inject({ method: 'POST', url: '/auth/logout', headers: u.headers });
        expect(out.statusCode).toBe(204);
        const after = await s.app.inject({ method: 'GET', url: '/friends', headers: u.headers });
        expect(after.statusCode).toBe(401);
        expect(errorCode(after)).toBe('TOKEN_REVOKED');
        const again = await s.app.inject({ method: 'POST', url: '/auth/logout', headers: u.headers });
        expect(again.statusCode).toBe(401);
        const withBasic = await s.app.inject({ method: 'POST', url: '/auth/logout', headers: basic('alice', 'correct horse') });
        expect(withBasic.statusCode).toBe(400);
      });
    });

    describe('certificates', () => {
      it('GET /auth/certificate gives the key that verifies issued certificates offline', async () => {
        const u = await newUser(s.app, 'alice');
        const res = await s.app.inject({ method: 'GET', url: '/auth/certificate' });
        expect(res.statusCode).toBe(200);
        const servicePublicKey = new Uint8Array(Buffer.from(json<{ public_key: string }>(res).public_key, 'base64'));
        const seed = new Uint8Array(randomBytes(32));
        const issued = await s.app.inject({
          method: 'POST',
          url: '/auth/certificate',
          headers: u.headers,
          payload: { public_key: Buffer.from(ed25519PublicKey(seed)).toString('base64') },
        });
        expect(issued.statusCode).toBe(201);
        const cert = new Uint8Array(Buffer.from(json<{ certificate: string }>(issued).certificate, 'base64'));
        const check = verifyCertificate(cert, servicePublicKey, s.clock.now);
        expect(check.ok).toBe(true);
        if (check.ok) {
          expect(check.certificate.username).toBe('alice');
          expect(check.certificate.accountId).toBe(BigInt(u.id));
          expect(Buffer.from(check.certificate.publicKey)).toEqual(Buffer.from(ed25519PublicKey(seed)));
        }
      });

      it('validates online: valid, then revoked after logout; forged, unknown and garbage rejected', async () => {
        const u = await newUser(s.app, 'alice');
        const pk = Buffer.from(ed25519PublicKey(new Uint8Array(randomBytes(32)))).toString('base64');
        const issued = await s.app.inject({ method: 'POST', url: '/auth/certificate', headers: u.headers, payload: { public_key: pk } });
        const cert = json<{ certificate: string }>(issued).certificate;
        const validate = async (c: string) =>
          json<{ valid: boolean; reason?: string }>(await s.app.inject({ method: 'GET', url: '/auth/certificate/validate', query: { certificate: c } }));
        expect(await validate(cert)).toMatchObject({ valid: true, username: 'alice', account_id: u.id });

        const forged = issueCertificate(new Uint8Array(randomBytes(32)), { accountId: BigInt(u.id), username: 'alice', publicKey: new Uint8Array(32).fill(7), expiryMs: s.clock.now + 1e6 });
        expect(await validate(Buffer.from(forged).toString('base64'))).toEqual({ valid: false, reason: 'bad-signature' });
        const unrecorded = issueCertificate(s.key.seed, { accountId: BigInt(u.id), username: 'alice', publicKey: new Uint8Array(32).fill(7), expiryMs: s.clock.now + 1e6 });
        expect(await validate(Buffer.from(unrecorded).toString('base64'))).toMatchObject({ valid: false, reason: 'unknown' });
        expect(await validate(Buffer.from('not a certificate').toString('base64'))).toEqual({ valid: false, reason: 'malformed' });
        const notBase64 = await s.app.inject({ method: 'GET', url: '/auth/certificate/validate', query: { certificate: '***' } });
        expect(notBase64.statusCode).toBe(400);

        await s.app.inject({ method: 'POST', url: '/auth/logout', headers: u.headers });
        expect(await validate(cert)).toMatchObject({ valid: false, reason: 'revoked' });
      });

      it('refuses bad public keys and unauthenticated requests', async () => {
        const u = await newUser(s.app, 'alice');
        const short = await s.app.inject({ method: 'POST', url: '/auth/certificate', headers: u.headers, payload: { public_key: Buffer.alloc(31).toString('base64') } });
        expect(short.statusCode).toBe(400);
        const anon = await s.app.inject({ method: 'POST', url: '/auth/certificate', payload: { public_key: Buffer.alloc(32).toString('base64') } });
        expect(anon.statusCode).toBe(401);
      });
    });
  });
}

describe('auth rate limit', () => {
  it('answers 429 with the JSON error after the limit', async () => {
    const storage = STORAGE[0];
    if (storage === undefined) throw new Error('no storage backend');
    const s = await startTestService(await storage.open(), { authRateLimit: { max: 3, windowMs: 60_000 } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        codes.push((await s.app.inject({ method: 'GET', url: '/auth/token', headers: basic('nobody', 'wrong horse') })).statusCode);
      }
      expect(codes).toEqual([401, 401, 401, 429, 429]);
      const res = await s.app.inject({ method: 'GET', url: '/auth/token', headers: basic('nobody', 'wrong horse') });
      expect(errorCode(res)).toBe('RATE_LIMITED');
      // routes without a limit are unaffected
      expect((await s.app.inject({ method: 'GET', url: '/games' })).statusCode).toBe(200);
    } finally {
      await s.close();
    }
  });
});
