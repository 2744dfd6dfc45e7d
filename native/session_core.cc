#include "session_core.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "page_population.h"
#include "datatype.h"

namespace xnnlite {
namespace {

constexpr size_t kArenaAlignment = 64;

struct TaskContext {
  const reference::Op* op;
  reference::Tensors* tensors;
};

void RunTask(void* context, size_t task) {
  auto* c = static_cast<TaskContext*>(context);
  c->op->kernel->task(*c->op, *c->tensors, task);
}

std::string ShapeText(const size_t* dims, size_t rank) {
  std::string text = "[";
  for (size_t k = 0; k < rank; k++) text += (k > 0 ? "," : "") + std::to_string(dims[k]);
  return text + "]";
}

}  // namespace

PlanParts::~PlanParts() {
  for (XnnStep& step : partitions) {
    if (step.parts.subgraph != nullptr) xnn_delete_subgraph(step.parts.subgraph);
  }
}

SessionCore::~SessionCore() {
  for (XnnStep& step : plan_.partitions) {
    if (step.runtime != nullptr) xnn_delete_runtime(step.runtime);
    step.runtime = nullptr;
  }
  cache_.reset();
  if (packed_) packed_->Release(packed_generation_);
  for (XnnStep& step : plan_.partitions) step.parts.lazy.reset();
  if (pool_ != nullptr) pthreadpool_destroy(pool_);
  std::free(arena_);
}

bool SessionCore::Create(PlanParts plan, uint32_t threads, uint32_t flags, std::unique_ptr<CacheRequest> cache,
                         std::shared_ptr<PackedWeights> packed, CreateFailure* failure) {
  plan_ = std::move(plan);
  profiling_ = (flags & XNN_FLAG_BASIC_PROFILING) != 0;
  // Every arena tensor may be read up to XNN_EXTRA_BYTES past its end (lib/plan reserves that much after each).
  arena_bytes_ = (plan_.arena_bytes + XNN_EXTRA_BYTES + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment;
  arena_ = std::aligned_alloc(kArenaAlignment, arena_bytes_);
  if (arena_ == nullptr) {
    *failure = {"aligned_alloc", xnn_status_out_of_memory};
    return false;
  }
  PopulateForWrite(arena_, arena_bytes_);
  std::memset(arena_, 0, arena_bytes_);
  for (size_t k = 0; k < plan_.tensors.size(); k++) {
    plan_.tensors[k].ptr = plan_.offsets[k] >= 0 ? static_cast<uint8_t*>(arena_) + plan_.offsets[k]
                                                 : const_cast<uint8_t*>(static_cast<const uint8_t*>(plan_.constant_data[k]));
  }
  for (size_t k = 0; k < plan_.externals.size(); k++) {
    plan_.externals[k].data = plan_.tensors[plan_.external_tensors[k]].ptr;
  }
  auto back = [this](const StaticData* data) {
    if (!data) return;
    for (const auto& mapping : data->mappings()) {
      if (std::find(backing_.begin(), backing_.end(), mapping.get()) == backing_.end()) backing_.push_back(mapping.get());
    }
  };
  back(plan_.constants.get());
  for (const XnnStep& step : plan_.partitions) back(step.parts.static_data.get());
  if (threads > 1) {
    pool_ = pthreadpool_create(threads);
    if (pool_ == nullptr) {
      *failure = {"pthreadpool_create", xnn_status_out_of_memory};
      return false;
    }
  }
  if (!plan_.partitions.empty()) {
    std::unordered_map<const void*, uint32_t> ids;
    std::vector<LazyWeights*> lazies;
    for (XnnStep& step : plan_.partitions) {
      ids.insert(step.parts.static_ids.begin(), step.parts.static_ids.end());
      if (step.parts.lazy) lazies.push_back(step.parts.lazy.get());
    }
    if (cache) {
      cache_ = std::make_unique<WeightCacheProvider>(std::move(*cache), std::move(ids), std::move(lazies));
      cache_->Prepare();
    } else {
      packed_ = packed ? std::move(packed) : std::make_shared<PackedWeights>();
      packed_generation_ = packed_->Bind(WeightKeys(std::move(ids), std::move(lazies)));
    }
  }
  const bool created = CreatePartitions(flags, failure);
  // Weights packed from a model file that changed meanwhile must not reach a
  // cache file, where they would serve every later start of the real model.
  if (cache_) cache_->Finish(created && BackingChange().empty());
  if (packed_) packed_->Finish();
  // Packed copies exist now; the float32 forms of lazy weights are no longer read.
  for (XnnStep& step : plan_.partitions) {
    if (step.parts.lazy) step.parts.lazy->ReleasePages();
  }
  if (!created) return false;
  for (XnnStep& step : plan_.partitions) {
    if (!SetUpPartition(step, failure)) return false;
  }
  op_micros_.assign(plan_.ops.size(), 0);
  return true;
}

bool SessionCore::CreatePartitions(uint32_t flags, CreateFailure* failure) {
  for (XnnStep& step : plan_.partitions) {
    // With the sparse hint, XNNPACK reads weights (to count their zeros)
    // before it asks the cache for any packed copy.
    if (step.parts.lazy && (flags & XNN_FLAG_HINT_SPARSE_INFERENCE) != 0) step.parts.lazy->FillAll();
    xnn_weights_cache_t provider = cache_ ? cache_->provider() : packed_ ? packed_->provider() : nullptr;
    xnn_status status = xnn_create_runtime_v4(step.parts.subgraph, provider, nullptr, pool_, flags, &step.runtime);
    xnn_delete_subgraph(step.parts.subgraph);
    step.parts.subgraph = nullptr;
    if (status != xnn_status_success) {
      step.runtime = nullptr;
      *failure = {"xnn_create_runtime_v4", status};
      return false;
    }
  }
  return true;
}

bool SessionCore::SetUpPartition(XnnStep& step, CreateFailure* failure) {
  xnn_status status = xnn_reshape_runtime(step.runtime);
  if (status != xnn_status_success) {
    *failure = {"xnn_reshape_runtime", status};
    return false;
  }
  std::vector<xnn_external_value> bindings;
  for (const auto& [id, value] : step.parts.externals) {
    if (id >= step.externals.size()) {
      failure->message = "an XNNPACK partition has an external value the plan does not bind";
      return false;
    }
    const int32_t tensor = step.externals[id];
    size_t rank = 0;
    size_t dims[XNN_MAX_TENSOR_DIMS];
    status = xnn_get_external_value_shape(step.runtime, id, &rank, dims);
    if (status != xnn_status_success) {
      *failure = {"xnn_get_external_value_shape", status};
      return false;
    }
    size_t elements = 1;
    for (size_t k = 0; k < rank; k++) elements *= dims[k];
    const size_t bytes = elements * ElementSize(value.datatype);
    // A partition whose shapes do not match the model's would read or write past its arena tensors.
    if (bytes != plan_.tensors[tensor].bytes) {
      failure->code = "ERR_XNNLITE_SHAPE_MISMATCH";
      failure->tensor = plan_.names[tensor];
      failure->message = "the model declares " + std::to_string(plan_.tensors[tensor].bytes) + " bytes, but its operators produce shape " +
                         ShapeText(dims, rank) + " (" + std::to_string(bytes) + " bytes)";
      return false;
    }
    bindings.push_back({id, plan_.tensors[tensor].ptr});
  }
  status = xnn_setup_runtime_v2(step.runtime, bindings.size(), bindings.data());
  if (status != xnn_status_success) {
    *failure = {"xnn_setup_runtime_v2", status};
    return false;
  }
  return true;
}

bool SessionCore::Invoke(CreateFailure* failure) {
  for (const Step& step : plan_.steps) {
    if (step.xnn >= 0) {
      xnn_status status = xnn_invoke_runtime(plan_.partitions[step.xnn].runtime);
      if (status != xnn_status_success) {
        *failure = {"xnn_invoke_runtime", status};
        return false;
      }
      continue;
    }
    const reference::Op& op = plan_.ops[step.op];
    const auto start = profiling_ ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    try {
      if (op.kernel->validate != nullptr) op.kernel->validate(op, plan_.tensors);
      if (pool_ != nullptr && op.kernel->tasks != nullptr) {
        TaskContext context{&op, &plan_.tensors};
        // Workers sleep between operators instead of spinning: other sessions and processes share the CPU.
        pthreadpool_parallelize_1d(pool_, RunTask, &context, op.kernel->tasks(op), PTHREADPOOL_FLAG_YIELD_WORKERS);
      } else {
        op.kernel->run(op, plan_.tensors);
      }
    } catch (const reference::KernelError& e) {
      failure->code = "ERR_XNNLITE_INVALID_VALUE";
      failure->message = op.label + ": " + e.what();
      return false;
    }
    if (profiling_) {
      op_micros_[step.op] =
          static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count());
    }
  }
  return true;
}

std::string SessionCore::BackingChange() const {
  for (const Mapping* mapping : backing_) {
    std::string change = mapping->Changed();
    if (!change.empty()) return change;
  }
  if (cache_ && cache_->Faulted()) return "its weight cache file was truncated while in use";
  return "";
}

bool SessionCore::Profile(std::vector<std::string>* names, std::vector<uint64_t>* micros, CreateFailure* failure) const {
  for (const Step& step : plan_.steps) {
    if (step.op >= 0) {
      names->push_back(plan_.ops[step.op].label + " (reference)");
      micros->push_back(op_micros_[step.op]);
      continue;
    }
    xnn_runtime_t runtime = plan_.partitions[step.xnn].runtime;
    size_t count = 0;
    size_t size = 0;
    xnn_status status = xnn_get_runtime_profiling_info(runtime, xnn_profile_info_num_operators, sizeof(count), &count, &size);
    if (status != xnn_status_success) {
      *failure = {"xnn_get_runtime_profiling_info", status};
      return false;
    }
    // Ask for the size first: the call reports it and fails when the buffer is too small.
    xnn_get_runtime_profiling_info(runtime, xnn_profile_info_operator_name, 0, nullptr, &size);
    std::vector<char> text(size);
    std::vector<uint64_t> times(count);
    status = xnn_get_runtime_profiling_info(runtime, xnn_profile_info_operator_name, text.size(), text.data(), &size);
    if (status == xnn_status_success) {
      status = xnn_get_runtime_profiling_info(runtime, xnn_profile_info_operator_timing, count * sizeof(uint64_t), times.data(), &size);
    }
    if (status != xnn_status_success) {
      *failure = {"xnn_get_runtime_profiling_info", status};
      return false;
    }
    for (size_t i = 0, start = 0; i < count && start < text.size(); i++) {
      names->emplace_back(text.data() + start);
      micros->push_back(times[i]);
      start += names->back().size() + 1;
    }
  }
  return true;
}

}  // namespace xnnlite
