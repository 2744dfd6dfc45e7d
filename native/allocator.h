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
// whole when they are allocated (page_population.h).
const xnn_allocator* Allocator();

}  // namespace xnnlite
