#include "allocator.h"

#include <sys/mman.h>

#include <cstdlib>

namespace xnnlite {
namespace {

constexpr size_t kHugePage = size_t{2} << 20;
// Smaller blocks would waste most of a huge page.
constexpr size_t kHugeThreshold = size_t{4} << 20;

void* Allocate(void*, size_t size) { return std::malloc(size); }
void* Reallocate(void*, void* pointer, size_t size) { return std::realloc(pointer, size); }
void Deallocate(void*, void* pointer) { std::free(pointer); }

void* AlignedAllocate(void*, size_t alignment, size_t size) {
  void* pointer = nullptr;
  if (size >= kHugeThreshold && size <= SIZE_MAX - kHugePage) {
    const size_t rounded = (size + kHugePage - 1) / kHugePage * kHugePage;
    if (posix_memalign(&pointer, kHugePage, rounded) != 0) return nullptr;
#ifdef MADV_HUGEPAGE
    madvise(pointer, rounded, MADV_HUGEPAGE);
#endif
    return pointer;
  }
  return posix_memalign(&pointer, alignment, size) == 0 ? pointer : nullptr;
}

void AlignedDeallocate(void*, void* pointer) { std::free(pointer); }

const xnn_allocator kAllocator = {nullptr, Allocate, Reallocate, Deallocate, AlignedAllocate, AlignedDeallocate};

}  // namespace

const xnn_allocator* Allocator() { return &kAllocator; }

}  // namespace xnnlite
