// Shared by the kernels that take indices from a tensor (GATHER, GATHER_ND,
// SCATTER_ND, ONE_HOT): reading an index of any width, refusing one outside
// its range, and splitting row copies into tasks.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>

#include "util.h"

namespace xnnlite::reference {

inline bool IsIndexBytes(int64_t bytes) { return bytes == 2 || bytes == 4 || bytes == 8; }

inline bool IsElementBytes(int64_t bytes) { return bytes == 1 || bytes == 2 || bytes == 4 || bytes == 8; }

// Index `k` of an index tensor whose elements are `bytes` wide (2, 4 or 8, signed).
inline int64_t IndexAt(const uint8_t* data, int64_t bytes, int64_t k) {
  switch (bytes) {
    case 2: return reinterpret_cast<const int16_t*>(data)[k];
    case 4: return reinterpret_cast<const int32_t*>(data)[k];
    default: return reinterpret_cast<const int64_t*>(data)[k];
  }
}

// Refuses index `value`, found at `position` of input `input`, that lies outside [0, limit).
inline void CheckIndex(int64_t value, int64_t position, int input, int64_t limit) {
  if (value >= 0 && value < limit) return;
  throw KernelError("index " + std::to_string(value) + " at position " + std::to_string(position) + " of input " + std::to_string(input) +
                    " is outside [0, " + std::to_string(limit) + ")");
}

// Copy kernels split their rows into tasks of about this many bytes: small
// enough to spread a large gather over threads, large enough that a task
// outweighs its scheduling.
constexpr int64_t kTaskBytes = 16384;

inline int64_t RowsPerTask(int64_t row_bytes) {
  return row_bytes >= kTaskBytes ? 1 : kTaskBytes / (row_bytes > 0 ? row_bytes : 1);
}

inline size_t TaskCount(int64_t rows, int64_t rows_per_task) {
  return static_cast<size_t>((rows + rows_per_task - 1) / rows_per_task);
}

}  // namespace xnnlite::reference
