// The sanitizer test binaries' one assertion helper: counts, prints failures, never aborts, so
// one run reports every broken check.
#pragma once
#include <cstdio>
#include <string>

namespace paperclip::test {

inline int passed = 0;
inline int failed = 0;

inline void check(bool ok, const std::string& what) {
  if (ok) {
    passed++;
  } else {
    failed++;
    std::printf("FAIL %s\n", what.c_str());
  }
}

}  // namespace paperclip::test
