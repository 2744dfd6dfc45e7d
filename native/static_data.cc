#include "static_data.h"

#include <xnnpack.h>

#include <algorithm>
#include <cstring>

namespace xnnlite {
namespace {

constexpr size_t kAlignment = 64;

}  // namespace

const void* StaticData::Keep(const void* data, size_t bytes) {
  // XNNPACK may read up to XNN_EXTRA_BYTES past static data: share only when
  // those bytes are still inside the mapping.
  if (std::shared_ptr<Mapping> mapping = Mapping::Containing(data, bytes + XNN_EXTRA_BYTES)) {
    if (std::find(mappings_.begin(), mappings_.end(), mapping) == mappings_.end()) mappings_.push_back(std::move(mapping));
    return data;
  }
  const size_t size = (bytes + XNN_EXTRA_BYTES + kAlignment - 1) / kAlignment * kAlignment;
  void* copy = std::aligned_alloc(kAlignment, size);
  if (copy == nullptr) return nullptr;
  if (bytes > 0) std::memcpy(copy, data, bytes);
  std::memset(static_cast<uint8_t*>(copy) + bytes, 0, size - bytes);
  copies_.emplace_back(copy);
  return copy;
}

std::string StaticData::Changed() const {
  for (const auto& mapping : mappings_) {
    std::string change = mapping->Changed();
    if (!change.empty()) return change;
  }
  return "";
}

}  // namespace xnnlite
