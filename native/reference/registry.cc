// The reference kernels' lookup table. Each kernel file registers its own
// kernels at load (a KernelRegistration beside each definition), so adding a
// kernel touches only its file.
#include <string>
#include <vector>

#include "program.h"

namespace xnnlite::reference {

namespace {
std::vector<const Kernel*>& Registered() {
  static std::vector<const Kernel*> kernels;
  return kernels;
}
}  // namespace

KernelRegistration::KernelRegistration(const Kernel& kernel) { Registered().push_back(&kernel); }

const Kernel* FindKernel(const std::string& name) {
  for (const Kernel* k : Registered()) {
    if (name == k->name) return k;
  }
  return nullptr;
}

}  // namespace xnnlite::reference
