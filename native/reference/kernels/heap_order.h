// Heap operations that compare and move elements in exactly the order
// libc++'s std::push_heap, std::pop_heap and std::partial_sort do. TFLite's
// detection kernels keep candidates in a std::priority_queue and pick the
// top classes with std::partial_sort; among equal scores, which element
// comes out first depends on those steps, so matching TFLite (as LiteRT.js,
// built against libc++, runs it) on ties means repeating them. `less(a, b)`
// is the comparator the standard algorithm is given; the heap keeps its
// greatest element first.
#pragma once

#include <cstddef>
#include <utility>

namespace xnnlite::reference::heap_order {

// push_heap: the element at [len - 1] rises to its place.
template <typename T, typename Less>
void SiftUp(T* heap, ptrdiff_t len, Less less) {
  if (len < 2) return;
  ptrdiff_t hole = len - 1;
  ptrdiff_t parent = (len - 2) / 2;
  if (!less(heap[parent], heap[hole])) return;
  T rising = std::move(heap[hole]);
  while (true) {
    heap[hole] = std::move(heap[parent]);
    hole = parent;
    if (parent == 0) break;
    parent = (parent - 1) / 2;
    if (!less(heap[parent], rising)) break;
  }
  heap[hole] = std::move(rising);
}

// The element at `start` sinks until it is not less than its greater child
// (make_heap and partial_sort use this form).
template <typename T, typename Less>
void SiftDown(T* heap, ptrdiff_t len, ptrdiff_t start, Less less) {
  const ptrdiff_t last_parent = (len - 2) / 2;
  if (len < 2 || last_parent < start) return;
  ptrdiff_t child = 2 * start + 1;
  if (child + 1 < len && less(heap[child], heap[child + 1])) child++;
  if (less(heap[child], heap[start])) return;
  T sinking = std::move(heap[start]);
  while (true) {
    heap[start] = std::move(heap[child]);
    start = child;
    if (last_parent < child) break;
    child = 2 * child + 1;
    if (child + 1 < len && less(heap[child], heap[child + 1])) child++;
    if (less(heap[child], sinking)) break;
  }
  heap[start] = std::move(sinking);
}

// pop_heap (Floyd's variant): the top moves to [len - 1]; the hole it
// leaves sinks to a leaf along greater children, takes the last element,
// which then rises.
template <typename T, typename Less>
void PopHeap(T* heap, ptrdiff_t len, Less less) {
  if (len < 2) return;
  T top = std::move(heap[0]);
  ptrdiff_t hole = 0;
  ptrdiff_t child = 0;
  while (true) {
    child = 2 * child + 1;
    if (child + 1 < len && less(heap[child], heap[child + 1])) child++;
    heap[hole] = std::move(heap[child]);
    hole = child;
    if (child > (len - 2) / 2) break;
  }
  const ptrdiff_t last = len - 1;
  if (hole == last) {
    heap[hole] = std::move(top);
    return;
  }
  heap[hole] = std::move(heap[last]);
  heap[last] = std::move(top);
  SiftUp(heap, hole + 1, less);
}

template <typename T, typename Less>
void MakeHeap(T* heap, ptrdiff_t len, Less less) {
  if (len < 2) return;
  for (ptrdiff_t start = (len - 2) / 2; start >= 0; start--) SiftDown(heap, len, start, less);
}

// partial_sort: the `middle` least elements (by `less`) of [0, len), sorted, in [0, middle).
template <typename T, typename Less>
void PartialSort(T* values, ptrdiff_t middle, ptrdiff_t len, Less less) {
  if (middle == 0) return;
  MakeHeap(values, middle, less);
  for (ptrdiff_t i = middle; i < len; i++) {
    if (less(values[i], values[0])) {
      std::swap(values[i], values[0]);
      SiftDown(values, middle, 0, less);
    }
  }
  for (ptrdiff_t n = middle; n > 1; n--) PopHeap(values, n, less);
}

}  // namespace xnnlite::reference::heap_order
