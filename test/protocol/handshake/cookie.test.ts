import { describe, expect, it } from 'vitest';
import { CookieJar, HandshakeSize, formatAddress } from '../../../lib/protocol/handshake/index.js';
import { ADDRESS, NOW, bytesOf, seeded } from './handshake-fixture.js';

describe('CookieJar', () => {
  const random = seeded(3);
  const key = bytesOf(random, 32);
  const clientRandom = bytesOf(random, 32);

  describe('rejection', () => {
    it('rejects a cookie at and after its expiry', () => {
      const jar = new CookieJar(NOW, random);
      const cookie = jar.issue(ADDRESS, key, clientRandom, NOW);
      expect(jar.verify(cookie, ADDRESS, key, clientRandom, NOW + 9_999)).toEqual({ ok: true });
      expect(jar.verify(cookie, ADDRESS, key, clientRandom, NOW + 10_000)).toEqual({ ok: false, reason: 'expired' });
    });

    it('rejects a cookie presented from another address or port', () => {
      const jar = new CookieJar(NOW, random);
      const cookie = jar.issue(ADDRESS, key, clientRandom, NOW);
      expect(jar.verify(cookie, '127.0.0.2:5000', key, clientRandom, NOW)).toEqual({ ok: false, reason: 'invalid' });
      expect(jar.verify(cookie, '127.0.0.1:5001', key, clientRandom, NOW)).toEqual({ ok: false, reason: 'invalid' });
    });

    it('rejects a cookie with another client random or key share', () => {
      const jar = new CookieJar(NOW, random);
      const cookie = jar.issue(ADDRESS, key, clientRandom, NOW);
      expect(jar.verify(cookie, ADDRESS, key, bytesOf(random, 32), NOW)).toEqual({ ok: false, reason: 'invalid' });
      expect(jar.verify(cookie, ADDRESS, bytesOf(random, 32), clientRandom, NOW)).toEqual({ ok: false, reason: 'invalid' });
    });

    it('rejects a cookie whose expiry was pushed forward (the MAC covers it)', () => {
      const jar = new CookieJar(NOW, random);
      const cookie = jar.issue(ADDRESS, key, clientRandom, NOW);
      cookie[7]! += 1;
      expect(jar.verify(cookie, ADDRESS, key, clientRandom, NOW)).toEqual({ ok: false, reason: 'invalid' });
    });

    it('rejects a cookie after two rotations', () => {
      const jar = new CookieJar(NOW, random, { lifetimeMs: 10_000 });
      const cookie = jar.issue(ADDRESS, key, clientRandom, NOW);
      jar.rotate(NOW + 1, random);
      jar.rotate(NOW + 2, random);
      expect(jar.verify(cookie, ADDRESS, key, clientRandom, NOW + 3)).toEqual({ ok: false, reason: 'invalid' });
    });

    it('rejects empty, short and long cookies as malformed', () => {
      const jar = new CookieJar(NOW, random);
      const cookie = jar.issue(ADDRESS, key, clientRandom, NOW);
      for (const bad of [new Uint8Array(0), cookie.subarray(0, 23), Uint8Array.of(...cookie, 0)]) {
        expect(jar.verify(bad, ADDRESS, key, clientRandom, NOW)).toEqual({ ok: false, reason: 'malformed' });
      }
      expect(jar.verify(cookie, ADDRESS, key.subarray(1), clientRandom, NOW)).toEqual({ ok: false, reason: 'malformed' });
    });

    it('never honours a cookie for longer than its lifetime if the clock goes backwards', () => {
      const jar = new CookieJar(NOW, random);
      const cookie = jar.issue(ADDRESS, key, clientRandom, NOW);
      expect(jar.verify(cookie, ADDRESS, key, clientRandom, NOW - 60_000)).toEqual({ ok: false, reason: 'invalid' });
    });

    it('refuses a rotation interval shorter than the lifetime (a live cookie would die early)', () => {
      expect(() => new CookieJar(NOW, random, { rotationIntervalMs: 5_000, lifetimeMs: 10_000 })).toThrow(RangeError);
      expect(() => new CookieJar(NOW, random, { lifetimeMs: 0 })).toThrow(RangeError);
    });
  });

  it('accepts a fresh cookie: 24 bytes, expiry u64 first', () => {
    const jar = new CookieJar(NOW, random);
    const cookie = jar.issue(ADDRESS, key, clientRandom, NOW);
    expect(cookie.length).toBe(HandshakeSize.COOKIE);
    expect(new DataView(cookie.buffer, cookie.byteOffset).getBigUint64(0)).toBe(BigInt(NOW + 10_000));
    expect(jar.verify(cookie, ADDRESS, key, clientRandom, NOW)).toEqual({ ok: true });
  });

  it('accepts a cookie under the previous secret after one rotation', () => {
    const jar = new CookieJar(NOW, random);
    const cookie = jar.issue(ADDRESS, key, clientRandom, NOW);
    jar.rotate(NOW + 1, random);
    expect(jar.verify(cookie, ADDRESS, key, clientRandom, NOW + 2)).toEqual({ ok: true });
    expect(jar.issue(ADDRESS, key, clientRandom, NOW)).not.toEqual(cookie);
  });

  it('rotates only when due and reports when to be called next', () => {
    const jar = new CookieJar(NOW, random, { rotationIntervalMs: 60_000 });
    expect(jar.nextRotationAt).toBe(NOW + 60_000);
    expect(jar.rotateIfDue(NOW + 59_999, random)).toBe(false);
    expect(jar.rotateIfDue(NOW + 60_000, random)).toBe(true);
    expect(jar.nextRotationAt).toBe(NOW + 120_000);
  });

  it('mints identical cookies from the same seed', () => {
    const a = new CookieJar(NOW, seeded(11)).issue(ADDRESS, key, clientRandom, NOW);
    const b = new CookieJar(NOW, seeded(11)).issue(ADDRESS, key, clientRandom, NOW);
    expect(a).toEqual(b);
  });

  it('formats IPv4 and bracketed IPv6 addresses', () => {
    expect(formatAddress('127.0.0.1', 5000)).toBe('127.0.0.1:5000');
    expect(formatAddress('::1', 5000)).toBe('[::1]:5000');
  });
});
