import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../lib/native.js';

const module = join(packageRoot, 'dist', 'lib', 'cli', 'progress-bar.js');

const dir = mkdtempSync(join(tmpdir(), 'paperclip-progress-'));

/**
 * Runs a few display steps in a child on a pseudo-terminal (`script`, as cli-progress draws only
 * on a TTY) and returns what the terminal showed: stderr and stdout together, stdout being empty.
 */
function stderrOf(enabled: boolean): Promise<string> {
  const code = `
    const { progressDisplay } = await import(${JSON.stringify(module)});
    const p = progressDisplay(${enabled}, 's');
    p.status('connecting 5 bots…');
    p.update(2, 4, '5 bots connected');
    p.update(3, 4, '5 bots connected, 120 snapshots');
    p.status('disconnecting the bots…');
    p.stop();
  `;
  const file = join(dir, `steps-${enabled}.mjs`);
  writeFileSync(file, code);
  return new Promise((resolve, reject) => {
    execFile('script', ['-qfec', `${process.execPath} ${file}`, '/dev/null'], (err, stdout) => (err === null ? resolve(stdout) : reject(err)));
  });
}

describe('progress display', () => {
  it('draws the phases and the bar with its status on stderr, and clears the line at the end', async () => {
    const out = await stderrOf(true);
    expect(out).toContain('connecting 5 bots…');
    expect(out).toMatch(/2\/4 s {2}5 bots connected/);
    expect(out).toContain('3/4 s  5 bots connected, 120 snapshots');
    expect(out).toContain('disconnecting the bots…');
    expect(out).toMatch(/\r\x1b\[2K(\x1b\[\?25h)?$/); // the line cleared (and the cursor shown again)
  });

  it('writes nothing when disabled (pipes, logs, --json)', async () => {
    expect(await stderrOf(false)).toBe('');
  });
});
