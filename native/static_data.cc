#include "static_data.h"

#include <xnnpack.h>

#include <algorithm>
#include <cstring>

#include "allocator.h"
#include "float16.h"

namespace xnnlite {
namespace {

constexpr size_t kAlignment = 64;
constexpr size_t kLargestBlock = size_t{1} << 20;

}  // namespace

// Copies are carved from blocks that double from 64 KiB to 1 MiB, so that a
// model's hundreds of small constants take a few allocations whose pages are
// faulted in together (PopulateForWrite), not a page fault each.
void* StaticData::AllocateCopy(size_t bytes) {
  // XNNPACK may read up to XNN_EXTRA_BYTES past static data; those bytes are zero.
  if (bytes > SIZE_MAX - XNN_EXTRA_BYTES - kAlignment) return nullptr;
  const size_t size = (bytes + XNN_EXTRA_BYTES + kAlignment - 1) / kAlignment * kAlignment;
  uint8_t* copy = nullptr;
  if (size <= block_left_) {
    copy = block_next_;
  } else {
    // A copy as large as half the next block gets a block of its own, leaving the current block's room for smaller ones.
    const bool own = size >= next_block_ / 2;
    const size_t block = own ? size : next_block_;
    auto* memory = static_cast<uint8_t*>(std::aligned_alloc(kAlignment, block));
    if (memory == nullptr) return nullptr;
    PopulateForWrite(memory, block);
    blocks_.emplace_back(memory);
    if (own) {
      std::memset(memory + bytes, 0, size - bytes);
      return memory;
    }
    next_block_ = std::min(next_block_ * 2, kLargestBlock);
    copy = memory;
    block_left_ = block;
  }
  block_next_ = copy + size;
  block_left_ -= size;
  std::memset(copy + bytes, 0, size - bytes);
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
