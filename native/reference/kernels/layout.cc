// Copies that only move elements, described by index tables: the layout
// operators (SLICE, STRIDED_SLICE, TRANSPOSE, TILE, BROADCAST_TO, REVERSE_V2,
// MIRROR_PAD, RESIZE_NEAREST_NEIGHBOR, SPLIT, SPLIT_V, UNPACK and
// BATCH_TO_SPACE_ND gather; PAD, PADV2 and SPACE_TO_BATCH_ND scatter) for any
// element type. TypeScript turns each operator into blocks of bytes walked
// along R axes in row-major order on one side (the "sequential" side), and
// for the other side (the "far" side) gives each axis the byte offset its
// index adds: start + i * step (an affine axis), or table[i] for mappings
// that are not affine (mirrors, nearest neighbours).
//
// layout_gather   inputs: x; outputs: y. y is written in order; each block
//                 is read from x at the sum of its axes' offsets.
// layout_scatter  inputs: x, fill (optional, one element); outputs: y. y is
//                 first filled with one element value (the fill operand's,
//                 else the low `fill bytes` bytes of `fill bits`), then x is
//                 read in order and each block is written to y at the sum of
//                 its axes' offsets.
//
// gather ints:  block bytes, R, axes
// scatter ints: block bytes, fill bytes, fill bits, R, axes
// each axis:    size, start, step, table flag (0 or 1), and with 1, size offsets
#include <array>
#include <cstring>

#include "../program.h"
#include "util.h"

namespace xnnlite::reference {
namespace {

constexpr int64_t kMaxRank = 16;
// Gather tasks cover whole indices of the first axis, about this many bytes each.
constexpr int64_t kTaskBytes = 64 * 1024;
constexpr int64_t kMaxTasks = 256;

struct Axis {
  int64_t size = 0, start = 0, step = 0;
  const int64_t* table = nullptr;
  int64_t span = 0;  // bytes of the sequential side one index of this axis covers
};

struct Plan {
  int64_t block = 0;
  int64_t rank = 0;
  std::array<Axis, kMaxRank> axes;
};

// Reads the axes from op.ints[at..]; false if they are malformed (check refuses those).
bool Parse(const Op& op, size_t at, int64_t block, Plan& p) {
  const auto& v = op.ints;
  if (at >= v.size()) return false;
  p.block = block;
  p.rank = v[at++];
  if (block < 1 || p.rank < 1 || p.rank > kMaxRank) return false;
  for (int64_t d = 0; d < p.rank; d++) {
    if (v.size() - at < 4) return false;
    Axis& a = p.axes[d];
    a.size = v[at];
    a.start = v[at + 1];
    a.step = v[at + 2];
    const int64_t flag = v[at + 3];
    at += 4;
    if (a.size < 1 || (flag != 0 && flag != 1)) return false;
    a.table = nullptr;
    if (flag == 1) {
      if (static_cast<uint64_t>(a.size) > v.size() - at) return false;
      a.table = &v[at];
      at += static_cast<size_t>(a.size);
    }
  }
  if (at != v.size()) return false;
  int64_t span = block;
  for (int64_t d = p.rank - 1; d >= 0; d--) {
    p.axes[d].span = span;
    span = Mul(span, p.axes[d].size);
  }
  return span >= 0;
}

// Bytes of the sequential side, or -1 on overflow.
int64_t SequentialBytes(const Plan& p) { return Mul(p.axes[0].size, p.axes[0].span); }

// The far side's highest byte touched plus one, or -1 if an offset is negative or a sum overflows.
int64_t FarReach(const Plan& p) {
  int64_t reach = p.block;
  for (int64_t d = 0; d < p.rank; d++) {
    const Axis& a = p.axes[d];
    int64_t lo = 0, hi = 0;
    if (a.table != nullptr) {
      lo = hi = a.table[0];
      for (int64_t i = 1; i < a.size; i++) {
        lo = a.table[i] < lo ? a.table[i] : lo;
        hi = a.table[i] > hi ? a.table[i] : hi;
      }
    } else {
      int64_t travel = 0, last = 0;
      if (__builtin_mul_overflow(a.size - 1, a.step, &travel) || __builtin_add_overflow(a.start, travel, &last)) return -1;
      lo = a.start < last ? a.start : last;
      hi = a.start < last ? last : a.start;
    }
    if (lo < 0 || __builtin_add_overflow(reach, hi, &reach)) return -1;
  }
  return reach;
}

template <size_t kBytes>
inline void Copy(uint8_t* dst, const uint8_t* src, int64_t bytes) {
  if constexpr (kBytes == 0) {
    std::memcpy(dst, src, static_cast<size_t>(bytes));
  } else {
    std::memcpy(dst, src, kBytes);
  }
}

// Moves the blocks of indices [begin, end) of axis `level`; `seq` and `far`
// point where index 0 of this axis starts on each side.
template <size_t kBytes, bool kGather>
void Walk(const Plan& p, int64_t level, int64_t begin, int64_t end, uint8_t* seq, uint8_t* far) {
  const Axis& a = p.axes[level];
  if (level == p.rank - 1) {
    uint8_t* s = seq + begin * p.block;
    if (a.table != nullptr) {
      for (int64_t i = begin; i < end; i++, s += p.block) {
        uint8_t* f = far + a.table[i];
        kGather ? Copy<kBytes>(s, f, p.block) : Copy<kBytes>(f, s, p.block);
      }
    } else {
      int64_t offset = a.start + begin * a.step;
      for (int64_t i = begin; i < end; i++, s += p.block, offset += a.step) {
        uint8_t* f = far + offset;
        kGather ? Copy<kBytes>(s, f, p.block) : Copy<kBytes>(f, s, p.block);
      }
    }
    return;
  }
  const int64_t inner = p.axes[level + 1].size;
  for (int64_t i = begin; i < end; i++) {
    const int64_t offset = a.table != nullptr ? a.table[i] : a.start + i * a.step;
    Walk<kBytes, kGather>(p, level + 1, 0, inner, seq + i * a.span, far + offset);
  }
}

// One instantiation per common block size, so that the innermost copy is one load and store.
template <bool kGather>
void WalkRange(const Plan& p, int64_t begin, int64_t end, uint8_t* seq, uint8_t* far) {
  switch (p.block) {
    case 1: Walk<1, kGather>(p, 0, begin, end, seq, far); break;
    case 2: Walk<2, kGather>(p, 0, begin, end, seq, far); break;
    case 4: Walk<4, kGather>(p, 0, begin, end, seq, far); break;
    case 8: Walk<8, kGather>(p, 0, begin, end, seq, far); break;
    case 16: Walk<16, kGather>(p, 0, begin, end, seq, far); break;
    default: Walk<0, kGather>(p, 0, begin, end, seq, far); break;
  }
}

std::string CheckGather(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 1, 1, 2, 0);
  if (!e.empty()) return e;
  Plan p;
  if (!Parse(op, 1, op.ints[0], p)) return "bad axes";
  if (!Holds(t, op.outputs[0], SequentialBytes(p), 1)) return "operand sizes";
  const int64_t reach = FarReach(p);
  return reach >= 0 && Holds(t, op.inputs[0], reach, 1) ? "" : "offsets outside the input";
}

// Indices of the first axis each task covers.
int64_t GatherChunk(const Plan& p) {
  const int64_t total = SequentialBytes(p);
  int64_t tasks = total / kTaskBytes;
  tasks = tasks < 1 ? 1 : tasks > kMaxTasks ? kMaxTasks : tasks;
  if (tasks > p.axes[0].size) tasks = p.axes[0].size;
  return (p.axes[0].size + tasks - 1) / tasks;
}

void RunGather(const Op& op, Tensors& t) {
  Plan p;
  Parse(op, 1, op.ints[0], p);
  WalkRange<true>(p, 0, p.axes[0].size, t[op.outputs[0]].data(), t[op.inputs[0]].data());
}

size_t GatherTasks(const Op& op) {
  Plan p;
  Parse(op, 1, op.ints[0], p);
  const int64_t chunk = GatherChunk(p);
  return static_cast<size_t>((p.axes[0].size + chunk - 1) / chunk);
}

void GatherTask(const Op& op, Tensors& t, size_t task) {
  Plan p;
  Parse(op, 1, op.ints[0], p);
  const int64_t chunk = GatherChunk(p);
  const int64_t begin = static_cast<int64_t>(task) * chunk;
  const int64_t end = begin + chunk < p.axes[0].size ? begin + chunk : p.axes[0].size;
  if (begin < end) WalkRange<true>(p, begin, end, t[op.outputs[0]].data(), t[op.inputs[0]].data());
}

std::string CheckScatter(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 2, 1, 4, 0);
  if (!e.empty()) return e;
  const int64_t fill_bytes = op.ints[1];
  if (fill_bytes != 1 && fill_bytes != 2 && fill_bytes != 4 && fill_bytes != 8) return "bad fill size";
  if (op.inputs[1] >= 0 && !Holds(t, op.inputs[1], 1, static_cast<size_t>(fill_bytes))) return "fill operand size";
  Plan p;
  if (!Parse(op, 3, op.ints[0], p)) return "bad axes";
  if (!Holds(t, op.inputs[0], SequentialBytes(p), 1)) return "operand sizes";
  const int64_t reach = FarReach(p);
  return reach >= 0 && Holds(t, op.outputs[0], reach, 1) ? "" : "offsets outside the output";
}

