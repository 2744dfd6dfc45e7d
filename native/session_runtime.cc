#include "session_runtime.h"

#include <cstring>
#include <stdexcept>
#include <string>

#include "addon_data.h"
#include "guards.h"
#include "js_views.h"
#include "plan_reader.h"
#include "promise_worker.h"
#include "reference/program.h"
#include "xnn_error.h"

namespace xnnlite {
namespace {

using plan_reader::ArrayField;
using plan_reader::Field;
using plan_reader::IntegerField;
using plan_reader::Integers;
using plan_reader::ObjectAt;
using plan_reader::Reals;

constexpr napi_type_tag kSessionRuntimeTag = {0x2a7c9e1b3d5f7a90ULL, 0xb1c3d5e7f9a1b3c5ULL};
constexpr napi_type_tag kCoreHandOffTag = {0x5e3a1c9f7b5d3e1aULL, 0x0c2e4a6b8d0f2a4cULL};
constexpr napi_type_tag kPackedWeightsTag = {0x7d1f3b5a9c2e4f61ULL, 0x3a5c7e9f1b3d5f70ULL};
const char* const kModelChanged = "ERR_XNNLITE_MODEL_CHANGED";
constexpr int64_t kMaxBytes = int64_t{1} << 40;

void ReadTensors(const Napi::Object& plan, PlanParts* parts) {
  parts->arena_bytes = static_cast<size_t>(IntegerField(plan, "arenaBytes", 0, kMaxBytes));
  parts->constants = std::make_unique<StaticData>();
  Napi::Array tensors = ArrayField(plan, "tensors");
  const uint32_t count = tensors.Length();
  parts->tensors.resize(count);
  parts->offsets.assign(count, -1);
  parts->constant_data.assign(count, nullptr);
  parts->names.resize(count);
  for (uint32_t k = 0; k < count; k++) {
    Napi::Object t = ObjectAt(tensors, k, "tensors");
    const int64_t bytes = IntegerField(t, "bytes", 0, kMaxBytes);
    parts->tensors[k].bytes = static_cast<size_t>(bytes);
    Napi::Value name = Field(t, "name");
    parts->names[k] = name.IsString() ? name.As<Napi::String>().Utf8Value() : "tensor " + std::to_string(k);
    Napi::Value data = Field(t, "data");
    if (data.IsUndefined() || data.IsNull()) {
      const int64_t offset = IntegerField(t, "offset", 0, kMaxBytes, "tensor offset");
      if (offset + bytes > static_cast<int64_t>(parts->arena_bytes)) throw std::runtime_error("tensor " + std::to_string(k) + " lies outside the arena");
      parts->offsets[k] = offset;
      continue;
    }
    ByteView view;
    if (!GetByteView(data, &view) || view.length != static_cast<size_t>(bytes) || (view.data == nullptr && bytes > 0)) {
      throw std::runtime_error("tensor " + std::to_string(k) + ": data does not match its size");
    }
    // Data inside the model's mapping is shared, anything else copied: it must stay put for the session's life.
    parts->constant_data[k] = bytes > 0 ? parts->constants->Keep(view.data, view.length) : nullptr;
    if (bytes > 0 && parts->constant_data[k] == nullptr) throw std::bad_alloc();
  }
}

// A tensor the session writes (an output of a step, or an external): it must be in the arena.
int32_t WrittenTensor(const PlanParts& parts, int64_t id, const std::string& what) {
  if (id < 0 || id >= static_cast<int64_t>(parts.tensors.size())) throw std::runtime_error(what + " out of range");
  if (parts.offsets[id] < 0) throw std::runtime_error(what + " must be an arena tensor, not a constant");
  return static_cast<int32_t>(id);
}

void ReadExternals(const Napi::Object& plan, PlanParts* parts) {
  for (const char* side : {"inputs", "outputs"}) {
    Napi::Array list = ArrayField(plan, side);
    const uint32_t count = list.Length();
    for (uint32_t k = 0; k < count; k++) {
      Napi::Object e = ObjectAt(list, k, side);
      const int32_t tensor = WrittenTensor(*parts, IntegerField(e, "tensor", -1, kMaxBytes, "external tensor"), "external tensor");
      ExternalBuffer external;
      external.id = static_cast<uint32_t>(parts->externals.size());
      external.is_input = std::strcmp(side, "inputs") == 0;
      external.datatype = static_cast<uint32_t>(IntegerField(e, "datatype", 0, 1 << 16));
      for (int64_t d : Integers(Field(e, "shape"), "shape")) {
        if (d < 0) throw std::runtime_error("negative dimension");
        external.dims.push_back(static_cast<size_t>(d));
      }
      external.byte_length = parts->tensors[tensor].bytes;
      parts->externals.push_back(std::move(external));
      parts->external_tensors.push_back(tensor);
    }
  }
}

void ReadPartition(Napi::Env env, const Napi::Object& step, PlanParts* parts) {
  Subgraph* subgraph = Subgraph::FromValue(env, Field(step, "subgraph"));
  if (subgraph == nullptr) throw std::runtime_error("a partition step needs a Subgraph");
  if (!subgraph->IsOpen()) throw std::runtime_error("a partition's Subgraph has been disposed or used");
  XnnStep partition;
  // Each external may be read or written by XNNPACK: all must be arena tensors.
  for (int64_t id : Integers(Field(step, "externals"), "externals")) {
    partition.externals.push_back(WrittenTensor(*parts, id, "partition external"));
  }
  partition.parts = subgraph->Take();
  parts->steps.push_back({static_cast<int32_t>(parts->partitions.size()), -1});
  parts->partitions.push_back(std::move(partition));
}

void ReadKernelCall(const Napi::Object& o, PlanParts* parts) {
  reference::Op op;
  Napi::Value kernel = Field(o, "kernel"), label = Field(o, "label");
  if (!kernel.IsString() || !label.IsString()) throw std::runtime_error("kernel steps need a kernel name and a label");
  const std::string name = kernel.As<Napi::String>().Utf8Value();
  op.kernel = reference::FindKernel(name);
  op.label = label.As<Napi::String>().Utf8Value();
  if (op.kernel == nullptr) throw std::runtime_error(op.label + ": no reference kernel named " + name);
  for (int64_t id : Integers(Field(o, "inputs"), "inputs")) op.inputs.push_back(static_cast<int32_t>(id));
  for (int64_t id : Integers(Field(o, "outputs"), "outputs")) op.outputs.push_back(WrittenTensor(*parts, id, op.label + ": output"));
  op.ints = Integers(Field(o, "ints"), "ints");
  op.reals = Reals(Field(o, "reals"), "reals");
  const std::string problem = op.kernel->check(op, parts->tensors);
  if (!problem.empty()) throw std::runtime_error(op.label + ": " + name + " parameters do not fit its tensors (" + problem + ")");
  parts->steps.push_back({-1, static_cast<int32_t>(parts->ops.size())});
  parts->ops.push_back(std::move(op));
}

// Reads the whole plan; throws std::runtime_error naming what is inconsistent.
PlanParts ReadPlan(Napi::Env env, const Napi::Object& plan) {
  PlanParts parts;
  ReadTensors(plan, &parts);
  ReadExternals(plan, &parts);
  Napi::Array steps = ArrayField(plan, "steps");
  const uint32_t count = steps.Length();
  for (uint32_t k = 0; k < count; k++) {
    Napi::Object step = ObjectAt(steps, k, "steps");
    if (!Field(step, "subgraph").IsUndefined()) ReadPartition(env, step, &parts);
    else ReadKernelCall(step, &parts);
  }
  return parts;
}

// The session's workers reject with what a CreateFailure describes.
class SessionWorker : public PromiseWorker {
 protected:
  using PromiseWorker::PromiseWorker;
  void Reject(const CreateFailure& failure) {
    if (!failure.call.empty()) {
      Fail(failure.call, failure.status);
      return;
    }
    if (!failure.tensor.empty()) SetErrorField("tensor", failure.tensor);
    FailWithCode(failure.message, failure.code);
  }
};

class CreateWorker : public SessionWorker {
 public:
  CreateWorker(Napi::Env env, PlanParts plan, uint32_t threads, uint32_t flags, std::unique_ptr<CacheRequest> cache,
               std::shared_ptr<PackedWeights> packed)
      : SessionWorker(env), plan_(std::move(plan)), threads_(threads), flags_(flags), cache_(std::move(cache)), packed_(std::move(packed)),
        core_(std::make_unique<SessionCore>()) {}

