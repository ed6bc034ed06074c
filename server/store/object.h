#pragma once
// Values that are not plain strings (lists, sets, hashes, ...) live behind this interface; an Entry
// owns at most one Object. Strings are stored inline in the Entry instead (see entry.h).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace tandem::store {

// The type TYPE reports. The numeric values are internal only.
enum class ValueType : uint8_t { kString, kList, kSet, kZSet, kHash, kStream };

std::string_view TypeName(ValueType type);

class Object {
 public:
  virtual ~Object() = default;
  virtual ValueType type() const = 0;
  // Encoding name as OBJECT ENCODING reports it ("listpack", "hashtable", ...).
  virtual std::string_view encoding() const = 0;
  // Deep copy, for COPY.
  virtual std::unique_ptr<Object> Clone() const = 0;
};

}  // namespace tandem::store
