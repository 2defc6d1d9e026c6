import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// An empty package root: node-gyp-build finds no binary there, exactly as on a machine
// where neither a prebuild nor a compiler is available.
const noAddonDir = mkdtempSync(join(tmpdir(), 'paperclip-no-addon-'));

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'native',
          include: ['test/**/*.test.ts'],
          // Forcing native makes the suite fail loudly if the addon did not build.
          env: { PAPERCLIP_BACKEND: 'native' },
        },
      },
      {
        extends: true,
        test: {
          // Native primitives on the node:dgram I/O path (what macOS and Windows run, and
          // PAPERCLIP_IO=dgram): the transport suite once more. The native project above runs it
          // on the batched engine, js-fallback on dgram with the JS primitives.
          name: 'native-dgram',
          env: { PAPERCLIP_BACKEND: 'native', PAPERCLIP_IO: 'dgram' },
          include: ['test/transport/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'js-fallback',
          include: ['test/**/*.test.ts'],
          env: { PAPERCLIP_ADDON_DIR: noAddonDir, PAPERCLIP_BACKEND: '' },
          // The services hold no primitive of their own: their suites run once, on the native
          // project (the transport under them is proven on both backends by test/transport).
          exclude: ['test/services/**', '**/node_modules/**'],
        },
      },
    ],
    testTimeout: 30_000,
  },
});
