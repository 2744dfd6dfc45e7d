#include "runtime.h"

#include <chrono>
#include <stdexcept>
#include <cstring>
#include <utility>

#include "../addon_data.h"
#include "../guards.h"
#include "../js_views.h"
#include "../promise_worker.h"

namespace xnnlite::reference {
namespace {

// The code of the error an inference fails with when a kernel throws KernelError.
const char* const kInvalidValue = "ERR_XNNLITE_INVALID_VALUE";

// Typed reads of the program object. Lib builds it; a malformed one (from a
// direct caller of the binding) is a std::runtime_error, never a crash.
Napi::Value Field(const Napi::Object& object, const char* key) {
  Napi::Value value = object.Get(key);
  if (object.Env().IsExceptionPending()) throw std::runtime_error(std::string("reading ") + key + " threw");
  return value;
}

Napi::Array ArrayField(const Napi::Object& object, const char* key) {
  Napi::Value value = Field(object, key);
  if (!value.IsArray()) throw std::runtime_error(std::string(key) + " must be an array");
  return value.As<Napi::Array>();
}

Napi::Object ObjectAt(const Napi::Array& array, uint32_t k, const char* what) {
  Napi::Value value = array.Get(k);
  if (array.Env().IsExceptionPending()) throw std::runtime_error(std::string("reading ") + what + " threw");
  if (!value.IsObject()) throw std::runtime_error(std::string(what) + " must be objects");
  return value.As<Napi::Object>();
}

double NumberField(const Napi::Object& object, const char* key) {
  Napi::Value value = Field(object, key);
  if (!value.IsNumber()) throw std::runtime_error(std::string(key) + " must be a number");
  return value.As<Napi::Number>().DoubleValue();
}

std::vector<double> Reals(const Napi::Value& value, const char* what) {
  if (!value.IsArray()) throw std::runtime_error(std::string(what) + " must be an array");
  Napi::Array array = value.As<Napi::Array>();
  // The length is read once: a getter on an element may change it.
  const uint32_t n = array.Length();
  std::vector<double> out(n);
  for (uint32_t k = 0; k < n; k++) {
    Napi::Value v = array.Get(k);
    if (!v.IsNumber()) throw std::runtime_error(std::string(what) + " must hold numbers");
    out[k] = v.As<Napi::Number>().DoubleValue();
  }
  return out;
}

std::vector<int64_t> Integers(const Napi::Value& value, const char* what) {
  std::vector<int64_t> out;
  for (double d : Reals(value, what)) {
    if (!(d >= -9007199254740991.0 && d <= 9007199254740991.0) || d != static_cast<double>(static_cast<int64_t>(d))) {
      throw std::runtime_error(std::string(what) + " must hold integers");
    }
    out.push_back(static_cast<int64_t>(d));
  }
  return out;
}

int64_t IntegerField(const Napi::Object& object, const char* key, int64_t lo, int64_t hi, const char* what = nullptr) {
  const double d = NumberField(object, key);
  if (!(d >= static_cast<double>(lo) && d <= static_cast<double>(hi)) || d != static_cast<double>(static_cast<int64_t>(d))) {
    throw std::runtime_error(std::string(what != nullptr ? what : key) + " out of range");
  }
  return static_cast<int64_t>(d);
}

// Builds the graph from its JS description; throws std::runtime_error naming what is inconsistent.
std::unique_ptr<Graph> Parse(const Napi::Object& program) {
  auto graph = std::make_unique<Graph>();
  Napi::Array tensors = ArrayField(program, "tensors");
  // Lengths are read once: a getter on an element may change them.
  const uint32_t tensor_count = tensors.Length();
  graph->tensors.resize(tensor_count);
  for (uint32_t k = 0; k < tensor_count; k++) {
    Napi::Object t = ObjectAt(tensors, k, "tensors");
    Tensor& tensor = graph->tensors[k];
    tensor.bytes = static_cast<size_t>(IntegerField(t, "bytes", 0, int64_t{1} << 40));
    tensor.storage.assign(tensor.bytes + 16, 0);  // a little slack: no kernel reads past, but a zero-size tensor still has an address
    Napi::Value data = Field(t, "data");
    if (!data.IsUndefined() && !data.IsNull()) {
      ByteView view;
      if (!GetByteView(data, &view) || view.length != tensor.bytes || (view.data == nullptr && tensor.bytes > 0)) {
        throw std::runtime_error("tensor " + std::to_string(k) + ": data does not match its size");
      }
      if (tensor.bytes > 0) std::memcpy(tensor.storage.data(), view.data, tensor.bytes);
    }
  }
  for (const char* side : {"inputs", "outputs"}) {
    Napi::Array list = ArrayField(program, side);
    const uint32_t count = list.Length();
    for (uint32_t k = 0; k < count; k++) {
      Napi::Object e = ObjectAt(list, k, side);
      const int64_t tensor = IntegerField(e, "tensor", 0, static_cast<int64_t>(graph->tensors.size()) - 1, "external tensor");
      ExternalBuffer external;
      external.id = static_cast<uint32_t>(graph->externals.size());
      external.is_input = std::strcmp(side, "inputs") == 0;
      external.datatype = static_cast<uint32_t>(IntegerField(e, "datatype", 0, 1 << 16));
      for (int64_t d : Integers(Field(e, "shape"), "shape")) {
        if (d < 0) throw std::runtime_error("negative dimension");
        external.dims.push_back(static_cast<size_t>(d));
      }
      external.byte_length = graph->tensors[tensor].bytes;
      external.data = graph->tensors[tensor].data();
      graph->externals.push_back(std::move(external));
    }
  }
  Napi::Array ops = ArrayField(program, "ops");
  const uint32_t op_count = ops.Length();
  for (uint32_t k = 0; k < op_count; k++) {
    Napi::Object o = ObjectAt(ops, k, "ops");
    Op op;
    Napi::Value kernel = Field(o, "kernel"), label = Field(o, "label");
    if (!kernel.IsString() || !label.IsString()) throw std::runtime_error("ops need a kernel name and a label");
    std::string name = kernel.As<Napi::String>().Utf8Value();
    op.kernel = FindKernel(name);
    op.label = label.As<Napi::String>().Utf8Value();
    if (op.kernel == nullptr) throw std::runtime_error(op.label + ": no reference kernel named " + name);
    for (int64_t id : Integers(Field(o, "inputs"), "inputs")) op.inputs.push_back(static_cast<int32_t>(id));
    for (int64_t id : Integers(Field(o, "outputs"), "outputs")) op.outputs.push_back(static_cast<int32_t>(id));
    op.ints = Integers(Field(o, "ints"), "ints");
    op.reals = Reals(Field(o, "reals"), "reals");
    std::string problem = op.kernel->check(op, graph->tensors);
    if (!problem.empty()) throw std::runtime_error(op.label + ": " + name + " parameters do not fit its tensors (" + problem + ")");
    graph->ops.push_back(std::move(op));
  }
  graph->micros.assign(graph->ops.size(), 0);
  return graph;
}

class InvokeWorker : public PromiseWorker {
 public:
  InvokeWorker(Napi::Env env, ReferenceRuntime* runtime, Napi::Object self, const std::vector<Napi::Value>& output_views)
      : PromiseWorker(env), runtime_(runtime), graph_(runtime->graph()) {
    self_ = Napi::Persistent(self);
    for (const Napi::Value& view : output_views) outputs_.push_back(Napi::Reference<Napi::Value>::New(view, 1));
  }

