#!/usr/bin/env node
// The CLI lives in the compiled TypeScript; `npm install` builds it (the `prepare` script).
// A failure while loading (e.g. PAPERCLIP_BACKEND=native without an addon) is one line, not a trace.
try {
  await import('../dist/lib/cli/paperclip.js');
} catch (err) {
  process.stderr.write(`paperclip: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
