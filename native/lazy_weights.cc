#include "lazy_weights.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace xnnlite {
namespace {

float HalfToFloat(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  uint32_t exponent = (h >> 10) & 0x1f;
  uint32_t mantissa = h & 0x3ff;
  uint32_t bits;
  if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else {
      // Subnormal: normalize.
      exponent = 127 - 15 + 1;
      while ((mantissa & 0x400) == 0) {
        mantissa <<= 1;
        exponent--;
      }
      bits = sign | (exponent << 23) | ((mantissa & 0x3ff) << 13);
    }
  } else if (exponent == 31) {
    bits = sign | 0x7f800000u | (mantissa << 13);
  } else {
    bits = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
  }
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

#if defined(__x86_64__)
__attribute__((target("f16c,avx"))) void ConvertF16C(const uint16_t* src, float* dst, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
    _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(h));
  }
  for (; i < n; i++) dst[i] = HalfToFloat(src[i]);
}
#endif

void Convert(const uint16_t* src, float* dst, size_t n) {
#if defined(__x86_64__)
  static const bool has_f16c = __builtin_cpu_supports("f16c") && __builtin_cpu_supports("avx");
  if (has_f16c) {
    ConvertF16C(src, dst, n);
    return;
  }
#endif
  for (size_t i = 0; i < n; i++) dst[i] = HalfToFloat(src[i]);
}

}  // namespace

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
  Convert(it->second.source, static_cast<float*>(const_cast<void*>(ptr)), it->second.count);
  it->second.filled = true;
}

void LazyWeights::FillAll() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [ptr, entry] : entries_) {
    if (entry.filled) continue;
    Convert(entry.source, static_cast<float*>(const_cast<void*>(ptr)), entry.count);
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
