#include "fault_guard.h"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <mutex>

namespace xnnlite {

// Slots are read by the signal handler, so they are plain atomics in a fixed
// table: no locks, no allocation. Registration and removal take a mutex
// among themselves only.
struct GuardTable {
  static constexpr size_t kSlots = 4096;
  struct Slot {
    std::atomic<uintptr_t> start{0};
    std::atomic<uintptr_t> end{0};
    std::atomic<GuardedRange*> range{nullptr};
  };
  Slot slots[kSlots];
  std::mutex mutex;
  struct sigaction previous {};
  bool installed = false;
  bool install_failed = false;
  uintptr_t page_size = 4096;  // set at install: sysconf is not async-signal-safe

  static void MarkFaulted(GuardedRange* range) { range->faulted_.store(true, std::memory_order_release); }

  static GuardTable& Get() {
    static auto* table = new GuardTable();  // never destroyed: the handler may run during exit
    return *table;
  }
};

namespace {

void ForwardToPrevious(int signal, siginfo_t* info, void* context) {
  const struct sigaction& previous = GuardTable::Get().previous;
  if ((previous.sa_flags & SA_SIGINFO) != 0 && previous.sa_sigaction != nullptr) {
    previous.sa_sigaction(signal, info, context);
    return;
  }
  if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN && previous.sa_handler != nullptr) {
    previous.sa_handler(signal);
    return;
  }
  // Default action: restore it and deliver the signal again, which ends the process as it would have.
  struct sigaction fallback {};
  fallback.sa_handler = SIG_DFL;
  sigemptyset(&fallback.sa_mask);
  sigaction(SIGBUS, &fallback, nullptr);
  raise(SIGBUS);
}

void OnSigbus(int signal, siginfo_t* info, void* context) {
  GuardTable& table = GuardTable::Get();
  // Only a fault on an address (a page past a file's end) is ours; a SIGBUS sent by kill() is not.
  if (info == nullptr || info->si_code != BUS_ADRERR) {
    ForwardToPrevious(signal, info, context);
    return;
  }
  const auto address = reinterpret_cast<uintptr_t>(info->si_addr);
  for (GuardTable::Slot& slot : table.slots) {
    const uintptr_t start = slot.start.load(std::memory_order_acquire);
    if (start == 0 || address < start) continue;
    const uintptr_t end = slot.end.load(std::memory_order_acquire);
    if (address >= end) continue;
    const uintptr_t from = address / table.page_size * table.page_size;
    // Everything from this page on lies past the file's end: read zeros there.
    void* zeros = mmap(reinterpret_cast<void*>(from), end - from, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (zeros == MAP_FAILED) break;
    if (GuardedRange* range = slot.range.load(std::memory_order_acquire)) GuardTable::MarkFaulted(range);
    return;
  }
  ForwardToPrevious(signal, info, context);
}

bool EnsureInstalled(GuardTable& table) {
  if (table.installed) return true;
  if (table.install_failed) return false;
  table.page_size = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  struct sigaction action {};
  action.sa_sigaction = OnSigbus;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&action.sa_mask);
  if (sigaction(SIGBUS, &action, &table.previous) != 0) {
    table.install_failed = true;
    return false;
  }
  table.installed = true;
  return true;
}

}  // namespace

std::unique_ptr<GuardedRange> GuardedRange::Register(void* start, size_t size) {
  if (start == nullptr || size == 0) return nullptr;
  GuardTable& table = GuardTable::Get();
  std::lock_guard<std::mutex> lock(table.mutex);
  if (!EnsureInstalled(table)) return nullptr;
  for (size_t k = 0; k < GuardTable::kSlots; k++) {
    GuardTable::Slot& slot = table.slots[k];
    if (slot.start.load(std::memory_order_relaxed) != 0) continue;
    std::unique_ptr<GuardedRange> range(new GuardedRange());
    range->slot_ = k;
    slot.range.store(range.get(), std::memory_order_relaxed);
    slot.end.store(reinterpret_cast<uintptr_t>(start) + size, std::memory_order_relaxed);
    slot.start.store(reinterpret_cast<uintptr_t>(start), std::memory_order_release);
    return range;
  }
  return nullptr;
}

GuardedRange::~GuardedRange() {
  GuardTable& table = GuardTable::Get();
  std::lock_guard<std::mutex> lock(table.mutex);
  GuardTable::Slot& slot = table.slots[slot_];
  slot.start.store(0, std::memory_order_release);
  slot.end.store(0, std::memory_order_relaxed);
  slot.range.store(nullptr, std::memory_order_relaxed);
}

}  // namespace xnnlite
