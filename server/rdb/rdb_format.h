#pragma once
// RDB value types and opcodes as Redis 7.0 numbers them (docs/rdb.md, Redis's rdb.h).

#include <cstdint>

namespace tandem::rdb {

// Value types: the byte before each key.
enum RdbType : uint8_t {
  kTypeString = 0,
  kTypeList = 1,  // linked list of strings (read only: Redis 7 writes quicklists)
  kTypeSet = 2,
  kTypeZSet = 3,  // scores as text (read only)
  kTypeHash = 4,
  kTypeZSet2 = 5,  // scores as binary doubles
  kTypeModule = 6,
  kTypeModule2 = 7,
  kTypeHashZipmap = 9,
  kTypeListZiplist = 10,
  kTypeSetIntset = 11,
  kTypeZSetZiplist = 12,
  kTypeHashZiplist = 13,
  kTypeListQuicklist = 14,  // nodes are ziplists
  kTypeStreamListpacks = 15,
  kTypeHashListpack = 16,
  kTypeZSetListpack = 17,
  kTypeListQuicklist2 = 18,  // nodes are listpacks (or plain)
  kTypeStreamListpacks2 = 19,
};

// Opcodes between keys.
enum RdbOpcode : uint8_t {
  kOpFunction2 = 245,      // a function library's code
  kOpFunctionPreGa = 246,  // 7.0 release candidates' library format
  kOpModuleAux = 247,
  kOpIdle = 248,          // LRU idle seconds of the next key
  kOpFreq = 249,          // LFU counter of the next key
  kOpAux = 250,           // name and value strings
  kOpResizeDb = 251,      // hash table size hints
  kOpExpireTimeMs = 252,  // 8 bytes little endian, absolute ms
  kOpExpireTime = 253,    // 4 bytes little endian, absolute s
  kOpSelectDb = 254,
  kOpEof = 255,
};

}  // namespace tandem::rdb
