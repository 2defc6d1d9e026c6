/**
 * Chooses the primitive backend once, at import: the C++ addon when it loads, else the
 * pure-JS twin with one warning line. PAPERCLIP_BACKEND=native|js forces one; forcing
 * native where the addon cannot load is an error, so CI can prove the addon is live.
 * PAPERCLIP_ADDON_DIR points node-gyp-build at another package root (tests use an empty
 * directory to exercise the fallback exactly as a machine without a usable binary would).
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackendName, Primitives } from './primitives/types.js';
import { jsPrimitives } from './primitives/js/index.js';
import { createNativePrimitives, type NativeAddon } from './primitives/native/index.js';

const require = createRequire(import.meta.url);

/** The package root: the nearest ancestor holding our package.json (works from lib/ and dist/lib/). */
export const packageRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
      if (parsed.name === 'paperclip-net') return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('paperclip-net: cannot find the package root');
    dir = parent;
  }
})();

export const packageVersion: string = (
  JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }
).version;

export interface NativeLoad {
  readonly primitives: Primitives | null;
  /** The loaded addon itself (the transport's UdpEngine lives there), or null. */
  readonly addon: NativeAddon | null;
  /** Absolute path of the loaded .node file, or null. */
  readonly path: string | null;
  /** Why the addon did not load, or null. */
  readonly error: string | null;
}

function loadNative(): NativeLoad {
  const override = process.env.PAPERCLIP_ADDON_DIR;
  const root = override !== undefined && override !== '' ? override : packageRoot;
  try {
    const nodeGypBuild = require('node-gyp-build') as {
      (dir: string): NativeAddon;
      resolve(dir: string): string;
    };
    const path = nodeGypBuild.resolve(root);
    const addon = nodeGypBuild(root);
    return { primitives: createNativePrimitives(addon), addon, path, error: null };
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] ?? err.message : String(err);
    return { primitives: null, addon: null, path: null, error: message };
  }
}

/** The addon load attempt, made once. */
export const nativeLoad: NativeLoad = loadNative();

function choose(): Primitives {
  const forced = process.env.PAPERCLIP_BACKEND;
  if (forced !== undefined && forced !== '' && forced !== 'native' && forced !== 'js') {
    throw new Error(`PAPERCLIP_BACKEND must be "native" or "js", got "${forced}"`);
  }
  if (forced === 'js') return jsPrimitives;
  if (nativeLoad.primitives !== null) return nativeLoad.primitives;
  if (forced === 'native') {
    throw new Error(`PAPERCLIP_BACKEND=native but the addon did not load: ${nativeLoad.error}`);
  }
  // One line on stderr, not process.emitWarning, which adds a second "--trace-warnings" line.
  process.stderr.write(
    `paperclip-net: native addon unavailable (${nativeLoad.error}); using the JS backend\n`,
  );
  return jsPrimitives;
}

/** The live backend every layer uses. */
export const primitives: Primitives = choose();
export const backendName: BackendName = primitives.backend;
export { jsPrimitives };
