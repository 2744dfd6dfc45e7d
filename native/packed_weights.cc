#include "packed_weights.h"

#include <cstdlib>

#include "page_population.h"

namespace xnnlite {
namespace {

// XNNPACK's packing assumes its own allocation alignment (and reads up to XNN_EXTRA_BYTES past the end).
constexpr size_t kAlignment = 128;

size_t Rounded(size_t n) { return (n + XNN_EXTRA_BYTES + kAlignment - 1) / kAlignment * kAlignment; }

}  // namespace

PackedWeights::PackedWeights() {
  provider_.context = this;
  provider_.look_up = &PackedWeights::LookUp;
  provider_.reserve_space = &PackedWeights::ReserveSpace;
  provider_.look_up_or_insert = &PackedWeights::LookUpOrInsert;
  provider_.is_finalized = &PackedWeights::IsFinalized;
  provider_.offset_to_addr = &PackedWeights::OffsetToAddr;
  provider_.delete_cache = &PackedWeights::DeleteCache;
}

PackedWeights::~PackedWeights() {
  for (void* block : blocks_) std::free(block);
  std::free(reserved_);
}

uint64_t PackedWeights::Bind(WeightKeys keys) {
  std::lock_guard<std::mutex> lock(mutex_);
  keys_ = std::move(keys);
  packed_ = 0;
  finalized_ = false;
  return ++generation_;
}

void PackedWeights::Release(uint64_t generation) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = anonymous_.begin(); it != anonymous_.end();) {
    if (it->first != generation) {
      ++it;
      continue;
    }
    std::free(blocks_[it->second]);
    blocks_[it->second] = nullptr;
    bytes_ -= sizes_[it->second];
    it = anonymous_.erase(it);
  }
}

void PackedWeights::Finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  // The lazy weights and ids belong to the plan just made; the next Bind brings its own.
  keys_ = WeightKeys();
  std::free(reserved_);
  reserved_ = nullptr;
  finalized_ = true;
}

uint64_t PackedWeights::bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return bytes_;
}

uint64_t PackedWeights::packed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return packed_;
}

size_t PackedWeights::LookUp(void* context, const xnn_weights_cache_look_up_key* key) {
  auto* self = static_cast<PackedWeights*>(context);
  std::lock_guard<std::mutex> lock(self->mutex_);
  CacheKey k;
  if (self->keys_.Translate(key, &k)) {
    auto it = self->index_.find(k);
    if (it != self->index_.end()) return it->second;
  }
  // A miss: XNNPACK packs from the kernel and bias next, so lazy weights must hold their values now.
  self->keys_.FillLazy(key);
  return SIZE_MAX;
}

void* PackedWeights::ReserveSpace(void* context, size_t n) {
  auto* self = static_cast<PackedWeights*>(context);
  std::lock_guard<std::mutex> lock(self->mutex_);
  std::free(self->reserved_);
  self->reserved_ = std::aligned_alloc(kAlignment, Rounded(n));
  // XNNPACK packs into all of it next.
  PopulateForWrite(self->reserved_, Rounded(n));
  return self->reserved_;
}

size_t PackedWeights::LookUpOrInsert(void* context, const xnn_weights_cache_look_up_key* key, void* ptr, size_t size) {
  auto* self = static_cast<PackedWeights*>(context);
  std::lock_guard<std::mutex> lock(self->mutex_);
  CacheKey k;
  const bool identified = self->keys_.Translate(key, &k);
  if (identified) {
    auto it = self->index_.find(k);
    if (it != self->index_.end()) return it->second;
  }
  if (ptr == nullptr || ptr != self->reserved_) return SIZE_MAX;
  const size_t offset = self->blocks_.size();
  self->blocks_.push_back(self->reserved_);
  self->sizes_.push_back(size);
  self->reserved_ = nullptr;
  self->bytes_ += size;
  self->packed_++;
  // Weights without a stable id serve only the runtime that packed them, and go with it.
  if (identified) {
    self->index_[k] = offset;
  } else {
    self->anonymous_.emplace_back(self->generation_, offset);
  }
  return offset;
}

bool PackedWeights::IsFinalized(void* context) {
  auto* self = static_cast<PackedWeights*>(context);
  std::lock_guard<std::mutex> lock(self->mutex_);
  return self->finalized_;
}

void* PackedWeights::OffsetToAddr(void* context, size_t offset) {
  auto* self = static_cast<PackedWeights*>(context);
  std::lock_guard<std::mutex> lock(self->mutex_);
  return offset < self->blocks_.size() ? self->blocks_[offset] : nullptr;
}

xnn_status PackedWeights::DeleteCache(void*) {
  // The session that owns these weights frees them; XNNPACK must not.
  return xnn_status_success;
}

}  // namespace xnnlite