 protected:
  void Run() override {
    CreateFailure failure;
    if (!core_->Create(std::move(plan_), threads_, flags_, std::move(cache_), std::move(packed_), &failure)) {
      Reject(failure);
    } else if (std::string change = core_->BackingChange(); !change.empty()) {
      FailWithCode(change, kModelChanged);
    }
  }

  Napi::Value Result(Napi::Env env) override {
    return Data(env).session_runtime_class.New({HandOff(env, std::move(core_), kCoreHandOffTag)});
  }

 private:
  PlanParts plan_;
  uint32_t threads_;
  uint32_t flags_;
  std::unique_ptr<CacheRequest> cache_;
  std::shared_ptr<PackedWeights> packed_;
  std::unique_ptr<SessionCore> core_;
};

class InvokeWorker : public SessionWorker {
 public:
  InvokeWorker(Napi::Env env, SessionRuntime* runtime, Napi::Object runtime_object, const std::vector<Napi::Value>& output_views)
      : SessionWorker(env), runtime_(runtime), core_(runtime->core()) {
    runtime_ref_ = Napi::Persistent(runtime_object);
    // Outputs are written on the JS thread once the run is done, into these views as they are then.
    for (const Napi::Value& view : output_views) outputs_.push_back(Napi::Reference<Napi::Value>::New(view, 1));
  }

