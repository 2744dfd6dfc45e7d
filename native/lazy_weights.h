// Weights whose float32 form is produced only if XNNPACK needs it. FP16
// constants (TFLite's float16 quantization) feeding operators that look the
// weight cache up before packing (GEMM convolutions, fully-connected, batch
// matmul) get an untouched anonymous mapping as their "data": on a cache hit
// it is never written, so a warm start neither converts nor holds a float32
// copy; on a miss the provider fills it just before XNNPACK packs from it.
// Once the runtime exists the pages are returned to the kernel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <unordered_map>

namespace xnnlite {

class LazyWeights {
 public:
  LazyWeights() = default;
  LazyWeights(const LazyWeights&) = delete;
  LazyWeights& operator=(const LazyWeights&) = delete;
  ~LazyWeights();

  // Reserves float32 storage for `count` values converted from `fp16` (which must outlive this object).
  // Returns the pointer XNNPACK sees, or null if no memory could be reserved.
  const void* Add(const uint16_t* fp16, size_t count);
  // Converts the weights behind `ptr` if they are lazy and not yet converted. Thread-safe.
  void EnsureFilled(const void* ptr);
  void FillAll();
  // Gives the pages back (they read as zeros afterwards); XNNPACK no longer reads them once packed.
  void ReleasePages();
  bool empty() const { return entries_.empty(); }

 private:
  struct Entry {
    const uint16_t* source;
    size_t count;
    size_t bytes;
    bool filled;
  };
  std::mutex mutex_;
  std::unordered_map<const void*, Entry> entries_;
};

}  // namespace xnnlite
