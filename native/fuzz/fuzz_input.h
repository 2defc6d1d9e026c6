// Reads a fuzz input from the front, little-endian. Past the end every read yields zeros or
// an empty span, so any input (even empty) decodes to *some* case and no target needs its own
// length checks. Front-to-back (unlike LLVM's FuzzedDataProvider, which takes integers from
// the back) so a seed file reads as "header fields, then payload", as each target documents.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace paperclip::fuzz {

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  uint8_t u8() { return static_cast<uint8_t>(take(1)); }
  uint16_t u16() { return static_cast<uint16_t>(take(2)); }
  uint32_t u32() { return static_cast<uint32_t>(take(4)); }

  // The next min(n, remaining) bytes, copied into a heap vector of exactly that size so
  // AddressSanitizer flags any read past it.
  std::vector<uint8_t> bytes(size_t n) {
    n = n < size_ - pos_ ? n : size_ - pos_;
    std::vector<uint8_t> out(data_ + pos_, data_ + pos_ + n);
    pos_ += n;
    return out;
  }
  std::vector<uint8_t> rest() { return bytes(size_ - pos_); }

 private:
  uint64_t take(int n) {
    uint64_t v = 0;
    for (int i = 0; i < n && pos_ < size_; i++) v |= uint64_t{data_[pos_++]} << (8 * i);
    return v;
  }

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace paperclip::fuzz
