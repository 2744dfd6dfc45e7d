// Sizes computed from caller-supplied dimensions, with overflow reported
// instead of wrapped around.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace xnnlite {

// elements(dims) * element_size, or false if that does not fit in `limit` bytes.
inline bool CheckedByteSize(const std::vector<size_t>& dims, size_t element_size, size_t* bytes,
                            size_t limit = SIZE_MAX / 2) {
  size_t total = element_size;
  for (size_t d : dims) {
    if (d != 0 && total > limit / d) return false;
    total *= d;
  }
  if (total > limit) return false;
  *bytes = total;
  return true;
}

}  // namespace xnnlite
