// A file-backed, memory-mapped cache of XNNPACK's packed weights, shared by
// every session and process that runs the same model on the same XNNPACK
// build and CPU configuration. It implements xnn_weights_cache_provider.
//
// Trust: a cache file decides the weights a process computes with, so a file
// owned by another user or writable by others is never used (the directory
// is checked the same way in lib/cache). Whoever can write the directory
// controls the results; keep it private to the service's user.
//
// File layout (little-endian):
//   header (128 bytes, see CacheHeader) | packed data (entries aligned to 128) |
//   index (CacheIndexEntry[]) | metadata (JSON text from the caller)
// Every part is covered by a CRC-32C in the header, so any damaged byte is
// detected and the file is rebuilt, never trusted.
//
// Keys: {microkernel seed, kernel id, bias id}, the ids being the model's
// tensor indices (weight_keys.h).
//
// Cold start: packed weights are collected in memory while the runtime is
// created, written to a temporary file in the same directory, fsync'ed and
// renamed into place under an exclusive flock (released by the kernel if the
// holder dies), then mapped. Warm start: the published file is mapped
// read-only and shared; XNNPACK's look-ups hit and nothing is packed.
#pragma once

#include <xnnpack.h>

#include "fault_guard.h"
#include "lazy_weights.h"
#include "weight_keys.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace xnnlite {

struct CacheRequest {
  std::string path;
  std::string lock_path;
  uint8_t fingerprint[32] = {};
  std::string metadata;
};

struct CacheEntry {
  uint64_t offset;
  uint64_t size;
};

// A published cache file, validated and mapped read-only. Shared by every
// provider in the process that opens the same file.
class CacheMapping {
 public:
  ~CacheMapping();
  // Opens and fully validates `path`; on failure returns null and sets `reason`
  // (empty when the file simply does not exist).
  static std::shared_ptr<CacheMapping> Open(const std::string& path, const uint8_t fingerprint[32], std::string* reason);
  // Validates a file without keeping it (for `xnnlite cache verify`).
  static bool Verify(const std::string& path, std::string* reason, std::string* metadata);

  const uint8_t* data() const { return data_; }
  uint64_t data_size() const { return data_size_; }
  uint64_t file_size() const { return size_; }
  const CacheEntry* Find(const CacheKey& key) const;
  // True once the file was found truncated under the mapping (see fault_guard.h).
  bool Faulted() const { return guard_ && guard_->faulted(); }

 private:
  CacheMapping() = default;
  // Maps and validates a file; `fingerprint` may be null (verify only).
  static std::shared_ptr<CacheMapping> MapAndValidate(const std::string& path, const uint8_t* fingerprint,
                                                      std::string* reason, std::string* metadata, uint64_t* dev,
                                                      uint64_t* ino);

  void* base_ = nullptr;
  uint64_t size_ = 0;
  const uint8_t* data_ = nullptr;
  uint64_t data_size_ = 0;
  std::unordered_map<CacheKey, CacheEntry, CacheKeyHash> index_;
  std::unique_ptr<GuardedRange> guard_;
};

struct CacheReport {
  // "mapped": served from a published file; "built": packed and published now;
  // "memory": packed in memory because the file could not be used.
  std::string state = "memory";
  std::vector<std::string> warnings;
  uint64_t bytes = 0;
  uint64_t misses = 0;
};

class WeightCacheProvider {
 public:
  // `lazies` hold weights to convert when a look-up misses (one per partition); they must outlive the provider's use.
  WeightCacheProvider(CacheRequest request, std::unordered_map<const void*, uint32_t> ids, std::vector<LazyWeights*> lazies);
  ~WeightCacheProvider();

  // Before xnn_create_runtime: maps a valid published file, or takes the lock to build one.
  void Prepare();
  // After xnn_create_runtime: publishes what was packed (when building and
  // `publish`: the runtime was created from unchanged sources) and finalizes.
  void Finish(bool publish);

  xnn_weights_cache_t provider() { return &provider_; }
  // True once the cache file this provider maps was found truncated.
  bool Faulted() const;
  const CacheReport& report() const { return report_; }

 private:
  static size_t LookUp(void* context, const xnn_weights_cache_look_up_key* key);
  static void* ReserveSpace(void* context, size_t n);
  static size_t LookUpOrInsert(void* context, const xnn_weights_cache_look_up_key* key, void* ptr, size_t size);
  static bool IsFinalized(void* context);
  static void* OffsetToAddr(void* context, size_t offset);
  static xnn_status DeleteCache(void* context);

  bool Publish(std::string* error);
  void ReleaseLock();

  CacheRequest request_;
  WeightKeys keys_;
  xnn_weights_cache_provider provider_{};
  std::mutex mutex_;
  std::shared_ptr<CacheMapping> mapping_;
  bool building_ = false;
  bool finalized_ = false;
  int lock_fd_ = -1;
  // Packed bytes held in memory: everything when building or falling back,
  // and on a warm start whatever the file did not have.
  uint8_t* memory_ = nullptr;
  size_t memory_size_ = 0;
  size_t memory_capacity_ = 0;
  std::unordered_map<CacheKey, CacheEntry, CacheKeyHash> memory_index_;
  // Entries whose pointers had no stable id: usable now, never written to a file.
  std::vector<CacheEntry> anonymous_;
  CacheReport report_;
};

}  // namespace xnnlite
