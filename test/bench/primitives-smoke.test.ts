import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { nativeLoad, packageRoot } from '../../lib/native.js';

const run = promisify(execFile);

describe.runIf(nativeLoad.primitives !== null)('npm run bench (smoke)', () => {
  it('--quick --json prints one row per case, implementation, mode and size', async () => {
    const { stdout } = await run(process.execPath, [join(packageRoot, 'dist', 'bench', 'cli.js'), '--quick', '--json'], {
      env: { ...process.env, PAPERCLIP_BACKEND: '', PAPERCLIP_ADDON_DIR: '' },
      maxBuffer: 1 << 20,
    });
    const rows = JSON.parse(stdout) as Array<Record<string, unknown>>;
    for (const row of rows) {
      expect(row).toMatchObject({ suite: 'primitives', case: expect.any(String), impl: expect.any(String), size: expect.any(Number) });
      expect(row.ops_per_sec).toBeGreaterThan(0);
    }
    const seen = new Set(rows.map((r) => `${r.case}|${r.impl}|${r.mode}|${r.size}`));
    expect(seen.size).toBe(rows.length);
    for (const needed of [
      'xchacha20poly1305.seal|native|batch|1200',
      'xchacha20poly1305.seal|libsodium-wrappers|call|1200',
      'aes256gcm.open|node:crypto|call|64',
      'crc32|node:zlib|call|64',
      'inflate|native|batch|1200',
    ]) {
      expect(seen).toContain(needed);
    }
  }, 120_000);
});