 protected:
  void Run() override {
    try {
      graph_->Invoke();
    } catch (const KernelError& e) {
      FailWithCode(e.what(), kInvalidValue);
    }
  }
  bool Complete(Napi::Env env, std::string* error) override { return CopyOutputsToViews(env, graph_->externals, outputs_, error); }
  Napi::Value Result(Napi::Env env) override { return env.Undefined(); }
  void Finish(Napi::Env) override {
    runtime_->SetBusy(false);
    runtime_->FinishPendingDispose();
  }

 private:
  ReferenceRuntime* runtime_;
  Graph* graph_;
  Napi::ObjectReference self_;
  std::vector<Napi::Reference<Napi::Value>> outputs_;
};

constexpr napi_type_tag kReferenceRuntimeTag = {0x4c6e8a0b2d4f6a81ULL, 0x93b5d7f9a1c3e5f7ULL};
constexpr napi_type_tag kGraphHandOffTag = {0x7a9c1e3f5b7d9f1bULL, 0x2d4f6a8c0e2a4c6eULL};

}  // namespace

Graph::~Graph() {
  if (pool != nullptr) pthreadpool_destroy(pool);
}

namespace {

struct TaskContext {
  const Op* op;
  Tensors* tensors;
};

void RunTask(void* context, size_t task) {
  auto* c = static_cast<TaskContext*>(context);
  c->op->kernel->task(*c->op, *c->tensors, task);
}

}  // namespace

void Graph::Invoke() {
  for (size_t k = 0; k < ops.size(); k++) {
    auto start = std::chrono::steady_clock::now();
    const Kernel* kernel = ops[k].kernel;
    try {
      if (kernel->validate != nullptr) kernel->validate(ops[k], tensors);
      if (pool == nullptr || kernel->tasks == nullptr) kernel->run(ops[k], tensors);
    } catch (const KernelError& e) {
      throw KernelError(ops[k].label + ": " + e.what());
    }
    if (pool != nullptr && kernel->tasks != nullptr) {
      TaskContext context{&ops[k], &tensors};
      // Workers sleep between operators instead of spinning: other sessions and processes share the CPU.
      pthreadpool_parallelize_1d(pool, RunTask, &context, kernel->tasks(ops[k]), PTHREADPOOL_FLAG_YIELD_WORKERS);
    }
    micros[k] = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count());
  }
}

