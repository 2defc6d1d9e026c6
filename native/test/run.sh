#!/usr/bin/env bash
# Builds and runs the native core tests under AddressSanitizer + UndefinedBehaviorSanitizer.
# Needs g++ (or CXX), zlib1g-dev and libssl-dev. Prints "N passed, 0 failed" per test binary
# (core_test, engine_test) on success; engine_test binds UDP sockets on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")"
make --no-print-directory -s test
