#include "page_population.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

namespace xnnlite {
namespace {

constexpr size_t kThreshold = size_t{256} << 10;
// Linux 5.14's values; older C libraries do not define them.
#ifdef MADV_POPULATE_READ
constexpr int kPopulateRead = MADV_POPULATE_READ;
#else
constexpr int kPopulateRead = 22;
#endif
#ifdef MADV_POPULATE_WRITE
constexpr int kPopulateWrite = MADV_POPULATE_WRITE;
#else
constexpr int kPopulateWrite = 23;
#endif

void Populate(const void* data, size_t bytes, int advice) {
  if (data == nullptr || bytes < kThreshold) return;
  static const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  // Only whole pages inside the block: the pages it shares with its neighbours are theirs to fault.
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + page - 1) & ~(page - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(page - 1);
  // Advice only: where it fails (an old kernel, no memory now, a file truncated meanwhile), the pages fault in one by one as before.
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, advice);
}

}  // namespace

void PopulateForWrite(void* data, size_t bytes) { Populate(data, bytes, kPopulateWrite); }

void PopulateForRead(const void* data, size_t bytes) { Populate(data, bytes, kPopulateRead); }

}  // namespace xnnlite
