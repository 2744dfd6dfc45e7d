// How packed weights are named across runtimes: XNNPACK identifies them by
// {microkernel seed, kernel pointer, bias pointer}, and pointers change from
// plan to plan, so each plan's subgraphs record a stable id (the model's
// tensor index) for their static data, and packed weights are keyed by
// {seed, kernel id, bias id}. Shared by the cache file (weight_cache.h) and
// a session's packed weights in memory (packed_weights.h).
#pragma once

#include <xnnpack.h>

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "lazy_weights.h"

namespace xnnlite {

struct CacheKey {
  uint32_t seed;
  uint32_t kernel;
  uint32_t bias;
  bool operator==(const CacheKey& o) const { return seed == o.seed && kernel == o.kernel && bias == o.bias; }
};

struct CacheKeyHash {
  size_t operator()(const CacheKey& k) const {
    return (static_cast<size_t>(k.seed) * 0x9E3779B97F4A7C15ull) ^ (static_cast<size_t>(k.kernel) << 20) ^ k.bias;
  }
};

// The stable ids of one plan's static data, and its weights converted only when packed (lazy_weights.h).
class WeightKeys {
 public:
  WeightKeys() = default;
  WeightKeys(std::unordered_map<const void*, uint32_t> ids, std::vector<LazyWeights*> lazies)
      : ids_(std::move(ids)), lazies_(std::move(lazies)) {}

  // The key of XNNPACK's look-up key; false for data without a stable id.
  bool Translate(const xnn_weights_cache_look_up_key* key, CacheKey* out) const {
    auto kernel = ids_.find(key->kernel);
    if (kernel == ids_.end()) return false;
    uint32_t bias = kNoId;
    if (key->bias != nullptr) {
      auto b = ids_.find(key->bias);
      if (b == ids_.end()) return false;
      bias = b->second;
    }
    *out = CacheKey{key->seed, kernel->second, bias};
    return true;
  }

  // Converts the lazy weights behind a key before XNNPACK packs them (each LazyWeights ignores pointers not its own).
  void FillLazy(const xnn_weights_cache_look_up_key* key) const {
    for (LazyWeights* lazy : lazies_) {
      lazy->EnsureFilled(key->kernel);
      if (key->bias != nullptr) lazy->EnsureFilled(key->bias);
    }
  }

 private:
  static constexpr uint32_t kNoId = 0xFFFFFFFFu;
  std::unordered_map<const void*, uint32_t> ids_;
  std::vector<LazyWeights*> lazies_;
};

}  // namespace xnnlite
