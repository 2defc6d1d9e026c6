/** The leaderboard table: shown after a match and from the menu. */
import type { LeaderboardRowJson } from './api-responses.js';
import type { PlayContext } from './context.js';

export function formatLeaderboard(gameName: string, rows: readonly LeaderboardRowJson[], me: number): string[] {
  if (rows.length === 0) return [`Leaderboard (${gameName}): no matches recorded yet.`];
  const width = Math.max('player'.length, ...rows.map((r) => r.username.length));
  const lines = [`Leaderboard (${gameName}):`, `   #  ${'player'.padEnd(width)}  points  matches`];
  rows.forEach((r, i) => {
    const mark = r.account_id === me ? '  (you)' : '';
    lines.push(`${String(i + 1).padStart(4)}  ${r.username.padEnd(width)}  ${String(r.total).padStart(6)}  ${String(r.matches).padStart(7)}${mark}`);
  });
  return lines;
}

export async function showLeaderboard(ctx: PlayContext, gameName: string): Promise<void> {
  const rows = await ctx.api.leaderboard(gameName, ctx.signal);
  for (const line of formatLeaderboard(gameName, rows, ctx.account.id)) ctx.prompter.print(line);
}
