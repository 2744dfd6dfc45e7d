#include "static_data.h"

#include <xnnpack.h>

#include <algorithm>
#include <cstring>

#include "float16.h"

namespace xnnlite {
namespace {

constexpr size_t kAlignment = 64;

}  // namespace

namespace {

void* AllocateStatic(size_t bytes) {
  // XNNPACK may read up to XNN_EXTRA_BYTES past static data; those bytes are zero.
  const size_t size = (bytes + XNN_EXTRA_BYTES + kAlignment - 1) / kAlignment * kAlignment;
  void* copy = std::aligned_alloc(kAlignment, size);
  if (copy != nullptr) std::memset(static_cast<uint8_t*>(copy) + bytes, 0, size - bytes);
  return copy;
}

}  // namespace

const void* StaticData::Keep(const void* data, size_t bytes) {
  // XNNPACK may read up to XNN_EXTRA_BYTES past static data: share only when
  // those bytes are still inside the mapping.
  if (std::shared_ptr<Mapping> mapping = Mapping::Containing(data, bytes + XNN_EXTRA_BYTES)) {
    if (std::find(mappings_.begin(), mappings_.end(), mapping) == mappings_.end()) mappings_.push_back(std::move(mapping));
    return data;
  }
  void* copy = AllocateStatic(bytes);
  if (copy == nullptr) return nullptr;
  if (bytes > 0) std::memcpy(copy, data, bytes);
  copies_.emplace_back(copy);
  return copy;
}

const void* StaticData::KeepAsFloat32(const void* fp16, size_t count) {
  void* converted = AllocateStatic(count * sizeof(float));
  if (converted == nullptr) return nullptr;
  if (reinterpret_cast<uintptr_t>(fp16) % alignof(uint16_t) == 0) {
    ConvertFp16ToFp32(static_cast<const uint16_t*>(fp16), static_cast<float*>(converted), count);
  } else {
    std::vector<uint16_t> aligned(count);
    std::memcpy(aligned.data(), fp16, count * sizeof(uint16_t));
    ConvertFp16ToFp32(aligned.data(), static_cast<float*>(converted), count);
  }
  copies_.emplace_back(converted);
  return converted;
}

}  // namespace xnnlite
