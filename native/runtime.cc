#include "runtime.h"

#include <cstdlib>
#include <cstring>

#include "addon_data.h"
#include "datatype.h"
#include "guards.h"
#include "js_views.h"
#include "promise_worker.h"
#include "xnn_error.h"

namespace xnnlite {
namespace {

constexpr size_t kBufferAlignment = 64;
constexpr napi_type_tag kRuntimeTag = {0x2a7c9e1b3d5f7a90ULL, 0xb1c3d5e7f9a1b3c5ULL};
constexpr napi_type_tag kCoreHandOffTag = {0x5e3a1c9f7b5d3e1aULL, 0x0c2e4a6b8d0f2a4cULL};
const char* const kModelChanged = "ERR_XNNLITE_MODEL_CHANGED";

void* AllocatePadded(size_t bytes) {
  // XNNPACK may read up to XNN_EXTRA_BYTES past the end of an input.
  size_t size = (bytes + XNN_EXTRA_BYTES + kBufferAlignment - 1) / kBufferAlignment * kBufferAlignment;
  void* data = std::aligned_alloc(kBufferAlignment, size);
  if (data != nullptr) std::memset(data, 0, size);
  return data;
}

}  // namespace

RuntimeCore::~RuntimeCore() {
  if (runtime_ != nullptr) xnn_delete_runtime(runtime_);
  cache_.reset();
  lazy_.reset();
  if (threadpool_ != nullptr) pthreadpool_destroy(threadpool_);
  for (ExternalBuffer& external : externals_) std::free(external.data);
}

size_t RuntimeCore::OwnedBytes() const {
  size_t total = 0;
  for (const ExternalBuffer& external : externals_) total += external.byte_length + XNN_EXTRA_BYTES;
  return total;
}

bool RuntimeCore::Create(SubgraphParts parts, uint32_t threads, uint32_t flags, std::unique_ptr<CacheRequest> cache,
                         XnnFailure* failure) {
  static_data_ = std::move(parts.static_data);
  lazy_ = std::move(parts.lazy);
  if (cache) {
    cache_ = std::make_unique<WeightCacheProvider>(std::move(*cache), std::move(parts.static_ids), lazy_.get());
    cache_->Prepare();
  }
  // Without a cache every weight is packed, so every lazy weight is needed.
  // With the sparse hint, XNNPACK reads weights (to count their zeros) before
  // it asks the cache for any packed copy.
  if (lazy_ && (!cache_ || (flags & XNN_FLAG_HINT_SPARSE_INFERENCE) != 0)) lazy_->FillAll();
  threads_ = threads == 0 ? 1 : threads;
  if (threads_ > 1) {
    threadpool_ = pthreadpool_create(threads_);
    if (threadpool_ == nullptr) {
      xnn_delete_subgraph(parts.subgraph);
      *failure = {"pthreadpool_create", xnn_status_out_of_memory};
      return false;
    }
  }
  xnn_status status =
      xnn_create_runtime_v4(parts.subgraph, cache_ ? cache_->provider() : nullptr, nullptr, threadpool_, flags, &runtime_);
  xnn_delete_subgraph(parts.subgraph);
  // Weights packed from a model file that changed meanwhile must not reach a
  // cache file, where they would serve every later start of the real model.
  if (cache_) cache_->Finish(status == xnn_status_success && (!static_data_ || static_data_->Changed().empty()));
  // Packed copies exist now; the float32 forms of lazy weights are no longer read.
  if (lazy_) lazy_->ReleasePages();
  if (status != xnn_status_success) {
    runtime_ = nullptr;
    *failure = {"xnn_create_runtime_v4", status};
    return false;
  }
  status = xnn_reshape_runtime(runtime_);
  if (status != xnn_status_success) {
    *failure = {"xnn_reshape_runtime", status};
    return false;
  }
  std::vector<xnn_external_value> bindings;
  for (const auto& [id, value] : parts.externals) {
    ExternalBuffer external;
    external.id = id;
    external.is_input = (value.flags & XNN_VALUE_FLAG_EXTERNAL_INPUT) != 0;
    external.datatype = static_cast<uint32_t>(value.datatype);
    size_t num_dims = 0;
    size_t dims[XNN_MAX_TENSOR_DIMS];
    status = xnn_get_external_value_shape(runtime_, id, &num_dims, dims);
    if (status != xnn_status_success) {
      *failure = {"xnn_get_external_value_shape", status};
      return false;
    }
    external.dims.assign(dims, dims + num_dims);
    size_t elements = 1;
    for (size_t d : external.dims) elements *= d;
    external.byte_length = elements * ElementSize(value.datatype);
    external.data = AllocatePadded(external.byte_length);
    if (external.data == nullptr) {
      *failure = {"aligned_alloc", xnn_status_out_of_memory};
      return false;
    }
    bindings.push_back({id, external.data});
    externals_.push_back(std::move(external));
  }
  status = xnn_setup_runtime_v2(runtime_, bindings.size(), bindings.data());
  if (status != xnn_status_success) {
    *failure = {"xnn_setup_runtime_v2", status};
    return false;
  }
  return true;
}

bool RuntimeCore::Profile(std::vector<std::string>* names, std::vector<uint64_t>* micros, XnnFailure* failure) const {
  size_t count = 0;
  size_t size = 0;
  xnn_status status = xnn_get_runtime_profiling_info(runtime_, xnn_profile_info_num_operators, sizeof(count), &count, &size);
  if (status != xnn_status_success) {
    *failure = {"xnn_get_runtime_profiling_info", status};
    return false;
  }
  // Ask for the size first: the call reports it and fails when the buffer is too small.
  xnn_get_runtime_profiling_info(runtime_, xnn_profile_info_operator_name, 0, nullptr, &size);
  std::vector<char> text(size);
  micros->resize(count);
  status = xnn_get_runtime_profiling_info(runtime_, xnn_profile_info_operator_name, text.size(), text.data(), &size);
  if (status == xnn_status_success) {
    status = xnn_get_runtime_profiling_info(runtime_, xnn_profile_info_operator_timing, count * sizeof(uint64_t), micros->data(), &size);
  }
  if (status != xnn_status_success) {
    *failure = {"xnn_get_runtime_profiling_info", status};
    return false;
  }
  for (size_t i = 0, start = 0; i < count && start < text.size(); i++) {
    names->emplace_back(text.data() + start);
    start += names->back().size() + 1;
  }
  return true;
}

std::string RuntimeCore::BackingChange() const {
  std::string change = static_data_ ? static_data_->Changed() : "";
  if (change.empty() && cache_ && cache_->Faulted()) change = "its weight cache file was truncated while in use";
  return change;
}

bool RuntimeCore::Invoke(XnnFailure* failure) {
  xnn_status status = xnn_invoke_runtime(runtime_);
  if (status != xnn_status_success) {
    *failure = {"xnn_invoke_runtime", status};
    return false;
  }
  return true;
}

namespace {

class CreateRuntimeWorker : public PromiseWorker {
 public:
  CreateRuntimeWorker(Napi::Env env, SubgraphParts parts, uint32_t threads, uint32_t flags, std::unique_ptr<CacheRequest> cache)
      : PromiseWorker(env),
        parts_(std::move(parts)),
        threads_(threads),
        flags_(flags),
        cache_(std::move(cache)),
        core_(std::make_unique<RuntimeCore>()) {}

