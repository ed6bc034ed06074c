#include "server/resp/argv_encoder.h"

#include <charconv>

namespace tandem::resp {
namespace {

// Appends "<prefix><n>\r\n".
void AppendHeader(char prefix, size_t n, std::string* out) {
  char buf[24];  // prefix, up to 20 digits, "\r\n"
  buf[0] = prefix;
  char* end = std::to_chars(buf + 1, buf + sizeof(buf), n).ptr;
  *end++ = '\r';
  *end++ = '\n';
  out->append(buf, end - buf);
}

}  // namespace

void EncodeCommand(std::span<const std::string_view> argv, std::string* out) {
  // One allocation at most: headers take at most 23 bytes each, data plus "\r\n" the rest.
  size_t size = 23;
  for (std::string_view arg : argv) size += 23 + arg.size() + 2;
  out->reserve(out->size() + size);
  AppendHeader('*', argv.size(), out);
  for (std::string_view arg : argv) {
    AppendHeader('$', arg.size(), out);
    out->append(arg);
    out->append("\r\n");
  }
}

void EncodeCommand(std::initializer_list<std::string_view> argv, std::string* out) {
  EncodeCommand(std::span<const std::string_view>(argv.begin(), argv.size()), out);
}

}  // namespace tandem::resp
