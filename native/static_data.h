// The bytes behind static tensor data. XNNPACK keeps raw pointers to static
// data for the life of the subgraph and of every runtime created from it, so
// the data must stay where it is for that long, whatever JS does with its
// buffers meanwhile. Data inside a model's Mapping is shared (no copy);
// anything else (constants lib computed, scales, FP16 weights converted to
// float32) is copied into memory owned here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "mapped_file.h"

namespace xnnlite {

class StaticData {
 public:
  // The pointer XNNPACK should see for `bytes` bytes at `data` (a JS view's
  // memory). Null when memory for a copy cannot be had.
  const void* Keep(const void* data, size_t bytes);
  // Float32 values converted from `count` little-endian FP16 values at
  // `fp16` (any alignment), in memory owned here. Null when that memory cannot be had.
  const void* KeepAsFloat32(const void* fp16, size_t count);
  // Empty while every file the data lives in is as it was when mapped; else
  // how one changed (see Mapping::Changed: one fstat per file).
  std::string Changed() const;

 private:
  struct Free {
    void operator()(void* p) const { std::free(p); }
  };
  std::vector<std::shared_ptr<Mapping>> mappings_;
  std::vector<std::unique_ptr<void, Free>> copies_;
};

}  // namespace xnnlite
