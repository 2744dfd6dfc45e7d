#include "allocator.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

namespace xnnlite {
namespace {

constexpr size_t kHugePage = size_t{2} << 20;
// Smaller blocks would waste most of a huge page.
constexpr size_t kHugeThreshold = size_t{4} << 20;
constexpr size_t kPopulateThreshold = size_t{256} << 10;
#ifdef MADV_POPULATE_WRITE
constexpr int kPopulateWrite = MADV_POPULATE_WRITE;
#else
constexpr int kPopulateWrite = 23;  // Linux 5.14's value; older C libraries do not define it.
#endif

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
    PopulateForWrite(pointer, rounded);
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

void PopulateForWrite(void* data, size_t bytes) {
  if (data == nullptr || bytes < kPopulateThreshold) return;
  static const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  // Only whole pages inside the block: the pages it shares with its neighbours are theirs to fault.
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + page - 1) & ~(page - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(page - 1);
  // Advice only: where it fails (an old kernel, no memory now), the pages fault in one by one as before.
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, kPopulateWrite);
}

}  // namespace xnnlite