Napi::Function ReferenceRuntime::Define(Napi::Env env) {
  Napi::Function ctor = DefineClass(env, "ReferenceRuntime", {
      StaticMethod<&ReferenceRuntime::Create>("create"),
      InstanceMethod<&ReferenceRuntime::Externals>("externals"),
      InstanceMethod<&ReferenceRuntime::Profile>("profile"),
      InstanceMethod<&ReferenceRuntime::CacheReport>("cacheReport"),
      InstanceMethod<&ReferenceRuntime::Invoke>("invoke"),
      InstanceMethod<&ReferenceRuntime::InvokeAsync>("invokeAsync"),
      InstanceMethod<&ReferenceRuntime::Dispose>("dispose"),
  });
  DefineCheckedGetter<ReferenceRuntime, &ReferenceRuntime::IsBusy>(ctor, "busy", kReferenceRuntimeTag);
  Data(env).reference_runtime_class = Napi::Persistent(ctor);
  return ctor;
}

ReferenceRuntime::ReferenceRuntime(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ReferenceRuntime>(info) {
  graph_ = TakeHandOff<Graph>(info, kGraphHandOffTag);
  if (!graph_) {
    Napi::TypeError::New(info.Env(), "ReferenceRuntime cannot be constructed directly; use ReferenceRuntime.create(program)").ThrowAsJavaScriptException();
    return;
  }
  TagReceiver(info, kReferenceRuntimeTag);
}

// create(program, threads) -> ReferenceRuntime; throws a TypeError naming what in the program is inconsistent.
Napi::Value ReferenceRuntime::Create(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) {
    Napi::TypeError::New(env, "ReferenceRuntime.create(program): expected an object").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const double requested = info.Length() > 1 && info[1].IsNumber() ? info[1].As<Napi::Number>().DoubleValue() : 1;
  if (!(requested >= 1 && requested <= kMaxThreads)) {
    Napi::TypeError::New(env, "ReferenceRuntime.create: threads must be between 1 and " + std::to_string(kMaxThreads)).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const auto threads = static_cast<uint32_t>(requested);
  std::unique_ptr<Graph> graph;
  try {
    graph = Parse(info[0].As<Napi::Object>());
    if (threads > 1) {
      graph->pool = pthreadpool_create(threads);
      if (graph->pool == nullptr) throw std::bad_alloc();
    }
  } catch (const std::bad_alloc&) {
    Napi::Error::New(env, "ReferenceRuntime.create: out of memory").ThrowAsJavaScriptException();
    return env.Undefined();
  } catch (const std::exception& e) {
    Napi::TypeError::New(env, std::string("ReferenceRuntime.create: ") + e.what()).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return Data(env).reference_runtime_class.New({HandOff(env, std::move(graph), kGraphHandOffTag)});
}

Napi::Value ReferenceRuntime::Externals(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  XNNLITE_REQUIRE_OPEN(env, graph_ != nullptr && !dispose_pending_, "Runtime");
  return DescribeExternals(env, graph_->externals);
}

Napi::Value ReferenceRuntime::Profile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!EnsureUsable(env)) return env.Undefined();
  Napi::Array result = Napi::Array::New(env, graph_->ops.size());
  for (size_t i = 0; i < graph_->ops.size(); i++) {
    Napi::Object item = Napi::Object::New(env);
    item.Set("name", graph_->ops[i].label + " (reference)");
    item.Set("microseconds", Napi::Number::New(env, static_cast<double>(graph_->micros[i])));
    result.Set(static_cast<uint32_t>(i), item);
  }
  return result;
}

Napi::Value ReferenceRuntime::CacheReport(const Napi::CallbackInfo& info) { return info.Env().Undefined(); }

Napi::Value ReferenceRuntime::Invoke(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!EnsureUsable(env)) return env.Undefined();
  BoundViews views;
  if (!ReadViews(info, LayoutOf(graph_->externals), &views) || !EnsureUsable(env)) return env.Undefined();
  CopyInputs(graph_->externals, views);
  try {
    graph_->Invoke();
  } catch (const KernelError& e) {
    Napi::Error error = Napi::Error::New(env, e.what());
    error.Set("code", Napi::String::New(env, kInvalidValue));
    error.ThrowAsJavaScriptException();
    return env.Undefined();
  }
  CopyOutputs(graph_->externals, views.outputs);
  return env.Undefined();
}

