#include "server/base/memory.h"

#include <malloc.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace tandem::base {
namespace {

// Relaxed: only the total matters, and other threads (logging) allocate rarely.
std::atomic<int64_t> used_bytes{0};

[[noreturn]] void OutOfMemory(size_t size) {
  std::fprintf(stderr, "Out Of Memory allocating %zu bytes!\n", size);
  std::abort();
}

}  // namespace

size_t UsedMemory() {
  int64_t v = used_bytes.load(std::memory_order_relaxed);
  return v < 0 ? 0 : static_cast<size_t>(v);
}

void CountAllocated(void* ptr) {
  used_bytes.fetch_add(static_cast<int64_t>(malloc_usable_size(ptr)), std::memory_order_relaxed);
}

void CountFreed(void* ptr) {
  used_bytes.fetch_sub(static_cast<int64_t>(malloc_usable_size(ptr)), std::memory_order_relaxed);
}

void* Allocate(size_t size) {
  void* p = std::malloc(size);
  if (p == nullptr) OutOfMemory(size);
  CountAllocated(p);
  return p;
}

void* AllocateZeroed(size_t count, size_t size) {
  void* p = std::calloc(count, size);
  if (p == nullptr) OutOfMemory(count * size);
  CountAllocated(p);
  return p;
}

void* Reallocate(void* ptr, size_t size) {
  if (ptr == nullptr) return Allocate(size);
  CountFreed(ptr);
  void* p = std::realloc(ptr, size);
  if (p == nullptr) OutOfMemory(size);
  CountAllocated(p);
  return p;
}

void Free(void* ptr) {
  if (ptr == nullptr) return;
  CountFreed(ptr);
  std::free(ptr);
}

size_t UsableSize(const void* ptr) { return malloc_usable_size(const_cast<void*>(ptr)); }

}  // namespace tandem::base