  ~CreateRuntimeWorker() override {
    if (parts_.subgraph != nullptr) xnn_delete_subgraph(parts_.subgraph);
  }

 protected:
  void Run() override {
    XnnFailure failure;
    SubgraphParts parts = std::move(parts_);
    parts_.subgraph = nullptr;  // consumed by Create, whatever happens
    if (!core_->Create(std::move(parts), threads_, flags_, std::move(cache_), &failure)) {
      Fail(failure.call, failure.status);
    } else if (std::string change = core_->BackingChange(); !change.empty()) {
      FailWithCode(change, kModelChanged);
    }
  }

  Napi::Value Result(Napi::Env env) override {
    return Data(env).runtime_class.New({HandOff(env, std::move(core_), kCoreHandOffTag)});
  }

 private:
  SubgraphParts parts_;
  uint32_t threads_;
  uint32_t flags_;
  std::unique_ptr<CacheRequest> cache_;
  std::unique_ptr<RuntimeCore> core_;
};

class InvokeWorker : public PromiseWorker {
 public:
  InvokeWorker(Napi::Env env, Runtime* runtime, Napi::Object runtime_object, const std::vector<Napi::Value>& output_views)
      : PromiseWorker(env), runtime_(runtime), core_(runtime->core()) {
    runtime_ref_ = Napi::Persistent(runtime_object);
    // Outputs are written on the JS thread once the run is done, into these views as they are then.
    for (const Napi::Value& view : output_views) outputs_.push_back(Napi::Reference<Napi::Value>::New(view, 1));
  }

 protected:
  void Run() override {
    XnnFailure failure;
    if (!core_->Invoke(&failure)) {
      Fail(failure.call, failure.status);
    } else if (std::string change = core_->BackingChange(); !change.empty()) {
      FailWithCode(change, kModelChanged);
    }
  }

