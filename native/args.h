// Reads positional arguments of a binding call with type checks. The first
// mismatch is remembered and thrown as a TypeError by Valid(), so a method
// reads all its arguments, then calls XNNPACK only if Valid() is true.
#pragma once

#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace xnnlite {

class Args {
 public:
  Args(const Napi::CallbackInfo& info, const char* method) : info_(info), method_(method) {}

  uint32_t U32(size_t i) {
    double v = Number(i);
    if (!(v >= 0 && v <= 4294967295.0 && v == std::floor(v))) return Bad<uint32_t>(i, "a 32-bit unsigned integer");
    return static_cast<uint32_t>(v);
  }

  int32_t I32(size_t i) {
    double v = Number(i);
    if (!(v >= -2147483648.0 && v <= 2147483647.0 && v == std::floor(v))) return Bad<int32_t>(i, "a 32-bit integer");
    return static_cast<int32_t>(v);
  }

  float F32(size_t i) { return static_cast<float>(Number(i)); }
  double F64(size_t i) { return Number(i); }
  bool Bool(size_t i) { return i < info_.Length() && info_[i].ToBoolean().Value(); }

  // An array of non-negative integers, e.g. dims, perm, paddings.
  std::vector<size_t> Sizes(size_t i, size_t max_length = 64) {
    std::vector<size_t> out;
    if (i >= info_.Length() || !info_[i].IsArray()) return Bad<std::vector<size_t>>(i, "an array of integers");
    Napi::Array array = info_[i].As<Napi::Array>();
    const uint32_t length = array.Length();  // read once: a getter on an element may change it
    if (length > max_length) return Bad<std::vector<size_t>>(i, "a shorter array");
    for (uint32_t k = 0; k < length; k++) {
      Napi::Value v = array.Get(k);
      double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
      if (!(d >= 0 && d <= 9007199254740991.0 && d == std::floor(d))) return Bad<std::vector<size_t>>(i, "an array of non-negative integers");
      out.push_back(static_cast<size_t>(d));
    }
    return out;
  }

  // Throws the first recorded mismatch; returns false if there was one.
  bool Valid() {
    if (error_.empty()) return true;
    Napi::TypeError::New(info_.Env(), error_).ThrowAsJavaScriptException();
    return false;
  }

 private:
  double Number(size_t i) {
    if (i >= info_.Length() || !info_[i].IsNumber()) return Bad<double>(i, "a number");
    return info_[i].As<Napi::Number>().DoubleValue();
  }

  template <typename T>
  T Bad(size_t i, const char* expected) {
    if (error_.empty()) error_ = std::string(method_) + ": argument " + std::to_string(i) + " must be " + expected;
    return T{};
  }

  const Napi::CallbackInfo& info_;
  const char* method_;
  std::string error_;
};

}  // namespace xnnlite
