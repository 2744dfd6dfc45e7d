#include "runtime.h"

#include <chrono>
#include <stdexcept>
#include <cstring>
#include <utility>

#include "../addon_data.h"
#include "../guards.h"
#include "../promise_worker.h"

namespace xnnlite::reference {
namespace {

std::vector<double> Reals(const Napi::Value& value, const char* what) {
  if (!value.IsArray()) throw std::runtime_error(std::string(what) + " must be an array");
  Napi::Array array = value.As<Napi::Array>();
  std::vector<double> out(array.Length());
  for (uint32_t k = 0; k < array.Length(); k++) {
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

// Builds the graph from its JS description; throws std::runtime_error naming what is inconsistent.
std::unique_ptr<Graph> Parse(const Napi::Object& program) {
  auto graph = std::make_unique<Graph>();
  Napi::Array tensors = program.Get("tensors").As<Napi::Array>();
  graph->tensors.resize(tensors.Length());
  for (uint32_t k = 0; k < tensors.Length(); k++) {
    Napi::Object t = tensors.Get(k).As<Napi::Object>();
    double bytes = t.Get("bytes").As<Napi::Number>().DoubleValue();
    if (!(bytes >= 0 && bytes <= 1e12)) throw std::runtime_error("tensor " + std::to_string(k) + ": bad byte size");
    Tensor& tensor = graph->tensors[k];
    tensor.bytes = static_cast<size_t>(bytes);
    tensor.storage.assign(tensor.bytes + 16, 0);  // a little slack: no kernel reads past, but a zero-size tensor still has an address
    Napi::Value data = t.Get("data");
    if (!data.IsUndefined() && !data.IsNull()) {
      if (!data.IsTypedArray() || data.As<Napi::TypedArray>().ByteLength() != tensor.bytes) {
        throw std::runtime_error("tensor " + std::to_string(k) + ": data does not match its size");
      }
      Napi::TypedArray view = data.As<Napi::TypedArray>();
      const uint8_t* source = static_cast<const uint8_t*>(view.ArrayBuffer().Data()) + view.ByteOffset();
      const size_t length = view.ByteLength();
      std::memcpy(tensor.storage.data(), source, length);
    }
  }
  for (const char* side : {"inputs", "outputs"}) {
    Napi::Array list = program.Get(side).As<Napi::Array>();
    for (uint32_t k = 0; k < list.Length(); k++) {
      Napi::Object e = list.Get(k).As<Napi::Object>();
      const int32_t tensor = e.Get("tensor").As<Napi::Number>().Int32Value();
      if (tensor < 0 || tensor >= static_cast<int32_t>(graph->tensors.size())) throw std::runtime_error("external tensor out of range");
      ExternalBuffer external;
      external.id = static_cast<uint32_t>(graph->externals.size());
      external.is_input = std::strcmp(side, "inputs") == 0;
      external.datatype = e.Get("datatype").As<Napi::Number>().Uint32Value();
      for (int64_t d : Integers(e.Get("shape"), "shape")) {
        if (d < 0) throw std::runtime_error("negative dimension");
        external.dims.push_back(static_cast<size_t>(d));
      }
      external.byte_length = graph->tensors[tensor].bytes;
      external.data = graph->tensors[tensor].data();
      graph->externals.push_back(std::move(external));
    }
  }
  Napi::Array ops = program.Get("ops").As<Napi::Array>();
  for (uint32_t k = 0; k < ops.Length(); k++) {
    Napi::Object o = ops.Get(k).As<Napi::Object>();
    Op op;
    std::string name = o.Get("kernel").As<Napi::String>().Utf8Value();
    op.kernel = FindKernel(name);
    op.label = o.Get("label").As<Napi::String>().Utf8Value();
    if (op.kernel == nullptr) throw std::runtime_error(op.label + ": no reference kernel named " + name);
    for (int64_t id : Integers(o.Get("inputs"), "inputs")) op.inputs.push_back(static_cast<int32_t>(id));
    for (int64_t id : Integers(o.Get("outputs"), "outputs")) op.outputs.push_back(static_cast<int32_t>(id));
    op.ints = Integers(o.Get("ints"), "ints");
    op.reals = Reals(o.Get("reals"), "reals");
    std::string problem = op.kernel->check(op, graph->tensors);
    if (!problem.empty()) throw std::runtime_error(op.label + ": " + name + " parameters do not fit its tensors (" + problem + ")");
    graph->ops.push_back(std::move(op));
  }
  graph->micros.assign(graph->ops.size(), 0);
  return graph;
}

class InvokeWorker : public PromiseWorker {
 public:
  InvokeWorker(Napi::Env env, ReferenceRuntime* runtime, Napi::Object self, OutputViews outputs, Napi::Array views)
      : PromiseWorker(env, "xnnlite:reference-invoke"), runtime_(runtime), graph_(runtime->graph()), outputs_(std::move(outputs)) {
    self_ = Napi::Persistent(self);
    views_ = Napi::Persistent(views.As<Napi::Object>());
  }

 protected:
  void Run() override {
    graph_->Invoke();
    CopyOutputs(graph_->externals, outputs_);
  }
  Napi::Value Result(Napi::Env env) override { return env.Undefined(); }
  void Finish(Napi::Env) override {
    runtime_->SetBusy(false);
    runtime_->FinishPendingDispose();
  }

 private:
  ReferenceRuntime* runtime_;
  Graph* graph_;
  OutputViews outputs_;
  Napi::ObjectReference self_;
  Napi::ObjectReference views_;
};

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
    if (pool != nullptr && kernel->tasks != nullptr) {
      TaskContext context{&ops[k], &tensors};
      // Workers sleep between operators instead of spinning: other sessions and processes share the CPU.
      pthreadpool_parallelize_1d(pool, RunTask, &context, kernel->tasks(ops[k]), PTHREADPOOL_FLAG_YIELD_WORKERS);
    } else {
      kernel->run(ops[k], tensors);
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
      InstanceAccessor<&ReferenceRuntime::IsBusy>("busy"),
  });
  Data(env).reference_runtime_class = Napi::Persistent(ctor);
  return ctor;
}

ReferenceRuntime::ReferenceRuntime(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ReferenceRuntime>(info) {
  if (info.Length() < 1 || !info[0].IsExternal()) {
    Napi::TypeError::New(info.Env(), "ReferenceRuntime cannot be constructed directly; use ReferenceRuntime.create(program)").ThrowAsJavaScriptException();
    return;
  }
  graph_.reset(info[0].As<Napi::External<Graph>>().Data());
}

// create(program, threads) -> ReferenceRuntime; throws a TypeError naming what in the program is inconsistent.
Napi::Value ReferenceRuntime::Create(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) {
    Napi::TypeError::New(env, "ReferenceRuntime.create(program): expected an object").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const uint32_t threads = info.Length() > 1 && info[1].IsNumber() ? info[1].As<Napi::Number>().Uint32Value() : 1;
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
  Napi::Value external = Napi::External<Graph>::New(env, graph.release());
  return Data(env).reference_runtime_class.New({external});
}

Napi::Value ReferenceRuntime::Externals(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  XNNLITE_REQUIRE_OPEN(env, graph_ != nullptr && !dispose_pending_, "Runtime");
  return DescribeExternals(env, graph_->externals);
}

Napi::Value ReferenceRuntime::Profile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!graph_ || !EnsureIdle(env)) return env.Undefined();
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
  XNNLITE_REQUIRE_OPEN(env, graph_ != nullptr && !dispose_pending_, "Runtime");
  if (!EnsureIdle(env)) return env.Undefined();
  OutputViews outputs;
  if (!BindViews(info, graph_->externals, &outputs)) return env.Undefined();
  graph_->Invoke();
  CopyOutputs(graph_->externals, outputs);
  return env.Undefined();
}

Napi::Value ReferenceRuntime::InvokeAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  XNNLITE_REQUIRE_OPEN(env, graph_ != nullptr && !dispose_pending_, "Runtime");
  if (!EnsureIdle(env)) return env.Undefined();
  OutputViews outputs;
  if (!BindViews(info, graph_->externals, &outputs)) return env.Undefined();
  busy_ = true;
  auto* worker = new InvokeWorker(env, this, Value(), std::move(outputs), info[1].As<Napi::Array>());
  Napi::Promise promise = worker->Promise();
  worker->Queue();
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

Napi::Value ReferenceRuntime::IsBusy(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), busy_); }

}  // namespace xnnlite::reference