void Fill(Tensor& y, const uint8_t* pattern, size_t size) {
  const size_t count = y.bytes / size;
  bool uniform = true;
  for (size_t k = 1; k < size; k++) uniform = uniform && pattern[k] == pattern[0];
  if (uniform) {
    std::memset(y.data(), pattern[0], count * size);
    return;
  }
  uint8_t* out = y.data();
  for (size_t k = 0; k < count; k++, out += size) std::memcpy(out, pattern, size);
}

void RunScatter(const Op& op, Tensors& t) {
  const size_t fill_bytes = static_cast<size_t>(op.ints[1]);
  uint8_t pattern[8] = {};
  if (op.inputs[1] >= 0) {
    std::memcpy(pattern, t[op.inputs[1]].data(), fill_bytes);
  } else {
    const uint64_t bits = static_cast<uint64_t>(op.ints[2]);
    for (size_t k = 0; k < fill_bytes; k++) pattern[k] = static_cast<uint8_t>(bits >> (8 * k));
  }
  Fill(t[op.outputs[0]], pattern, fill_bytes);
  Plan p;
  Parse(op, 3, op.ints[0], p);
  WalkRange<false>(p, 0, p.axes[0].size, t[op.inputs[0]].data(), t[op.outputs[0]].data());
}

}  // namespace

const Kernel kLayoutGather = {"layout_gather", CheckGather, RunGather, GatherTasks, GatherTask};
const KernelRegistration kLayoutGatherRegistered(kLayoutGather);
const Kernel kLayoutScatter = {"layout_scatter", CheckScatter, RunScatter};
const KernelRegistration kLayoutScatterRegistered(kLayoutScatter);

}  // namespace xnnlite::reference
