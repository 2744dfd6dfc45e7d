// CRC-32C (Castagnoli) of a byte range: SSE4.2 instructions where the CPU
// has them, a table otherwise. Used to detect any damage to a cache file.
#pragma once

#include <cstddef>
#include <cstdint>

namespace xnnlite {

uint32_t Crc32c(const void* data, size_t size, uint32_t crc = 0);

}  // namespace xnnlite
