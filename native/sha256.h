// SHA-256 (FIPS 180-4) of a byte range, using the CPU's SHA instructions where
// it has them (x86 SHA extensions, Armv8 crypto extensions) and portable code
// elsewhere. The weight cache names models by it: unlike a CRC, it cannot be
// steered to collide.
#pragma once

#include <cstddef>
#include <cstdint>

namespace xnnlite {

constexpr size_t kSha256Bytes = 32;

class Sha256 {
 public:
  Sha256();
  void Update(const void* data, size_t size);
  void Final(uint8_t digest[kSha256Bytes]);

  // Which implementation runs on this CPU: "sha-ni", "armv8-crypto" or
  // "portable" (also when the environment sets XNNLITE_SHA256=portable).
  static const char* Implementation();

 private:
  uint32_t state_[8];
  uint8_t buffer_[64];
  size_t buffered_ = 0;
  uint64_t total_ = 0;
};

void Sha256Of(const void* data, size_t size, uint8_t digest[kSha256Bytes]);

}  // namespace xnnlite
