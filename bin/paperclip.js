#!/usr/bin/env node
// The CLI lives in the compiled TypeScript; `npm install` builds it (the `prepare` script).
import '../dist/lib/cli/paperclip.js';
