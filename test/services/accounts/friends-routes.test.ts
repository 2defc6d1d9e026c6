import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORAGE } from './backends.js';
import { errorCode, json, newUser, startTestService, type TestService, type TestUser } from './harness.js';

for (const storage of STORAGE) {
  describe.skipIf(storage.skip)(`friends routes on ${storage.name}`, () => {
    let s: TestService;
    let ann: TestUser;
    let bob: TestUser;
    beforeEach(async () => {
      s = await startTestService(await storage.open());
      ann = await newUser(s.app, 'ann');
      bob = await newUser(s.app, 'bob');
    });
    afterEach(async () => s.close());

    const add = (u: TestUser, username: unknown) => s.app.inject({ method: 'POST', url: '/friends/add', headers: u.headers, payload: { username } });
    const list = async (u: TestUser) => json<{ username: string }[]>(await s.app.inject({ method: 'GET', url: '/friends', headers: u.headers })).map((f) => f.username);

    it('adding makes both friends (the seed’s symmetric model)', async () => {
      const res = await add(ann, 'bob');
      expect(res.statusCode).toBe(201);
      expect(json(res)).toMatchObject({ username: 'bob', account_id: bob.id });
      expect(await list(ann)).toEqual(['bob']);
      expect(await list(bob)).toEqual(['ann']);
    });

    it('409 duplicate (either direction), 404 unknown, 400 oneself or a bad username', async () => {
      await add(ann, 'bob');
      expect(errorCode(await add(ann, 'bob'))).toBe('ALREADY_FRIENDS');
      expect((await add(bob, 'ann')).statusCode).toBe(409);
      const unknown = await add(ann, 'zed');
      expect(unknown.statusCode).toBe(404);
      expect(errorCode(unknown)).toBe('ACCOUNT_NOT_FOUND');
      expect((await add(ann, 'ann')).statusCode).toBe(400);
      expect((await add(ann, 7)).statusCode).toBe(400);
      const extra = await s.app.inject({ method: 'POST', url: '/friends/add', headers: ann.headers, payload: { username: 'bob', note: 'hi' } });
      expect(extra.statusCode).toBe(400);
      expect((await s.app.inject({ method: 'POST', url: '/friends/add', payload: { username: 'bob' } })).statusCode).toBe(401);
    });

    it('DELETE /friends/remove takes the username in the body (seed) or the query', async () => {
      await add(ann, 'bob');
      const res = await s.app.inject({ method: 'DELETE', url: '/friends/remove', headers: ann.headers, payload: { username: 'bob' } });
      expect(res.statusCode).toBe(204);
      expect(await list(bob)).toEqual([]);
      const again = await s.app.inject({ method: 'DELETE', url: '/friends/remove', headers: ann.headers, query: { username: 'bob' } });
      expect(again.statusCode).toBe(404);
      expect(errorCode(again)).toBe('FRIEND_NOT_FOUND');
      await add(bob, 'ann');
      const byQuery = await s.app.inject({ method: 'DELETE', url: '/friends/remove', headers: ann.headers, query: { username: 'bob' } });
      expect(byQuery.statusCode).toBe(204);
      const missing = await s.app.inject({ method: 'DELETE', url: '/friends/remove', headers: ann.headers });
      expect(missing.statusCode).toBe(400);
    });

    it('blocking ends the friendship and refuses new ones both ways until unblocked', async () => {
      await add(ann, 'bob');
      const block = await s.app.inject({ method: 'POST', url: '/friends/block', headers: ann.headers, payload: { username: 'bob' } });
      expect(block.statusCode).toBe(204);
      expect(await list(ann)).toEqual([]);
      expect(errorCode(await add(bob, 'ann'))).toBe('BLOCKED');
      expect(errorCode(await add(ann, 'bob'))).toBe('BLOCKED');
      const blocked = json<{ username: string }[]>(await s.app.inject({ method: 'GET', url: '/friends/blocked', headers: ann.headers }));
      expect(blocked.map((b) => b.username)).toEqual(['bob']);
      const unblock = await s.app.inject({ method: 'DELETE', url: '/friends/block', headers: ann.headers, payload: { username: 'bob' } });
      expect(unblock.statusCode).toBe(204);
      expect((await s.app.inject({ method: 'DELETE', url: '/friends/block', headers: ann.headers, payload: { username: 'bob' } })).statusCode).toBe(404);
      expect((await add(bob, 'ann')).statusCode).toBe(201);
    });
  });
}
