/**
 * The signed-in menu: friends, games, matches, leaderboard. A failed action is one line and
 * the menu goes on (a full lobby or an unknown friend is no reason to quit); errors after which
 * nothing can work (failure.ts `isFatal`: service gone, session ended, Ctrl-C) end the session.
 * The end of the input at the menu is a quit, so a script can simply stop.
 */
import type { PlayContext } from './context.js';
import { describeFailure, isFatal, PlayError } from './failure.js';
import { showLeaderboard } from './leaderboard.js';
import { playMatch, RPS_GAME } from './match.js';
import { InputClosedError } from './prompter.js';

interface MenuItem {
  readonly key: string;
  readonly label: string;
  /** Says what failed, before the reason: "could not add the friend: no such account". */
  readonly failure: string;
  run(ctx: PlayContext): Promise<void>;
}

const ITEMS: readonly MenuItem[] = [
  { key: 'f', label: '(f)riends', failure: 'could not list your friends', run: listFriends },
  { key: 'a', label: '(a)dd a friend', failure: 'could not add the friend', run: addFriend },
  { key: 'r', label: '(r)emove a friend', failure: 'could not remove the friend', run: removeFriend },
  { key: 'g', label: '(g)ames', failure: 'could not list the games', run: listGames },
  { key: 'p', label: '(p)lay a quick match', failure: 'could not play', run: (ctx) => playMatch(ctx, { kind: 'quick' }) },
  { key: 'j', label: '(j)oin a lobby by number', failure: 'could not join the lobby', run: joinByNumber },
  { key: 'l', label: '(l)eaderboard', failure: 'could not show the leaderboard', run: (ctx) => showLeaderboard(ctx, RPS_GAME) },
];

const MENU = `Menu: ${ITEMS.map((i) => i.label).join(', ')}, (q)uit.`;

export async function runMenu(ctx: PlayContext): Promise<void> {
  ctx.prompter.print(MENU);
  for (;;) {
    let answer: string;
    try {
      answer = (await ctx.prompter.ask('> ', ctx.signal)).trim().toLowerCase();
    } catch (err) {
      if (err instanceof InputClosedError) return;
      throw err;
    }
    if (answer === 'q' || answer === 'quit') return;
    const item = ITEMS.find((i) => i.key === answer || i.key === answer[0]);
    if (item === undefined) {
      if (answer !== '') ctx.prompter.print(`No such choice: ${answer}.`);
      ctx.prompter.print(MENU);
      continue;
    }
    try {
      await item.run(ctx);
    } catch (err) {
      if (isFatal(err)) throw err;
      ctx.prompter.print(`! ${item.failure}: ${describeFailure(err)}`);
    }
  }
}

async function listFriends(ctx: PlayContext): Promise<void> {
  const friends = await ctx.api.friends(ctx.signal);
  if (friends.length === 0) ctx.prompter.print('You have no friends yet: (a) adds one.');
  else ctx.prompter.print(`Friends: ${friends.map((f) => f.username).join(', ')}.`);
}

async function addFriend(ctx: PlayContext): Promise<void> {
  const username = (await ctx.prompter.ask("Friend's username: ", ctx.signal)).trim();
  if (username === '') return;
  const friend = await ctx.api.addFriend(username, ctx.signal);
  ctx.prompter.print(`${friend.username} is now your friend.`);
}

async function removeFriend(ctx: PlayContext): Promise<void> {
  const username = (await ctx.prompter.ask('Username to remove from your friends: ', ctx.signal)).trim();
  if (username === '') return;
  await ctx.api.removeFriend(username, ctx.signal);
  ctx.prompter.print(`${username} is no longer your friend.`);
}

async function listGames(ctx: PlayContext): Promise<void> {
  for (const g of await ctx.api.games(ctx.signal)) {
    const players = g.min_players === g.max_players ? `${g.max_players}` : `${g.min_players}-${g.max_players}`;
    const playable = g.name === RPS_GAME ? 'play it with (p)' : g.has_server ? 'not playable from this client' : 'matchmaking only';
    ctx.prompter.print(`  ${g.name}: ${players} players, ${playable}`);
  }
}

async function joinByNumber(ctx: PlayContext): Promise<void> {
  const open = await ctx.api.friendsLobbies(ctx.signal);
  if (open.length > 0) {
    const listed = open.map((l) => `${l.id} (${l.members.map((m) => m.username).join(', ')}, ${l.members.length}/${l.max_players})`);
    ctx.prompter.print(`Your friends' open lobbies: ${listed.join('; ')}.`);
  }
  const answer = (await ctx.prompter.ask('Lobby number: ', ctx.signal)).trim();
  if (answer === '') return;
  if (!/^[1-9]\d{0,14}$/.test(answer)) throw new PlayError(`"${answer}" is not a lobby number`);
  await playMatch(ctx, { kind: 'join', lobbyId: Number(answer) });
}
