import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../lib/native.js';

const run = promisify(execFile);

// The service holds no primitive of its own, so like test/services/** this runs once, in the
// native project (vitest.config.ts); it starts two servers and takes ~15 s.
describe.runIf(process.env.PAPERCLIP_BACKEND === 'native')('npm run bench:rest (smoke)', () => {
  it('--quick --json: every case has 2xx throughput, no errors, and the row shape', async () => {
    // 8 connections keep the scrypt queues (token, register) short, so a 1 s case still completes requests.
    const { stdout } = await run(
      process.execPath,
      [join(packageRoot, 'dist', 'bench', 'rest-cli.js'), '--quick', '--json', '--duration', '1', '--warmup', '0.3', '--connections', '8'],
      { maxBuffer: 1 << 20 },
    );
    const rows = JSON.parse(stdout) as Array<Record<string, unknown>>;
    // hello-world runs first and again last; ratios are against the mean of both
    expect(rows.map((r) => r.case).sort()).toEqual(['hello', 'hello', 'lobby/find', 'register', 'token']);
    for (const row of rows) {
      expect(row).toEqual({
        suite: 'rest',
        case: expect.any(String),
        impl: expect.any(String),
        req_per_sec: expect.any(Number),
        p50_ms: expect.any(Number),
        p99_ms: expect.any(Number),
        ratio_to_hello: expect.any(Number),
        non_2xx: 0,
        errors: 0,
      });
      expect(row.req_per_sec, `${String(row.case)} req/s`).toBeGreaterThan(0);
    }
    const hellos = rows.filter((r) => r.case === 'hello').map((r) => r.ratio_to_hello as number);
    expect((hellos[0] as number) + (hellos[1] as number)).toBeCloseTo(2, 9);
  }, 60_000);
});
