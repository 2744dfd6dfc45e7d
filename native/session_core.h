// SessionCore: what one session executes. A plan (lib/plan) is a list of
// steps over one arena: XNNPACK runtimes, each made from one partition of
// the model (an xnn_subgraph), and reference kernels between them. Tensors
// that cross steps, and every tensor a reference kernel reads or writes,
// live in the arena at offsets planned once (tensors whose lifetimes do not
// overlap share memory); constants stay in the model's mapping (or a copy).
// The session's inputs and outputs are arena tensors too, so an inference
// is: copy inputs in, run the steps, copy outputs out.
#pragma once

#include <pthreadpool.h>
#include <xnnpack.h>

#include <memory>
#include <string>
#include <vector>

#include "external_views.h"
#include "reference/program.h"
#include "static_data.h"
#include "subgraph.h"
#include "packed_weights.h"
#include "weight_cache.h"

namespace xnnlite {

// One XNNPACK partition: its subgraph until the runtime exists, then the runtime.
struct XnnStep {
  SubgraphParts parts;
  // Plan tensor behind each external value id of the subgraph.
  std::vector<int32_t> externals;
  xnn_runtime_t runtime = nullptr;
};

// A step of the plan: an XNNPACK partition (`xnn` >= 0, an index into
// `partitions`) or a reference kernel call (`op` >= 0, into `ops`).
struct Step {
  int32_t xnn = -1;
  int32_t op = -1;
};

// Why creation failed: an XNNPACK call (`call` and `status`), or a message
// with an error code (and the plan tensor it is about, if any).
struct CreateFailure {
  std::string call;
  xnn_status status = xnn_status_success;
  std::string message;
  std::string code;
  std::string tensor;
};

// Everything a session's native side is made from; read on the JS thread
// (native/session_runtime.cc), turned into a SessionCore off it.
struct PlanParts {
  PlanParts() = default;
  PlanParts(PlanParts&&) = default;
  PlanParts& operator=(PlanParts&&) = default;
  ~PlanParts();

  size_t arena_bytes = 0;
  reference::Tensors tensors;
  // Per tensor: its offset in the arena, or -1 for a constant (whose data `constant_data` keeps).
  std::vector<int64_t> offsets;
  std::vector<const void*> constant_data;
  // How the model names each tensor (for errors), and the element count it declares.
  std::vector<std::string> names;
  std::unique_ptr<StaticData> constants;
  std::vector<XnnStep> partitions;
  std::vector<reference::Op> ops;
  std::vector<Step> steps;
  // The session's inputs, then its outputs: plan tensor, datatype (informational), shape.
  std::vector<ExternalBuffer> externals;
  std::vector<int32_t> external_tensors;
};

class SessionCore {
 public:
  SessionCore() = default;
  SessionCore(const SessionCore&) = delete;
  SessionCore& operator=(const SessionCore&) = delete;
  ~SessionCore();

  // Consumes the plan. Safe to call off the JS thread. With a cache request,
  // the packed weights of every partition come from (or go to) one shared
  // cache file; without, from (or to) `packed`, the packed weights of the
  // session's earlier runtime (a new store when null).
  bool Create(PlanParts plan, uint32_t threads, uint32_t flags, std::unique_ptr<CacheRequest> cache, std::shared_ptr<PackedWeights> packed,
              CreateFailure* failure);
  // Runs every step. False with `failure` set when XNNPACK fails or a kernel refuses a run-time value.
  bool Invoke(CreateFailure* failure);
  // Empty while the files the session reads at run time (the model's, the
  // weight cache's) are as they were; else how one changed.
  std::string BackingChange() const;
  // Names and times (microseconds) of every operator of the last inference, in step order;
  // XNNPACK's only with XNN_FLAG_BASIC_PROFILING.
  bool Profile(std::vector<std::string>* names, std::vector<uint64_t>* micros, CreateFailure* failure) const;

  const WeightCacheProvider* cache() const { return cache_.get(); }
  // The packed weights in memory, for a session without a cache file (null with one).
  const std::shared_ptr<PackedWeights>& packed() const { return packed_; }
  std::vector<ExternalBuffer>& externals() { return plan_.externals; }
  // Memory this session owns outside the model's mapping and the cache file.
  size_t OwnedBytes() const { return arena_bytes_; }

 private:
  bool CreatePartitions(uint32_t flags, CreateFailure* failure);
  bool SetUpPartition(XnnStep& step, CreateFailure* failure);

  PlanParts plan_;
  void* arena_ = nullptr;
  size_t arena_bytes_ = 0;
  pthreadpool_t pool_ = nullptr;
  // Outlive the runtimes: XNNPACK's operators point into them.
  std::unique_ptr<WeightCacheProvider> cache_;
  std::shared_ptr<PackedWeights> packed_;
  uint64_t packed_generation_ = 0;
  bool profiling_ = false;
  std::vector<uint64_t> op_micros_;
  // Each file the plan's constants and partitions read, once: BackingChange checks each once per inference.
  std::vector<const Mapping*> backing_;
};

}  // namespace xnnlite
