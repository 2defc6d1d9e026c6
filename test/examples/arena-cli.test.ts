import { spawn } from 'node:child_process';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerBots } from '../../lib/cli/bots.js';
import { cliPath, errorLines, paperclip, parseInProcess } from '../helpers/paperclip-cli.js';

const bots = (args: readonly string[]) => paperclip(['bots', ...args]);

describe('paperclip bots', () => {
  it('refuses bad flags with one line each (parsed in this process)', async () => {
    const cases = [
      [['--game', 'chess', '--count', '2'], "argument 'chess' is invalid. Allowed choices are arena."],
      [['--game', 'arena'], "required option '--count <n>' not specified"],
      [['--game', 'arena', '--count', '0'], 'count must be an integer in 1..4000.'],
      [['--game', 'arena', '--count', '2.5'], 'count must be an integer in 1..4000.'],
      [['--game', 'arena', '--count', '1', '--loss', '120'], 'loss must be a number in 0..100.'],
      [['--game', 'arena', '--count', '1', '--seconds', 'soon'], 'seconds must be a number'],
      [['--game', 'arena', '--count', '1', '--server', 'localhost'], 'expected host:port'],
      [['--game', 'arena', '--count', '1', '--server', 'h:70000'], 'expected host:port'],
      [['--game', 'arena', '--count', '1', '--turbo'], "unknown option '--turbo'"],
      [['--game', 'arena', '--count', '1', '--server', '127.0.0.1:9', '--snapshot-hz', '30'], '--snapshot-hz sets the in-process server'],
    ] as const;
    for (const [args, message] of cases) {
      const { error: err, printed } = await parseInProcess(registerBots, 'bots', args);
      expect(err, args.join(' ')).toBeInstanceOf(Error);
      // commander prints its own usage errors; anything else reaches paperclip.ts's one-line handler
      const text = err instanceof CommanderError ? printed : (err as Error).message;
      expect(text, args.join(' ')).toContain(message);
      expect(text.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });

  it('exits non-zero with one line on a bad flag (the real command)', async () => {
    const r = await bots(['--game', 'chess', '--count', '2']);
    expect(r.code).not.toBe(0);
    expect(errorLines(r.stderr)).toEqual(["error: option '--game <name>' argument 'chess' is invalid. Allowed choices are arena."]);
    expect(r.stdout).toBe('');
  });

  it('says so in one line when the server does not answer', async () => {
    const r = await bots(['--game', 'arena', '--count', '2', '--server', '127.0.0.1:9', '--connect-timeout', '300']);
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/^paperclip: cannot reach arena server at 127\.0\.0\.1:9: /)]);
  });

  it('Ctrl-C disconnects the bots, still reports, and exits 130', async () => {
    const child = spawn(process.execPath, [cliPath, 'bots', '--game', 'arena', '--count', '2', '--seconds', '60', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // no progress on a pipe: give it time to load, start the server thread and connect
    await new Promise((r) => setTimeout(r, 2_500));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(errorLines(stderr)).toEqual(['paperclip: interrupted; the bots disconnected']);
    const out = JSON.parse(stdout) as { interrupted: boolean; clients: unknown[] };
    expect(out).toMatchObject({ interrupted: true });
    expect(out.clients).toHaveLength(2);
  });

  it('--json prints one object with a row per bot and a total', async () => {
    const r = await bots(['--game', 'arena', '--count', '5', '--seconds', '2', '--json']);
    expect(errorLines(r.stderr)).toEqual([]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      game: string;
      interrupted: boolean;
      clients: { bot: number; rttMeanMs: number; snapshotHz: number; inKBps: number }[];
      total: { bots: number; snapshotHz: number; rttP99Ms: number };
      server: { players: number; snapshotHz: number };
    };
    expect(out).toMatchObject({ game: 'arena', interrupted: false, total: { bots: 5 }, server: { players: 5, snapshotHz: 20 } });
    expect(out.clients.map((c) => c.bot)).toEqual([0, 1, 2, 3, 4]);
    for (const c of out.clients) {
      expect(c.rttMeanMs).toBeGreaterThan(0);
      expect(c.snapshotHz).toBeGreaterThan(14);
      expect(c.inKBps).toBeGreaterThan(0);
    }
    expect(out.total.rttP99Ms).toBeGreaterThan(0);
  });
});
