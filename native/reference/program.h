// The reference kernels' view of a session plan: TFLite's semantics for the
// operators XNNPACK does not run, as kernel calls over plain buffers (the
// session's arena and its constants). TypeScript derives every parameter
// from the model (shapes, strides, requantization multipliers); the kernels
// only compute.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace xnnlite::reference {

// A buffer of the session: in its arena, or a constant. `bytes` is known
// when the plan is read (kernels check their sizes against it); `ptr` once
// the session's memory exists.
struct Tensor {
  size_t bytes = 0;
  uint8_t* ptr = nullptr;
  uint8_t* data() { return ptr; }
  const uint8_t* data() const { return ptr; }
};

struct Op;
using Tensors = std::vector<Tensor>;
// Returns an empty string when `op` is consistent with the tensors it names, else why not.
using CheckFn = std::string (*)(const Op& op, const Tensors& tensors);
using RunFn = void (*)(const Op& op, Tensors& tensors);
// Checks values only known at run time (indices, counts) before the kernel
// runs, on one thread; throws KernelError naming the value it cannot take.
using ValidateFn = void (*)(const Op& op, const Tensors& tensors);
// Kernels whose work splits into independent tasks (e.g. output rows) also
// give their task count and one task's work; the runtime may run tasks in parallel.
using TaskCountFn = size_t (*)(const Op& op);
using TaskFn = void (*)(const Op& op, Tensors& tensors, size_t task);

struct Kernel {
  const char* name;
  CheckFn check;
  RunFn run;
  TaskCountFn tasks = nullptr;
  TaskFn task = nullptr;
  ValidateFn validate = nullptr;
};

// A value met at run time that the operator cannot take (e.g. a GATHER index
// outside the table). Thrown by `validate` or `run` (never by `task`, which
// may run on a pool thread); the inference then fails with that message,
// prefixed with the op's label, and writes no outputs.
struct KernelError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Op {
  const Kernel* kernel = nullptr;
  std::string label;  // e.g. "CONV_2D #3", for errors and profiles
  std::vector<int32_t> inputs;
  std::vector<int32_t> outputs;
  std::vector<int64_t> ints;
  std::vector<double> reals;
};

// Makes a kernel findable by name: each kernel file defines one beside each
// kernel (`const KernelRegistration kFooRegistered(kFoo);`), run at load.
struct KernelRegistration {
  explicit KernelRegistration(const Kernel& kernel);
};

// Looks a kernel up by name; nullptr if there is none.
const Kernel* FindKernel(const std::string& name);

}  // namespace xnnlite::reference
