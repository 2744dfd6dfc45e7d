// Keeps a file that shrinks under a mapping from killing the process.
//
// Reading a page of a shared file mapping that lies past the file's end
// (someone truncated or rewrote the file in place: `cp new.tflite model.tflite`
// over a model a service has loaded) raises SIGBUS, whose default action ends
// the process. Ranges registered here are mapped files; a SIGBUS inside one
// replaces the rest of the range with zero pages, marks the range faulted and
// lets the read go on. Whoever computed with the range (a session's run, a
// hash, a runtime being created) checks `faulted` afterwards and reports the
// file as changed instead of returning what it computed. A SIGBUS anywhere
// else goes to the handler that was installed before, or kills the process
// as it would have.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>

namespace xnnlite {

class GuardedRange {
 public:
  // Registers [start, start + size); both page-aligned. Returns null when the
  // handler cannot be installed or the table is full; the caller must then
  // not leave a file mapped there (mapped_file.cc reads the file instead).
  static std::unique_ptr<GuardedRange> Register(void* start, size_t size);
  ~GuardedRange();
  GuardedRange(const GuardedRange&) = delete;
  GuardedRange& operator=(const GuardedRange&) = delete;

  bool faulted() const { return faulted_.load(std::memory_order_acquire); }

 private:
  GuardedRange() = default;
  friend struct GuardTable;
  std::atomic<bool> faulted_{false};
  size_t slot_ = 0;
};

}  // namespace xnnlite
