/**
 * /friends: the seed's symmetric friendships (adding someone makes both friends, as its
 * `Friends` table does), plus blocking: a block ends any friendship and refuses new ones in
 * both directions, and hides nothing else (blocking is not a privacy feature of lobbies).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { principalOf, requireAccount, type ServiceContext } from '../context.js';
import { ServiceError } from '../errors.js';
import { ERROR_SCHEMA, FRIEND_SCHEMA, USERNAME_BODY, friendJson } from '../schemas.js';
import type { Account } from '../storage/types.js';

const errors = { 400: ERROR_SCHEMA, 401: ERROR_SCHEMA, 403: ERROR_SCHEMA, 404: ERROR_SCHEMA, 409: ERROR_SCHEMA } as const;
const FRIEND_LIST = { type: 'array', items: FRIEND_SCHEMA } as const;

export function registerFriendRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const authenticated = requireAccount(ctx);

  /** The account named by `username` in the body, or (DELETE without a body) in the query. */
  async function target(request: FastifyRequest): Promise<Account> {
    const username = (request.body as { username?: string } | undefined)?.username ?? (request.query as { username?: string }).username;
    if (username === undefined) throw new ServiceError('VALIDATION', 'username is required');
    const found = await ctx.repo.findAccountByUsername(username);
    if (found === null) throw new ServiceError('ACCOUNT_NOT_FOUND', `no account named ${JSON.stringify(username)}`);
    return found;
  }

  const usernameQuery = { type: 'object', additionalProperties: false, properties: USERNAME_BODY.properties } as const;
  const optionalBody = { ...USERNAME_BODY, required: [] } as const;
  /** A DELETE may come without a body (username in the query); validate it as an empty object. */
  const emptyBodyIsObject = async (request: FastifyRequest): Promise<void> => {
    if (request.body === undefined || request.body === null) request.body = {};
  };

  app.get(
    '/friends',
    { onRequest: authenticated, schema: { summary: 'Your friends', tags: ['friends'], response: { 200: FRIEND_LIST, 401: ERROR_SCHEMA } } },
    async (request) => (await ctx.repo.listFriends(principalOf(request).account.id)).map(friendJson),
  );

  app.post(
    '/friends/add',
    {
      onRequest: authenticated,
      schema: { summary: 'Become friends with an account', tags: ['friends'], body: USERNAME_BODY, response: { 201: FRIEND_SCHEMA, ...errors } },
    },
    async (request, reply) => {
      const me = principalOf(request).account;
      const other = await target(request);
      return reply.code(201).send(friendJson(await ctx.repo.addFriend(me.id, other.id, ctx.now())));
    },
  );

  app.delete(
    '/friends/remove',
    {
      onRequest: authenticated,
      preValidation: emptyBodyIsObject,
      schema: {
        summary: 'End a friendship (username in the JSON body, as the seed, or the query)',
        tags: ['friends'],
        body: optionalBody,
        querystring: usernameQuery,
        response: { 204: { type: 'null' }, ...errors },
      },
    },
    async (request, reply) => {
      const me = principalOf(request).account;
      const other = await target(request);
      if (!(await ctx.repo.removeFriend(me.id, other.id))) throw new ServiceError('FRIEND_NOT_FOUND');
      return reply.code(204).send();
    },
  );

  app.get(
    '/friends/blocked',
    { onRequest: authenticated, schema: { summary: 'Accounts you block', tags: ['friends'], response: { 200: FRIEND_LIST, 401: ERROR_SCHEMA } } },
    async (request) => (await ctx.repo.listBlocked(principalOf(request).account.id)).map(friendJson),
  );

  app.post(
    '/friends/block',
    {
      onRequest: authenticated,
      schema: { summary: 'Block an account (ends a friendship with it)', tags: ['friends'], body: USERNAME_BODY, response: { 204: { type: 'null' }, ...errors } },
    },
    async (request, reply) => {
      const me = principalOf(request).account;
      await ctx.repo.block(me.id, (await target(request)).id, ctx.now());
      return reply.code(204).send();
    },
  );

  app.delete(
    '/friends/block',
    {
      onRequest: authenticated,
      preValidation: emptyBodyIsObject,
      schema: {
        summary: 'Unblock an account',
        tags: ['friends'],
        body: optionalBody,
        querystring: usernameQuery,
        response: { 204: { type: 'null' }, ...errors },
      },
    },
    async (request, reply) => {
      const me = principalOf(request).account;
      if (!(await ctx.repo.unblock(me.id, (await target(request)).id))) throw new ServiceError('ACCOUNT_NOT_FOUND', 'that account is not blocked');
      return reply.code(204).send();
    },
  );
}
