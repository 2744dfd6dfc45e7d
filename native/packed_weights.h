// The packed weights of a session without a cache file, in memory, as an
// xnn_weights_cache_provider: kept across the session's runtimes, so that a
// resize (a runtime for other shapes, from the same weights) packs nothing
// again. Each packed buffer is a block of its own that never moves, so a
// runtime's pointers into it stay valid while a later one adds to it.
#pragma once

#include <xnnpack.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "weight_keys.h"

namespace xnnlite {

class PackedWeights {
 public:
  PackedWeights();
  ~PackedWeights();
  PackedWeights(const PackedWeights&) = delete;
  PackedWeights& operator=(const PackedWeights&) = delete;

  // Before a runtime is created from a plan: that plan's ids and lazy weights.
  // Returns the runtime's generation, for Release.
  uint64_t Bind(WeightKeys keys);
  // After it is created: nothing is added until the next Bind.
  void Finish();
  // Once the runtime of `generation` is deleted: frees what it packed without
  // a stable id (no other runtime can find those).
  void Release(uint64_t generation);

  xnn_weights_cache_t provider() { return &provider_; }
  // Bytes held, and how many buffers the last runtime packed (rather than found here).
  uint64_t bytes() const;
  uint64_t packed() const;

 private:
  static size_t LookUp(void* context, const xnn_weights_cache_look_up_key* key);
  static void* ReserveSpace(void* context, size_t n);
  static size_t LookUpOrInsert(void* context, const xnn_weights_cache_look_up_key* key, void* ptr, size_t size);
  static bool IsFinalized(void* context);
  static void* OffsetToAddr(void* context, size_t offset);
  static xnn_status DeleteCache(void* context);

  xnn_weights_cache_provider provider_{};
  mutable std::mutex mutex_;
  WeightKeys keys_;
  bool finalized_ = true;
  // Offsets XNNPACK keeps are indices into `blocks_` (and `sizes_`).
  std::vector<void*> blocks_;
  std::vector<size_t> sizes_;
  // Blocks packed without a stable id, by the generation of the runtime that packed them.
  std::vector<std::pair<uint64_t, size_t>> anonymous_;
  uint64_t generation_ = 0;
  std::unordered_map<CacheKey, size_t, CacheKeyHash> index_;
  // The block ReserveSpace handed out last, until LookUpOrInsert takes it.
  void* reserved_ = nullptr;
  uint64_t bytes_ = 0;
  uint64_t packed_ = 0;
};

}  // namespace xnnlite
