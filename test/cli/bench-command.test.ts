import { describe, expect, it } from 'vitest';
import { errorLines, paperclip } from '../helpers/paperclip-cli.js';

describe('paperclip bench', () => {
  it("runs a suite with the suite's own options and passes its output through", async () => {
    const r = await paperclip(['bench', 'soak', '--', '--messages', '500', '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { lost: number; duplicated: number; by_kind: Record<string, { messages: number }> };
    expect(result.lost).toBe(0);
    expect(result.duplicated).toBe(0);
    expect(result.by_kind['reliable_ordered']?.messages).toBe(500);
  });

  it("passes the suite's exit code and error through", async () => {
    const r = await paperclip(['bench', 'soak', '--', '--messages', 'many']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--messages must be a positive integer');
  });

  it('an unknown suite is one clear line and a non-zero exit', async () => {
    const r = await paperclip(['bench', 'warp-speed']);
    expect(r.code).not.toBe(0);
    expect(errorLines(r.stderr)).toEqual(["paperclip: unknown suite 'warp-speed': one of primitives, net, rest, soak, fuzz"]);
  });
});
