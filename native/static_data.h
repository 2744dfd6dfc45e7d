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
  // The mappings the data lives in (several StaticData may share one; a
  // session checks each once per inference, see SessionCore::BackingChange).
  const std::vector<std::shared_ptr<Mapping>>& mappings() const { return mappings_; }

 private:
  struct Free {
    void operator()(void* p) const { std::free(p); }
  };
  static constexpr size_t kFirstBlock = size_t{64} << 10;
  void* AllocateCopy(size_t bytes);

  std::vector<std::shared_ptr<Mapping>> mappings_;
  std::vector<std::unique_ptr<uint8_t, Free>> blocks_;
  uint8_t* block_next_ = nullptr;
  size_t block_left_ = 0;
  // The current block's pages are faulted in up to here.
  uint8_t* populated_ = nullptr;
  size_t next_block_ = kFirstBlock;
};

}  // namespace xnnlite
