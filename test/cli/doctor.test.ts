import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nativeLoad, packageVersion } from '../../lib/native.js';
import { paperclip, type CliResult } from '../helpers/paperclip-cli.js';

const emptyRoot = mkdtempSync(join(tmpdir(), 'paperclip-doctor-'));

function doctor(env: Record<string, string>): Promise<CliResult> {
  return paperclip(['doctor', '--json'], { env: { ...process.env, PAPERCLIP_BACKEND: '', PAPERCLIP_ADDON_DIR: '', ...env } });
}

describe('paperclip doctor', () => {
  it('rejects an unknown PAPERCLIP_BACKEND with one clear line', async () => {
    const r = await doctor({ PAPERCLIP_BACKEND: 'gpu' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('PAPERCLIP_BACKEND must be "native" or "js"');
  });

  it('fails when native is forced but the addon cannot load', async () => {
    const r = await doctor({ PAPERCLIP_BACKEND: 'native', PAPERCLIP_ADDON_DIR: emptyRoot });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('PAPERCLIP_BACKEND=native but the addon did not load');
  });

  it('falls back to js with exactly one warning line when the addon is unavailable', async () => {
    const r = await doctor({ PAPERCLIP_ADDON_DIR: emptyRoot });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ backend: 'js', addon: null, version: packageVersion });
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('using the JS backend');
  });

  it('PAPERCLIP_BACKEND=js selects the JS twin without a warning', async () => {
    const r = await doctor({ PAPERCLIP_BACKEND: 'js' });
    expect(JSON.parse(r.stdout)).toMatchObject({ backend: 'js', forced: 'js', io: 'dgram' });
    expect(r.stderr).toBe('');
  });

  it('rejects an unknown PAPERCLIP_IO with one clear line', async () => {
    const r = await doctor({ PAPERCLIP_IO: 'io_uring' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('PAPERCLIP_IO must be "native" or "dgram"');
  });

  it.runIf(nativeLoad.primitives !== null)('says native, with the addon path, after install', async () => {
    const r = await doctor({});
    const report = JSON.parse(r.stdout) as { backend: string; addon: string; io: string; kernel: unknown };
    expect(report.backend).toBe('native');
    // probed on a real loopback socket: the batched calls exist wherever the engine does
    if (process.platform === 'linux') expect(report.kernel).toEqual({ recvmmsg: true, gso: expect.any(Boolean), gro: expect.any(Boolean) });
    expect(report.addon).toMatch(/\.node$/);
    // the batched engine is the default I/O path wherever the addon has it (Linux)
    expect(report.io).toBe(process.platform === 'linux' ? 'native' : 'dgram');
    expect(r.stderr).toBe('');
    const dgram = await doctor({ PAPERCLIP_IO: 'dgram' });
    expect(JSON.parse(dgram.stdout)).toMatchObject({ io: 'dgram', forcedIo: 'dgram' });
  });
});

describe.runIf(nativeLoad.path !== null)('prebuilds', () => {
  it('loads the addon from prebuilds/<platform>-<arch>/ where there is no build/ (no compiler needed)', async () => {
    // The layout `npm run prebuild` (prebuildify --napi) ships inside the package.
    const root = mkdtempSync(join(tmpdir(), 'paperclip-prebuild-'));
    const dir = join(root, 'prebuilds', `${process.platform}-${process.arch}`);
    mkdirSync(dir, { recursive: true });
    copyFileSync(nativeLoad.path as string, join(dir, 'paperclip-net.node'));
    const r = await doctor({ PAPERCLIP_ADDON_DIR: root, PAPERCLIP_BACKEND: 'native' });
    expect(JSON.parse(r.stdout)).toMatchObject({ backend: 'native', addon: join(dir, 'paperclip-net.node') });
  });
});
