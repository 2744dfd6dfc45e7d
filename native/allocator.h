// The memory XNNPACK allocates in this process (given to xnn_initialize).
#pragma once

#include <xnnpack.h>

namespace xnnlite {

// Like XNNPACK's default allocator, except that large aligned blocks (a
// runtime's workspace, an operator's own packed weights) are aligned to 2 MiB and
// offered to the kernel for transparent huge pages: XNNPACK zeroes a
// workspace when it plans it, and faulting it in by 2 MiB rather than 4 KiB
// pages makes that, and the inferences reading it, cheaper. Where the kernel
// has no huge pages the advice is ignored. Large blocks are also faulted in
// whole when they are allocated (PopulateForWrite).
const xnn_allocator* Allocator();

// Faults in the pages of a block that is about to be written whole, with one
// system call instead of one page fault per 4 KiB page. Page faults are
// cheap on bare metal but cost 10 us or more each on virtual machines with
// shadow page tables; an XNNPACK runtime's indirection buffers and workspace
// are thousands of pages. Blocks under 256 KiB, and kernels without
// MADV_POPULATE_WRITE (before Linux 5.14), are left to fault as usual.
void PopulateForWrite(void* data, size_t bytes);

}  // namespace xnnlite
