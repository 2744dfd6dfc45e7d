#include "plan_reader.h"

#include <stdexcept>
#include <string>

namespace xnnlite::plan_reader {

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

std::vector<double> Reals(const Napi::Value& value, const char* what) {
  if (!value.IsArray()) throw std::runtime_error(std::string(what) + " must be an array");
  Napi::Array array = value.As<Napi::Array>();
  const uint32_t n = array.Length();
  std::vector<double> out(n);
  for (uint32_t k = 0; k < n; k++) {
    Napi::Value v = array.Get(k);
    if (array.Env().IsExceptionPending()) throw std::runtime_error(std::string("reading ") + what + " threw");
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

int64_t IntegerField(const Napi::Object& object, const char* key, int64_t lo, int64_t hi, const char* what) {
  Napi::Value value = Field(object, key);
  if (!value.IsNumber()) throw std::runtime_error(std::string(what != nullptr ? what : key) + " must be a number");
  const double d = value.As<Napi::Number>().DoubleValue();
  if (!(d >= static_cast<double>(lo) && d <= static_cast<double>(hi)) || d != static_cast<double>(static_cast<int64_t>(d))) {
    throw std::runtime_error(std::string(what != nullptr ? what : key) + " out of range");
  }
  return static_cast<int64_t>(d);
}

}  // namespace xnnlite::plan_reader
