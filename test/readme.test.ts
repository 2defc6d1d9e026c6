/**
 * Every README code block marked runnable (an `<!-- runnable -->` line right above its fence) is
 * run as written, so the README cannot drift from the package: the block is saved as an ES module
 * inside the package (where `import … from 'paperclip-net'` resolves to this package by its own
 * name, as it would in a user's project after `npm install paperclip-net`) and must exit 0 within
 * its time, with nothing on stderr. A block may say what it prints with `// prints: <text>` lines;
 * each such text must appear in its output. Blocks that need a running service or a shell are
 * not marked; the quick start is checked on a fresh clone by hand (README, "Quick start").
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../lib/native.js';

const run = promisify(execFile);

interface Block {
  readonly line: number;
  readonly lang: string;
  readonly code: string;
}

function runnableBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== '<!-- runnable -->') continue;
    const fence = /^```(\w+)\s*$/.exec(lines[i + 1] ?? '');
    if (fence === null) throw new Error(`README line ${i + 1}: <!-- runnable --> must be followed by a fenced block with a language`);
    const end = lines.indexOf('```', i + 2);
    if (end < 0) throw new Error(`README line ${i + 2}: unterminated block`);
    blocks.push({ line: i + 2, lang: fence[1] as string, code: lines.slice(i + 2, end).join('\n') });
    i = end;
  }
  return blocks;
}

const dir = join(packageRoot, '.readme-run');
const blocks = runnableBlocks(readFileSync(join(packageRoot, 'README.md'), 'utf8'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('README', () => {
  it('has runnable blocks, all in JavaScript', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const b of blocks) expect(['js', 'javascript'], `block at README line ${b.line}`).toContain(b.lang);
  });

  for (const block of blocks) {
    it(`the block at line ${block.line} runs as written`, async () => {
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `block-${block.line}-${process.pid}.mjs`);
      writeFileSync(file, block.code);
      // the js-fallback project hides the addon; say so, or the fallback's warning line is on stderr
      const env = process.env.PAPERCLIP_ADDON_DIR ? { ...process.env, PAPERCLIP_BACKEND: 'js' } : process.env;
      const { stdout, stderr } = await run(process.execPath, [file], { cwd: dir, timeout: 20_000, env });
      expect(stderr).toBe('');
      for (const [, text] of block.code.matchAll(/\/\/ prints: (.+)$/gm)) expect(stdout).toContain((text as string).trim());
    });
  }
});
