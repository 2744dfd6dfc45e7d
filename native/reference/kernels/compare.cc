// Comparisons (LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, EQUAL, NOT_EQUAL)
// and LOGICAL_AND / LOGICAL_OR with broadcasting; the output is bool (one
// byte, 0 or 1).
//
// Quantized int8/uint8 operands (and int16 ones of EQUAL and NOT_EQUAL;
// TFLite orders int16 by raw value) compare as TFLite compares them: each
// value, offset by its zero point and shifted left by 8 bits, is scaled by
// its own scale in fixed point (a 32-bit multiplier and a right shift,
// rounding as gemmlowp does), so two values closer than that precision are
// equal. Bool operands are read as "nonzero".
//
// compare  ints: op, element type, quantized (0/1), then a offset, a multiplier, a shift,
//                b offset, b multiplier, b shift (unused unless quantized), then the broadcast layout
//   op: 0 less, 1 less equal, 2 greater, 3 greater equal, 4 equal, 5 not equal, 6 logical and, 7 logical or
#include <cstdint>
#include <limits>
#include <string>

#include "broadcast.h"
#include "../program.h"
#include "util.h"

namespace xnnlite::reference {
namespace {

enum CompareOp : int64_t { kLess, kLessEqual, kGreater, kGreaterEqual, kEqual, kNotEqual, kLogicalAnd, kLogicalOr };

constexpr size_t kLayoutAt = 9;

// gemmlowp's SaturatingRoundingDoublingHighMul: round(a * b / 2^31), nudged away from zero at ties.
int32_t DoublingHighMul(int32_t a, int32_t b) {
  if (a == b && a == std::numeric_limits<int32_t>::min()) return std::numeric_limits<int32_t>::max();
  const int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  const int64_t nudge = ab >= 0 ? (int64_t{1} << 30) : 1 - (int64_t{1} << 30);
  return static_cast<int32_t>((ab + nudge) / (int64_t{1} << 31));
}

// gemmlowp's RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away from zero.
int32_t RoundingDivideByPOT(int32_t x, int exponent) {
  const int32_t mask = static_cast<int32_t>((int64_t{1} << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

struct Scaling {
  int32_t offset, multiplier;
  int shift;  // right shift, 0..31
  int32_t operator()(int32_t q) const {
    const int32_t shifted = static_cast<int32_t>(static_cast<uint32_t>(q + offset) << 8);
    return RoundingDivideByPOT(DoublingHighMul(shifted, multiplier), shift);
  }
};

template <typename T>
bool Apply(int64_t op, T x, T z) {
  switch (op) {
    case kLess: return x < z;
    case kLessEqual: return x <= z;
    case kGreater: return x > z;
    case kGreaterEqual: return x >= z;
    case kEqual: return x == z;
    case kNotEqual: return x != z;
    case kLogicalAnd: return x != T{0} && z != T{0};
    default: return x != T{0} || z != T{0};
  }
}

// The operator is a template argument so that each inner loop is one comparison.
template <int64_t kOp, typename A, typename Read>
void CompareAll(const Op& op, Tensors& t, const BroadcastLayout& l, Read read) {
  const A* a = As<A>(t, op.inputs[0]);
  const A* b = As<A>(t, op.inputs[1]);
  uint8_t* y = As<uint8_t>(t, op.outputs[0]);
  ForEachBroadcastRow(l, [&](int64_t ia, int64_t ib, int64_t out, int64_t n, int64_t sa, int64_t sb) {
    BroadcastRow(a + ia, b + ib, y + out, n, sa, sb, [&](A x, A z) { return static_cast<uint8_t>(Apply(kOp, read(x, 0), read(z, 1))); });
  });
}

template <typename A, typename Read>
void Dispatch(const Op& op, Tensors& t, const BroadcastLayout& l, Read read) {
  switch (op.ints[0]) {
    case kLess: CompareAll<kLess, A>(op, t, l, read); break;
    case kLessEqual: CompareAll<kLessEqual, A>(op, t, l, read); break;
    case kGreater: CompareAll<kGreater, A>(op, t, l, read); break;
    case kGreaterEqual: CompareAll<kGreaterEqual, A>(op, t, l, read); break;
    case kEqual: CompareAll<kEqual, A>(op, t, l, read); break;
    case kNotEqual: CompareAll<kNotEqual, A>(op, t, l, read); break;
    case kLogicalAnd: CompareAll<kLogicalAnd, A>(op, t, l, read); break;
    default: CompareAll<kLogicalOr, A>(op, t, l, read); break;
  }
}

std::string Check(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 2, 1, kLayoutAt, 0);
  if (!e.empty()) return e;
  const int64_t kind = op.ints[0], type = op.ints[1], quantized = op.ints[2];
  if (kind < kLess || kind > kLogicalOr || !IsElementType(type) || (quantized != 0 && quantized != 1)) return "bad parameters";
  if (kind >= kLogicalAnd ? type != kBool : type == kBool && kind != kEqual && kind != kNotEqual) return "bad parameters";
  if (quantized == 1) {
    if (type != kI8 && type != kU8 && type != kI16) return "bad parameters";
    for (size_t k : {5, 8}) if (op.ints[k] < 0 || op.ints[k] > 31) return "bad shift";
    for (size_t k : {3, 6}) if (op.ints[k] < -65536 || op.ints[k] > 65536) return "bad offset";
    for (size_t k : {4, 7}) if (op.ints[k] < 0 || op.ints[k] > std::numeric_limits<int32_t>::max()) return "bad multiplier";
  }
  BroadcastLayout l;
  size_t end = 0;
  const size_t size = ElementBytes(type);
  e = ReadBroadcastLayout(op, t, kLayoutAt, &l, &end, size, size, 1);
  if (!e.empty()) return e;
  return end == op.ints.size() ? "" : "bad parameters";
}

void Run(const Op& op, Tensors& t) {
  BroadcastLayout l;
  size_t end = 0;
  const size_t size = ElementBytes(op.ints[1]);
  ReadBroadcastLayout(op, t, kLayoutAt, &l, &end, size, size, 1);
  if (op.ints[2] == 1) {
    const Scaling scaling[2] = {
        {static_cast<int32_t>(op.ints[3]), static_cast<int32_t>(op.ints[4]), static_cast<int>(op.ints[5])},
        {static_cast<int32_t>(op.ints[6]), static_cast<int32_t>(op.ints[7]), static_cast<int>(op.ints[8])},
    };
    auto scaled = [&scaling](auto q, int k) { return scaling[k](static_cast<int32_t>(q)); };
    if (op.ints[1] == kI8) Dispatch<int8_t>(op, t, l, scaled);
    else if (op.ints[1] == kU8) Dispatch<uint8_t>(op, t, l, scaled);
    else Dispatch<int16_t>(op, t, l, scaled);
    return;
  }
  auto plain = [](auto v, int) { return v; };
  switch (op.ints[1]) {
    case kF32: Dispatch<float>(op, t, l, plain); break;
    case kI8: Dispatch<int8_t>(op, t, l, plain); break;
    case kU8: Dispatch<uint8_t>(op, t, l, plain); break;
    case kI16: Dispatch<int16_t>(op, t, l, plain); break;
    case kI32: Dispatch<int32_t>(op, t, l, plain); break;
    case kI64: Dispatch<int64_t>(op, t, l, plain); break;
    default: Dispatch<uint8_t>(op, t, l, [](uint8_t v, int) { return static_cast<uint8_t>(v != 0); }); break;
  }
}

}  // namespace

const Kernel kCompare = {"compare", Check, Run};
const KernelRegistration kCompareRegistered(kCompare);

}  // namespace xnnlite::reference
