// Faulting in the pages of a block with one system call instead of one page
// fault per 4 KiB page. Page faults are cheap on bare metal but cost 10 us or
// more each on virtual machines with shadow page tables, and an XNNPACK
// runtime's indirection buffers and workspace, or a cache file's data, are
// thousands of pages. Blocks under 256 KiB, and kernels without the advice
// (before Linux 5.14; qemu-user ignores it), are left to fault as usual.
#pragma once

#include <cstddef>

namespace xnnlite {

// For a block about to be written whole (its pages are allocated and zeroed now).
void PopulateForWrite(void* data, size_t bytes);
// For a mapped file about to be read whole (its pages are read in and mapped now).
void PopulateForRead(const void* data, size_t bytes);

}  // namespace xnnlite