  bool Complete(Napi::Env env, std::string* error) override { return CopyOutputsToViews(env, core_->externals(), outputs_, error); }

  Napi::Value Result(Napi::Env env) override { return env.Undefined(); }

  void Finish(Napi::Env env) override {
    runtime_->SetBusy(false);
    runtime_->FinishPendingDispose(env);
  }

 private:
  Runtime* runtime_;
  RuntimeCore* core_;
  Napi::ObjectReference runtime_ref_;
  std::vector<Napi::Reference<Napi::Value>> outputs_;
};

}  // namespace

Napi::Function Runtime::Define(Napi::Env env) {
  Napi::Function ctor = DefineClass(env, "Runtime", {
      StaticMethod<&Runtime::Create>("create"),
      InstanceMethod<&Runtime::Externals>("externals"),
      InstanceMethod<&Runtime::Profile>("profile"),
      InstanceMethod<&Runtime::CacheReport>("cacheReport"),
      InstanceMethod<&Runtime::Invoke>("invoke"),
      InstanceMethod<&Runtime::InvokeAsync>("invokeAsync"),
      InstanceMethod<&Runtime::Dispose>("dispose"),
  });
  DefineCheckedGetter<Runtime, &Runtime::IsBusy>(ctor, "busy", kRuntimeTag);
  return ctor;
}

// Only CreateRuntimeWorker constructs runtimes, passing the core as an External.
Runtime::Runtime(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Runtime>(info) {
  Napi::Env env = info.Env();
  core_ = TakeHandOff<RuntimeCore>(info, kCoreHandOffTag);
  if (!core_) XNNLITE_THROW_TYPE(env, "Runtime cannot be constructed directly; use Runtime.create(subgraph, options)");
  TagReceiver(info, kRuntimeTag);
  reported_bytes_ = static_cast<int64_t>(core_->OwnedBytes());
  Napi::MemoryManagement::AdjustExternalMemory(env, reported_bytes_);
}

void Runtime::Release(Napi::Env env) {
  if (!core_) return;
  core_.reset();
  Napi::MemoryManagement::AdjustExternalMemory(env, -reported_bytes_);
  reported_bytes_ = 0;
}

void Runtime::FinishPendingDispose(Napi::Env env) {
  if (dispose_pending_) {
    dispose_pending_ = false;
    Release(env);
  }
}

// Runtime.create(subgraph, threads, flags, cache?: { path, lockPath, fingerprint: Uint8Array(32), metadata })
//   -> Promise<Runtime>
Napi::Value Runtime::Create(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!EnsureInitialized(env)) return env.Undefined();
  XNNLITE_REQUIRE(env, info.Length() >= 3 && info[0].IsObject() && info[1].IsNumber() && info[2].IsNumber(),
                  "Runtime.create(subgraph, threads, flags, cache): bad arguments");
  XNNLITE_REQUIRE(env, info[1].As<Napi::Number>().DoubleValue() >= 1 && info[1].As<Napi::Number>().DoubleValue() <= kMaxThreads,
                  "Runtime.create: threads must be between 1 and " + std::to_string(kMaxThreads));
  std::unique_ptr<CacheRequest> cache;
  if (info.Length() > 3 && info[3].IsObject()) {
    // Reading the request may run JS (getters): all of it is read before the subgraph is looked at.
    Napi::Object c = info[3].As<Napi::Object>();
    Napi::Value path = c.Get("path"), lock_path = c.Get("lockPath"), fingerprint = c.Get("fingerprint"), metadata = c.Get("metadata");
    if (env.IsExceptionPending()) return env.Undefined();
    ByteView digest;
    XNNLITE_REQUIRE(env, path.IsString() && lock_path.IsString() && GetByteView(fingerprint, &digest),
                    "Runtime.create: cache needs path, lockPath and a 32-byte fingerprint");
    XNNLITE_REQUIRE(env, digest.length == 32 && digest.data != nullptr, "Runtime.create: the cache fingerprint must be 32 bytes");
    cache = std::make_unique<CacheRequest>();
    std::memcpy(cache->fingerprint, digest.data, 32);
    cache->path = path.As<Napi::String>().Utf8Value();
    cache->lock_path = lock_path.As<Napi::String>().Utf8Value();
    if (metadata.IsString()) cache->metadata = metadata.As<Napi::String>().Utf8Value();
  }
  Subgraph* subgraph = Subgraph::FromValue(env, info[0]);
  XNNLITE_REQUIRE(env, subgraph != nullptr, "Runtime.create: first argument must be a Subgraph");
  XNNLITE_REQUIRE_OPEN(env, subgraph->IsOpen(), "Subgraph");
  auto* worker = new CreateRuntimeWorker(env, subgraph->Take(), info[1].As<Napi::Number>().Uint32Value(),
                                         info[2].As<Napi::Number>().Uint32Value(), std::move(cache));
  return PromiseWorker::Start(worker);
}

// externals() -> [{ id, input, datatype, shape, byteLength }]
Napi::Value Runtime::Externals(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  XNNLITE_REQUIRE_OPEN(env, core_ != nullptr && !dispose_pending_, "Runtime");
  return DescribeExternals(env, core_->externals());
}

// profile() -> [{ name, microseconds }] for each operator of the last inference.
Napi::Value Runtime::Profile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  XNNLITE_REQUIRE_OPEN(env, core_ != nullptr && !dispose_pending_, "Runtime");
  if (!EnsureIdle(env)) return env.Undefined();
  std::vector<std::string> names;
  std::vector<uint64_t> micros;
  XnnFailure failure;
  if (!core_->Profile(&names, &micros, &failure)) {
    MakeXnnError(env, failure.call, failure.status).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Array result = Napi::Array::New(env, names.size());
  for (size_t i = 0; i < names.size(); i++) {
    Napi::Object item = Napi::Object::New(env);
    item.Set("name", names[i]);
    item.Set("microseconds", Napi::Number::New(env, static_cast<double>(micros[i])));
    result.Set(static_cast<uint32_t>(i), item);
  }
  return result;
}

// cacheReport() -> { state, warnings, bytes, misses } or undefined without a cache.
Napi::Value Runtime::CacheReport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  XNNLITE_REQUIRE_OPEN(env, core_ != nullptr && !dispose_pending_, "Runtime");
  const WeightCacheProvider* cache = core_->cache();
  if (cache == nullptr) return env.Undefined();
  const xnnlite::CacheReport& r = cache->report();
  Napi::Object result = Napi::Object::New(env);
  result.Set("state", r.state);
  Napi::Array warnings = Napi::Array::New(env, r.warnings.size());
  for (size_t i = 0; i < r.warnings.size(); i++) warnings.Set(static_cast<uint32_t>(i), r.warnings[i]);
  result.Set("warnings", warnings);
  result.Set("bytes", Napi::Number::New(env, static_cast<double>(r.bytes)));
  result.Set("misses", Napi::Number::New(env, static_cast<double>(r.misses)));
  return result;
}

