#include "lazy_weights.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

#include "float16.h"

namespace xnnlite {

LazyWeights::~LazyWeights() {
  for (auto& [ptr, entry] : entries_) munmap(const_cast<void*>(ptr), entry.bytes);
}

const void* LazyWeights::Add(const uint16_t* fp16, size_t count) {
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  // XNNPACK may read a little past the end of static data: round up to whole pages plus one.
  size_t bytes = ((count * sizeof(float) + 64) / page + 1) * page;
  void* ptr = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (ptr == MAP_FAILED) return nullptr;
  std::lock_guard<std::mutex> lock(mutex_);
  entries_[ptr] = Entry{fp16, count, bytes, false};
  return ptr;
}

void LazyWeights::EnsureFilled(const void* ptr) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(ptr);
  if (it == entries_.end() || it->second.filled) return;
  ConvertFp16ToFp32(it->second.source, static_cast<float*>(const_cast<void*>(ptr)), it->second.count);
  it->second.filled = true;
}

void LazyWeights::FillAll() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [ptr, entry] : entries_) {
    if (entry.filled) continue;
    ConvertFp16ToFp32(entry.source, static_cast<float*>(const_cast<void*>(ptr)), entry.count);
    entry.filled = true;
  }
}

void LazyWeights::ReleasePages() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [ptr, entry] : entries_) {
    madvise(const_cast<void*>(ptr), entry.bytes, MADV_DONTNEED);
    entry.filled = false;
  }
}

}  // namespace xnnlite
