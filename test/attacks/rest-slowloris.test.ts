/**
 * Attack family 6 (REST): slowloris against the accounts service. Five raw TCP sockets trickle a
 * request's headers one byte every 300 ms; the service (requestTimeout 10 s, lib/services/accounts/app.ts)
 * must cut each of them off while a normal request is still answered promptly.
 *
 * Token reuse after logout and after a newer login (401 TOKEN_REVOKED) is already covered by
 * test/services/accounts/auth-routes.test.ts ('logout ends the session; the token is then refused',
 * 'a new login invalidates older tokens'), on both storage backends; not duplicated here.
 */
import { connect as tcpConnect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { STORAGE } from '../services/accounts/backends.js';
import { startTestService } from '../services/accounts/harness.js';

const SLOW = 5;
const REQUEST = 'GET /health HTTP/1.1\r\nHost: localhost\r\nX-Padding: ' + 'a'.repeat(200) + '\r\n\r\n';

describe('REST slowloris', () => {
  it(`${SLOW} sockets trickling headers are cut off within the 10 s request timeout (+ check interval); /health stays fast`, async () => {
    const s = await startTestService(await (STORAGE[0] as (typeof STORAGE)[number]).open());
    try {
      const address = await s.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = new URL(address);
      const t0 = performance.now();
      const cut = await Promise.all(
        Array.from({ length: SLOW }, () => new Promise<{ ms: number; sent: number; response: string }>((resolve) => {
          const socket = tcpConnect(Number(port), '127.0.0.1');
          let sent = 0;
          let response = '';
          const timer = setInterval(() => {
            if (sent < REQUEST.length && !socket.destroyed) socket.write(REQUEST[sent++] as string);
          }, 300);
          socket.on('data', (d) => (response += d.toString()));
          socket.on('error', () => {});
          socket.on('close', () => {
            clearInterval(timer);
            resolve({ ms: performance.now() - t0, sent, response });
          });
          // meanwhile a normal request, at 2 s, must be answered promptly
        })).concat([
          new Promise((resolve) => setTimeout(resolve, 2000)).then(async () => {
            const t = performance.now();
            const res = await fetch(`${address}/health`);
            expect(res.status).toBe(200);
            return { ms: performance.now() - t, sent: -1, response: 'normal' };
          }),
        ]),
      );
      const normal = cut.pop()!;
      console.log('slowloris cut-off ms', cut.map((c) => Math.round(c.ms)), 'bytes sent', cut.map((c) => c.sent), 'normal request ms', Math.round(normal.ms));
      expect(normal.ms).toBeLessThan(500);
      for (const c of cut) {
        expect(c.sent).toBeLessThan(REQUEST.length); // never finished its headers
        expect(c.ms).toBeGreaterThanOrEqual(9_000);
        expect(c.ms).toBeLessThan(13_000);
      }
    } finally {
      await s.close();
    }
  }, 29_000);
});