Napi::Value ReferenceRuntime::InvokeAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!EnsureUsable(env)) return env.Undefined();
  BoundViews views;
  if (!ReadViews(info, LayoutOf(graph_->externals), &views) || !EnsureUsable(env)) return env.Undefined();
  CopyInputs(graph_->externals, views);
  // Busy before starting: a start that fails settles at once and clears it.
  busy_ = true;
  Napi::Value promise = PromiseWorker::Start(new InvokeWorker(env, this, Value(), views.output_values));
  // Nothing was queued when no promise could be made (a worker thread being terminated).
  if (!promise.IsPromise()) busy_ = false;
  return promise;
}

void ReferenceRuntime::FinishPendingDispose() {
  if (dispose_pending_) {
    dispose_pending_ = false;
    graph_.reset();
  }
}

Napi::Value ReferenceRuntime::Dispose(const Napi::CallbackInfo& info) {
  if (busy_) dispose_pending_ = true;
  else graph_.reset();
  return info.Env().Undefined();
}

bool ReferenceRuntime::EnsureIdle(Napi::Env env) { return !busy_ || ThrowBusy(env); }

bool ReferenceRuntime::EnsureUsable(Napi::Env env) {
  if (graph_ == nullptr || dispose_pending_) return ThrowDisposed(env, "Runtime");
  return EnsureIdle(env);
}

Napi::Value ReferenceRuntime::IsBusy(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), busy_); }

}  // namespace xnnlite::reference
