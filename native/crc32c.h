// CRC-32C (Castagnoli) of a byte range: the CPU's CRC instructions where it
// has them (SSE4.2 on x86-64, the CRC32 extension on 64-bit ARMv8), eight
// tables otherwise (32-bit Arm). Used to detect any damage to a cache file,
// which every warm start reads whole.
#pragma once

#include <cstddef>
#include <cstdint>

namespace xnnlite {

uint32_t Crc32c(const void* data, size_t size, uint32_t crc = 0);

}  // namespace xnnlite
