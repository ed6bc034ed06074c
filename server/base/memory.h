#pragma once
// Process-wide accounting of heap memory, the source of INFO's used_memory and of maxmemory
// decisions. Every allocation made through operator new (see counting_new.cc, linked into each
// binary) or through Allocate()/Reallocate() adds its usable size; frees subtract it.

#include <cstddef>
#include <cstdint>

namespace tandem::base {

// Bytes currently allocated on the heap by this process (usable sizes, as the allocator reports).
size_t UsedMemory();

// malloc/realloc/free that keep UsedMemory() true. Allocate never returns null (aborts on OOM).
void* Allocate(size_t size);
// Zero-filled, like calloc: a large block comes as fresh pages the kernel zeroes on first touch,
// so allocating it costs nothing up front.
void* AllocateZeroed(size_t count, size_t size);
void* Reallocate(void* ptr, size_t size);
void Free(void* ptr);
// Bytes usable in a block returned by Allocate (>= the size asked for).
size_t UsableSize(const void* ptr);

// For counting_new.cc only (non-const: GCC warns on uninitialised memory behind const pointers).
void CountAllocated(void* ptr);
void CountFreed(void* ptr);

}  // namespace tandem::base
