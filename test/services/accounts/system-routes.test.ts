import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORAGE } from './backends.js';
import { errorCode, json, newUser, startTestService, type TestService } from './harness.js';

/** The seed's published contract (API spec §9.5): path and method, minus "Get Key". */
const SEED_ROUTES = [
  ['post', '/auth/register'],
  ['get', '/auth/token'],
  ['get', '/auth/certificate'],
  ['get', '/auth/certificate/validate'],
  ['get', '/games'],
  ['get', '/lobby'],
  ['get', '/lobby/all'],
  ['post', '/lobby/create'],
  ['get', '/lobby/find'],
  ['get', '/lobby/friends'],
  ['get', '/friends'],
  ['post', '/friends/add'],
  ['delete', '/friends/remove'],
] as const;

describe('system routes', () => {
  let s: TestService;
  beforeAll(async () => {
    const storage = STORAGE[0];
    if (storage === undefined) throw new Error('no storage backend');
    s = await startTestService(await storage.open());
  });
  afterAll(async () => s.close());

  it('serves an OpenAPI document with every seed route and method', async () => {
    const res = await s.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(res);
    expect(doc.openapi).toMatch(/^3\./);
    for (const [method, path] of SEED_ROUTES) expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    expect(doc.paths['/auth/key']).toBeUndefined();
  });

  it('exposes Prometheus metrics that count requests by route template', async () => {
    await newUser(s.app, 'metrics-user');
    await s.app.inject({ method: 'GET', url: '/auth/token', headers: { authorization: 'Basic bm9ib2R5Ondyb25n' } });
    const res = await s.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(/paperclip_http_requests_total\{method="POST",route="\/auth\/register",status="201"\} 1/);
    expect(res.body).toMatch(/paperclip_auth_failures_total\{code="UNAUTHENTICATED"\} \d+/);
    expect(res.body).toContain('paperclip_http_request_duration_seconds_bucket');
  });

  it.each([
    ['POST', '/auth/logout'],
    ['POST', '/auth/certificate'],
    ['GET', '/lobby?lobby_id=1'],
    ['GET', '/lobby/all'],
    ['GET', '/lobby/mine'],
    ['POST', '/lobby/create'],
    ['GET', '/lobby/find?game_name=rps'],
    ['POST', '/lobby/join'],
    ['POST', '/lobby/leave'],
    ['GET', '/lobby/friends'],
    ['GET', '/friends'],
    ['POST', '/friends/add'],
    ['DELETE', '/friends/remove'],
    ['GET', '/friends/blocked'],
    ['POST', '/friends/block'],
    ['DELETE', '/friends/block'],
    ['GET', '/scores/history'],
  ] as const)('%s %s answers 401 without credentials, before looking at the body', async (method, url) => {
    const res = await s.app.inject({ method, url, headers: { 'content-type': 'application/json' }, payload: '{not json' });
    expect(res.statusCode).toBe(401);
    expect(errorCode(res)).toBe('UNAUTHENTICATED');
  });

  it('answers /health with a storage round trip', async () => {
    const res = await s.app.inject({ method: 'GET', url: '/health' });
    expect(json(res)).toEqual({ status: 'ok', storage: s.repo.kind });
  });

  it('unknown routes and methods get the JSON error shape', async () => {
    const res = await s.app.inject({ method: 'GET', url: '/auth/key' });
    expect(res.statusCode).toBe(404);
    expect(errorCode(res)).toBe('ROUTE_NOT_FOUND');
    const put = await s.app.inject({ method: 'PUT', url: '/games' });
    expect(put.statusCode).toBe(404);
    expect(errorCode(put)).toBe('ROUTE_NOT_FOUND');
  });

  it('survives a burst of hostile requests and still serves', async () => {
    const hostile = [
      { method: 'POST' as const, url: '/auth/register', headers: { 'content-type': 'application/json' }, payload: '\u0000\u0001\u0002' },
      { method: 'POST' as const, url: '/auth/register', headers: { 'content-type': 'application/json' }, payload: '{"__proto__": {"admin": true}, "username": "x", "password": "yyyyyyyy"}' },
      { method: 'POST' as const, url: '/auth/register', headers: { 'content-type': 'application/json' }, payload: '{"constructor": {"prototype": {"x": 1}}}' },
      { method: 'GET' as const, url: '/lobby?lobby_id=1%27%20OR%201=1', headers: { authorization: 'Bearer ' + 'a'.repeat(5000) } },
      { method: 'GET' as const, url: '/auth/certificate/validate?certificate=' + 'A'.repeat(5000) },
      { method: 'POST' as const, url: '/friends/add', headers: { authorization: 'Basic ' + Buffer.from(':::').toString('base64') }, payload: {} },
    ];
    for (const req of hostile) {
      const res = await s.app.inject(req);
      expect(res.statusCode, `${req.method} ${req.url}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, `${req.method} ${req.url}`).toBeLessThan(500);
      errorCode(res);
    }
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect((await s.app.inject({ method: 'GET', url: '/games' })).statusCode).toBe(200);
  });
});