// invoke(inputs: ArrayBufferView[], outputs: ArrayBufferView[]): runs on the calling thread.
Napi::Value Runtime::Invoke(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!EnsureUsable(env)) return env.Undefined();
  BoundViews views;
  if (!ReadViews(info, LayoutOf(core_->externals()), &views) || !EnsureUsable(env)) return env.Undefined();
  CopyInputs(core_->externals(), views);
  XnnFailure failure;
  if (!core_->Invoke(&failure)) {
    MakeXnnError(env, failure.call, failure.status).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (std::string change = core_->BackingChange(); !change.empty()) {
    Napi::Error e = Napi::Error::New(env, change);
    e.Set("code", Napi::String::New(env, kModelChanged));
    e.ThrowAsJavaScriptException();
    return env.Undefined();
  }
  CopyOutputs(core_->externals(), views.outputs);
  return env.Undefined();
}

// invokeAsync(inputs, outputs) -> Promise<void>: inputs are copied now, the
// inference runs on the task pool, and the outputs are written into
// `outputs` on the JS thread when it is done.
Napi::Value Runtime::InvokeAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!EnsureUsable(env)) return env.Undefined();
  BoundViews views;
  if (!ReadViews(info, LayoutOf(core_->externals()), &views) || !EnsureUsable(env)) return env.Undefined();
  CopyInputs(core_->externals(), views);
  // Busy before starting: a start that fails settles at once and clears it.
  busy_ = true;
  Napi::Value promise = PromiseWorker::Start(new InvokeWorker(env, this, Value(), views.output_values));
  // Nothing was queued when no promise could be made (a worker thread being terminated).
  if (!promise.IsPromise()) busy_ = false;
  return promise;
}

Napi::Value Runtime::Dispose(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (busy_) {
    dispose_pending_ = true;
  } else {
    Release(env);
  }
  return env.Undefined();
}

bool Runtime::EnsureIdle(Napi::Env env) { return !busy_ || ThrowBusy(env); }

bool Runtime::EnsureUsable(Napi::Env env) {
  if (core_ == nullptr || dispose_pending_) return ThrowDisposed(env, "Runtime");
  return EnsureIdle(env);
}

Napi::Value Runtime::IsBusy(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), busy_); }

}  // namespace xnnlite
