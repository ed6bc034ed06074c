#pragma once
// ReplyBuilder: appends RESP2 or RESP3 replies to a connection's output buffer, byte for byte as
// Redis 7.0 writes them. Where RESP3 has a type that RESP2 lacks, the RESP2 form is Redis's
// fallback (a map becomes a flat array, a double a bulk string, a boolean the integer 1 or 0, ...).
//
// Borrows the buffer: it must outlive the builder. Not thread-safe; one per connection.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace tandem::resp {

class ReplyBuilder {
 public:
  // Appends to `out`, which keeps its previous contents. `protocol` is 2 or 3.
  explicit ReplyBuilder(std::string& out, int protocol = 2) : out_(&out), protocol_(protocol) {}

  // 2 or 3 (HELLO switches it).
  void set_protocol(int protocol) { protocol_ = protocol; }
  int protocol() const { return protocol_; }
  std::string& buffer() { return *out_; }

  // "+s\r\n". `s` must not contain '\r' or '\n'.
  void SimpleString(std::string_view s);
  // "-message\r\n". `message` is the whole text after '-', code first ("ERR syntax error"); '\r'
  // and '\n' in it become spaces, as in Redis, so the reply stays one line.
  void Error(std::string_view message);
  void Integer(int64_t value);
  void Bulk(std::string_view s);
  // The null bulk string: RESP2 "$-1", RESP3 "_".
  void Null();
  // The null array: RESP2 "*-1", RESP3 "_".
  void NullArray();
  // Aggregate headers; the caller then writes the elements. A map has n key/value pairs (2n
  // elements; RESP2 "*2n"); a set and a push are plain arrays in RESP2.
  void ArrayHeader(size_t n);
  void MapHeader(size_t n);
  void SetHeader(size_t n);
  void PushHeader(size_t n);
  // RESP3 ",<d>", RESP2 a bulk string; formatted like Redis 7.0: %.17g, "inf" and "-inf".
  void Double(double d);
  // RESP3 "#t"/"#f", RESP2 ":1"/":0".
  void Bool(bool b);
  // RESP3 "=<len>\r\n<format>:<text>", RESP2 a bulk string of the text. `format` has 3 characters.
  void Verbatim(std::string_view text, std::string_view format = "txt");
  // RESP3 "(<digits>", RESP2 a bulk string.
  void BigNumber(std::string_view digits);
  // An array of bulk strings.
  void BulkArray(std::span<const std::string_view> items);
  // Appends bytes as they are (pre-encoded replies).
  void Raw(std::string_view bytes) { out_->append(bytes); }

 private:
  // Appends "<prefix><n>\r\n".
  void Header(char prefix, int64_t n);

  std::string* out_;
  int protocol_;
};

}  // namespace tandem::resp
