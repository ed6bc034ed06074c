// Replaces the global operator new/delete so that every C++ allocation is counted in
// base::UsedMemory(). Linked into binaries (not into the base library), as replacement
// allocation functions must be defined exactly once per program.

#include <cstdlib>
#include <new>

#include "server/base/memory.h"

namespace {

void* CountedNew(std::size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  tandem::base::CountAllocated(p);
  return p;
}

void CountedDelete(void* p) noexcept {
  if (p == nullptr) return;
  tandem::base::CountFreed(p);
  std::free(p);
}

}  // namespace

void* operator new(std::size_t size) { return CountedNew(size); }
void* operator new[](std::size_t size) { return CountedNew(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return CountedNew(size);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept {
  return operator new(size, tag);
}
void operator delete(void* p) noexcept { CountedDelete(p); }
void operator delete[](void* p) noexcept { CountedDelete(p); }
void operator delete(void* p, std::size_t) noexcept { CountedDelete(p); }
void operator delete[](void* p, std::size_t) noexcept { CountedDelete(p); }
