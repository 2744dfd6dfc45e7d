#include "allocator.h"

#include <sys/mman.h>

#include <cstdlib>

#include "page_population.h"

namespace xnnlite {
namespace {

constexpr size_t kHugePage = size_t{2} << 20;
// Smaller blocks would waste most of a huge page.
constexpr size_t kHugeThreshold = size_t{4} << 20;

void* Allocate(void*, size_t size) {
  void* pointer = std::malloc(size);
  PopulateForWrite(pointer, size);
  return pointer;
}

void* Reallocate(void*, void* pointer, size_t size) {
  void* grown = std::realloc(pointer, size);
  PopulateForWrite(grown, size);
  return grown;
}
void Deallocate(void*, void* pointer) { std::free(pointer); }

void* AlignedAllocate(void*, size_t alignment, size_t size) {
  void* pointer = nullptr;
  if (size >= kHugeThreshold && size <= SIZE_MAX - kHugePage) {
    const size_t rounded = (size + kHugePage - 1) / kHugePage * kHugePage;
    if (posix_memalign(&pointer, kHugePage, rounded) != 0) return nullptr;
#ifdef MADV_HUGEPAGE
    madvise(pointer, rounded, MADV_HUGEPAGE);
#endif
    PopulateForWrite(pointer, size);
    return pointer;
  }
  if (posix_memalign(&pointer, alignment, size) != 0) return nullptr;
  PopulateForWrite(pointer, size);
  return pointer;
}

void AlignedDeallocate(void*, void* pointer) { std::free(pointer); }

const xnn_allocator kAllocator = {nullptr, Allocate, Reallocate, Deallocate, AlignedAllocate, AlignedDeallocate};

}  // namespace

const xnn_allocator* Allocator() { return &kAllocator; }

}  // namespace xnnlite