 protected:
  void Run() override {
    CreateFailure failure;
    if (!core_->Invoke(&failure)) {
      Reject(failure);
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
  SessionRuntime* runtime_;
  SessionCore* core_;
  Napi::ObjectReference runtime_ref_;
  std::vector<Napi::Reference<Napi::Value>> outputs_;
};

void ThrowFailure(Napi::Env env, const CreateFailure& failure) {
  if (!failure.call.empty()) {
    MakeXnnError(env, failure.call, failure.status).ThrowAsJavaScriptException();
    return;
  }
  Napi::Error e = Napi::Error::New(env, failure.message);
  if (!failure.code.empty()) e.Set("code", Napi::String::New(env, failure.code));
  e.ThrowAsJavaScriptException();
}

}  // namespace

Napi::Function SessionRuntime::Define(Napi::Env env) {
  Napi::Function ctor = DefineClass(env, "SessionRuntime", {
      StaticMethod<&SessionRuntime::Create>("create"),
      InstanceMethod<&SessionRuntime::Externals>("externals"),
      InstanceMethod<&SessionRuntime::Profile>("profile"),
      InstanceMethod<&SessionRuntime::CacheReport>("cacheReport"),
      InstanceMethod<&SessionRuntime::PackedWeightsHandle>("packedWeights"),
      InstanceMethod<&SessionRuntime::Invoke>("invoke"),
      InstanceMethod<&SessionRuntime::InvokeAsync>("invokeAsync"),
      InstanceMethod<&SessionRuntime::Dispose>("dispose"),
  });
  DefineCheckedGetter<SessionRuntime, &SessionRuntime::IsBusy>(ctor, "busy", kSessionRuntimeTag);
  Data(env).session_runtime_class = Napi::Persistent(ctor);
  return ctor;
}

// Only CreateWorker constructs runtimes, passing the core as an External.
SessionRuntime::SessionRuntime(const Napi::CallbackInfo& info) : Napi::ObjectWrap<SessionRuntime>(info) {
  Napi::Env env = info.Env();
  core_ = TakeHandOff<SessionCore>(info, kCoreHandOffTag);
  if (!core_) XNNLITE_THROW_TYPE(env, "SessionRuntime cannot be constructed directly; use SessionRuntime.create(plan, threads, flags, cache, packed)");
  TagReceiver(info, kSessionRuntimeTag);
  reported_bytes_ = static_cast<int64_t>(core_->OwnedBytes());
  Napi::MemoryManagement::AdjustExternalMemory(env, reported_bytes_);
}

void SessionRuntime::Release(Napi::Env env) {
  if (!core_) return;
  core_.reset();
  Napi::MemoryManagement::AdjustExternalMemory(env, -reported_bytes_);
  reported_bytes_ = 0;
}

void SessionRuntime::FinishPendingDispose(Napi::Env env) {
  if (dispose_pending_) {
    dispose_pending_ = false;
    Release(env);
  }
}

// SessionRuntime.create(plan, threads, flags, cache?: { path, lockPath, fingerprint: Uint8Array(32), metadata }, packed?)
//   -> Promise<SessionRuntime>. The plan is read (and its partitions' subgraphs consumed) now; a plan that is
//   inconsistent throws a TypeError naming what. Runtimes, packing and the arena are made on the task pool.
//   Without a cache, `packed` (an earlier runtime's packedWeights()) supplies what it has packed already.
Napi::Value SessionRuntime::Create(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!EnsureInitialized(env)) return env.Undefined();
  XNNLITE_REQUIRE(env, info.Length() >= 3 && info[0].IsObject() && info[1].IsNumber() && info[2].IsNumber(),
                  "SessionRuntime.create(plan, threads, flags, cache): bad arguments");
  const double threads = info[1].As<Napi::Number>().DoubleValue();
  XNNLITE_REQUIRE(env, threads >= 1 && threads <= kMaxThreads, "SessionRuntime.create: threads must be between 1 and " + std::to_string(kMaxThreads));
  std::unique_ptr<CacheRequest> cache;
  if (info.Length() > 3 && info[3].IsObject()) {
    // Reading the request may run JS (getters): all of it is read before the plan is looked at.
    Napi::Object c = info[3].As<Napi::Object>();
    Napi::Value path = c.Get("path"), lock_path = c.Get("lockPath"), fingerprint = c.Get("fingerprint"), metadata = c.Get("metadata");
    if (env.IsExceptionPending()) return env.Undefined();
    ByteView digest;
    XNNLITE_REQUIRE(env, path.IsString() && lock_path.IsString() && GetByteView(fingerprint, &digest),
                    "SessionRuntime.create: cache needs path, lockPath and a 32-byte fingerprint");
    XNNLITE_REQUIRE(env, digest.length == 32 && digest.data != nullptr, "SessionRuntime.create: the cache fingerprint must be 32 bytes");
    cache = std::make_unique<CacheRequest>();
    std::memcpy(cache->fingerprint, digest.data, 32);
    cache->path = path.As<Napi::String>().Utf8Value();
    cache->lock_path = lock_path.As<Napi::String>().Utf8Value();
    if (metadata.IsString()) cache->metadata = metadata.As<Napi::String>().Utf8Value();
  }
  std::shared_ptr<PackedWeights> packed;
  if (info.Length() > 4 && !info[4].IsUndefined()) {
    bool tagged = false;
    XNNLITE_REQUIRE(env, info[4].IsExternal() && napi_check_object_type_tag(env, info[4], &kPackedWeightsTag, &tagged) == napi_ok && tagged,
                    "SessionRuntime.create: packed must come from a runtime's packedWeights()");
    packed = *info[4].As<Napi::External<std::shared_ptr<PackedWeights>>>().Data();
  }
  PlanParts plan;
  try {
    plan = ReadPlan(env, info[0].As<Napi::Object>());
  } catch (const std::bad_alloc&) {
    if (!env.IsExceptionPending()) Napi::Error::New(env, "SessionRuntime.create: out of memory").ThrowAsJavaScriptException();
    return env.Undefined();
  } catch (const std::exception& e) {
    if (!env.IsExceptionPending()) Napi::TypeError::New(env, std::string("SessionRuntime.create: ") + e.what()).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (env.IsExceptionPending()) return env.Undefined();
  return PromiseWorker::Start(new CreateWorker(env, std::move(plan), static_cast<uint32_t>(threads), info[2].As<Napi::Number>().Uint32Value(),
                                               std::move(cache), std::move(packed)));
}

// externals() -> [{ id, input, datatype, shape, byteLength }]: the session's inputs, then its outputs.
Napi::Value SessionRuntime::Externals(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  XNNLITE_REQUIRE_OPEN(env, core_ != nullptr && !dispose_pending_, "Runtime");
  return DescribeExternals(env, core_->externals());
}

// profile() -> [{ name, microseconds }] for each operator of the last inference, in step order.
Napi::Value SessionRuntime::Profile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!EnsureUsable(env)) return env.Undefined();
  std::vector<std::string> names;
  std::vector<uint64_t> micros;
  CreateFailure failure;
  if (!core_->Profile(&names, &micros, &failure)) {
    ThrowFailure(env, failure);
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

// packedWeights() -> an opaque handle to the weights this runtime packed in memory (without a cache file),
//   which keeps them for SessionRuntime.create after this runtime is disposed: { handle, bytes, packed } (`packed`:
//   how many buffers this runtime packed rather than found there). Undefined with a cache file, or nothing packed.
Napi::Value SessionRuntime::PackedWeightsHandle(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  XNNLITE_REQUIRE_OPEN(env, core_ != nullptr && !dispose_pending_, "Runtime");
  const std::shared_ptr<PackedWeights>& packed = core_->packed();
  if (!packed) return env.Undefined();
  auto handle = Napi::External<std::shared_ptr<PackedWeights>>::New(env, new std::shared_ptr<PackedWeights>(packed),
                                                                    [](Napi::Env, std::shared_ptr<PackedWeights>* p) { delete p; });
  napi_type_tag_object(env, handle, &kPackedWeightsTag);
  Napi::Object result = Napi::Object::New(env);
  result.Set("handle", handle);
  result.Set("bytes", Napi::Number::New(env, static_cast<double>(packed->bytes())));
  result.Set("packed", Napi::Number::New(env, static_cast<double>(packed->packed())));
  return result;
}

// cacheReport() -> { state, warnings, bytes, misses } or undefined without a cache.
Napi::Value SessionRuntime::CacheReport(const Napi::CallbackInfo& info) {
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
Napi::Value SessionRuntime::Invoke(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!EnsureUsable(env)) return env.Undefined();
  BoundViews views;
  if (!ReadViews(info, LayoutOf(core_->externals()), &views) || !EnsureUsable(env)) return env.Undefined();
  CopyInputs(core_->externals(), views);
  CreateFailure failure;
  if (!core_->Invoke(&failure)) {
    ThrowFailure(env, failure);
    return env.Undefined();
  }
  if (std::string change = core_->BackingChange(); !change.empty()) {
    ThrowFailure(env, {"", xnn_status_success, change, kModelChanged, ""});
    return env.Undefined();
  }
  CopyOutputs(core_->externals(), views.outputs);
  return env.Undefined();
}

// invokeAsync(inputs, outputs) -> Promise<void>: inputs are copied now, the
// inference runs on the task pool, and the outputs are written into
// `outputs` on the JS thread when it is done.
Napi::Value SessionRuntime::InvokeAsync(const Napi::CallbackInfo& info) {
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

Napi::Value SessionRuntime::Dispose(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (busy_) {
    dispose_pending_ = true;
  } else {
    Release(env);
  }
  return env.Undefined();
}

bool SessionRuntime::EnsureIdle(Napi::Env env) { return !busy_ || ThrowBusy(env); }

bool SessionRuntime::EnsureUsable(Napi::Env env) {
  if (core_ == nullptr || dispose_pending_) return ThrowDisposed(env, "Runtime");
  return EnsureIdle(env);
}

Napi::Value SessionRuntime::IsBusy(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), busy_); }

}  // namespace xnnlite
