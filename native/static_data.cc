#include "static_data.h"

#include <xnnpack.h>

#include <algorithm>
#include <cstring>

#include "page_population.h"
#include "float16.h"

#if defined(__SANITIZE_ADDRESS__)
#define XNNLITE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define XNNLITE_ASAN 1
#endif
#endif

namespace xnnlite {
namespace {

constexpr size_t kAlignment = 64;
constexpr size_t kLargestBlock = size_t{1} << 20;
// The pages of a shared block are faulted in this much at a time, as copies reach them.
constexpr size_t kPopulateStep = size_t{256} << 10;
#ifdef XNNLITE_ASAN
// Every copy alone, as AddressSanitizer needs to report a read past one instead of serving it from the next.
constexpr bool kCopiesAlone = true;
#else
constexpr bool kCopiesAlone = false;
#endif

// XNNPACK may read up to XNN_EXTRA_BYTES past static data; those bytes are zero.
void ZeroPadding(uint8_t* copy, size_t bytes, size_t size) { std::memset(copy + bytes, 0, size - bytes); }

}  // namespace

// Copies are carved from blocks that double from 64 KiB to 1 MiB, so that a
// model's hundreds of small constants take a few allocations, and the pages
// of the larger blocks are faulted in 256 KiB at a time (PopulateForWrite)
// as copies reach them, not a page fault each.
void* StaticData::AllocateCopy(size_t bytes) {
  if (bytes > SIZE_MAX - XNN_EXTRA_BYTES - kAlignment) return nullptr;
  const size_t size = (bytes + XNN_EXTRA_BYTES + kAlignment - 1) / kAlignment * kAlignment;
  if (size > block_left_) {
    // A copy as large as half the next block gets a block of its own, leaving the current block's room for smaller ones.
    if (kCopiesAlone || size >= next_block_ / 2) {
      auto* own = static_cast<uint8_t*>(std::aligned_alloc(kAlignment, size));
      if (own == nullptr) return nullptr;
      blocks_.emplace_back(own);
      PopulateForWrite(own, size);
      ZeroPadding(own, bytes, size);
      return own;
    }
    auto* block = static_cast<uint8_t*>(std::aligned_alloc(kAlignment, next_block_));
    if (block == nullptr) return nullptr;
    blocks_.emplace_back(block);
    block_next_ = block;
    block_left_ = next_block_;
    populated_ = block;
    next_block_ = std::min(next_block_ * 2, kLargestBlock);
  }
  uint8_t* copy = block_next_;
  block_next_ += size;
  block_left_ -= size;
  if (block_next_ > populated_) {
    uint8_t* const end = block_next_ + block_left_;
    uint8_t* const target = std::min(end, std::max(block_next_, populated_ + kPopulateStep));
    PopulateForWrite(populated_, static_cast<size_t>(target - populated_));
    populated_ = target;
  }
  ZeroPadding(copy, bytes, size);
  return copy;
}

const void* StaticData::Keep(const void* data, size_t bytes) {
  // XNNPACK may read up to XNN_EXTRA_BYTES past static data: share only when
  // those bytes are still inside the mapping.
  if (std::shared_ptr<Mapping> mapping = Mapping::Containing(data, bytes + XNN_EXTRA_BYTES)) {
    if (std::find(mappings_.begin(), mappings_.end(), mapping) == mappings_.end()) mappings_.push_back(std::move(mapping));
    return data;
  }
  void* copy = AllocateCopy(bytes);
  if (copy == nullptr) return nullptr;
  if (bytes > 0) std::memcpy(copy, data, bytes);
  return copy;
}

const void* StaticData::KeepAsFloat32(const void* fp16, size_t count) {
  if (count > SIZE_MAX / sizeof(float)) return nullptr;
  void* converted = AllocateCopy(count * sizeof(float));
  if (converted == nullptr) return nullptr;
  if (reinterpret_cast<uintptr_t>(fp16) % alignof(uint16_t) == 0) {
    ConvertFp16ToFp32(static_cast<const uint16_t*>(fp16), static_cast<float*>(converted), count);
  } else {
    std::vector<uint16_t> aligned(count);
    std::memcpy(aligned.data(), fp16, count * sizeof(uint16_t));
    ConvertFp16ToFp32(aligned.data(), static_cast<float*>(converted), count);
  }
  return converted;
}

}  // namespace xnnlite
