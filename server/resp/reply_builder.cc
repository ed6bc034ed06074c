#include "server/resp/reply_builder.h"

#include <charconv>

#include "server/base/double_format.h"

namespace tandem::resp {

void ReplyBuilder::Header(char prefix, int64_t n) {
  char buf[24];  // prefix, up to 20 characters of int64, "\r\n"
  buf[0] = prefix;
  char* end = std::to_chars(buf + 1, buf + sizeof(buf), n).ptr;
  *end++ = '\r';
  *end++ = '\n';
  out_->append(buf, end - buf);
}

void ReplyBuilder::SimpleString(std::string_view s) {
  out_->push_back('+');
  out_->append(s);
  out_->append("\r\n");
}

void ReplyBuilder::Error(std::string_view message) {
  out_->push_back('-');
  const size_t start = out_->size();
  out_->append(message);
  for (size_t i = out_->find_first_of("\r\n", start); i != std::string::npos;
       i = out_->find_first_of("\r\n", i + 1)) {
    (*out_)[i] = ' ';
  }
  out_->append("\r\n");
}

void ReplyBuilder::Integer(int64_t value) { Header(':', value); }

void ReplyBuilder::Bulk(std::string_view s) {
  Header('$', static_cast<int64_t>(s.size()));
  out_->append(s);
  out_->append("\r\n");
}

void ReplyBuilder::Null() { out_->append(protocol_ == 2 ? "$-1\r\n" : "_\r\n"); }

void ReplyBuilder::NullArray() { out_->append(protocol_ == 2 ? "*-1\r\n" : "_\r\n"); }

void ReplyBuilder::ArrayHeader(size_t n) { Header('*', static_cast<int64_t>(n)); }

void ReplyBuilder::MapHeader(size_t n) {
  if (protocol_ == 2) {
    Header('*', static_cast<int64_t>(2 * n));
  } else {
    Header('%', static_cast<int64_t>(n));
  }
}

void ReplyBuilder::SetHeader(size_t n) {
  Header(protocol_ == 2 ? '*' : '~', static_cast<int64_t>(n));
}

void ReplyBuilder::PushHeader(size_t n) {
  Header(protocol_ == 2 ? '*' : '>', static_cast<int64_t>(n));
}

void ReplyBuilder::Double(double d) {
  char buf[base::kFormatDoubleBufferSize];
  const std::string_view text(buf, base::FormatDouble(d, buf));
  if (protocol_ == 2) {
    Bulk(text);
    return;
  }
  out_->push_back(',');
  out_->append(text);
  out_->append("\r\n");
}

void ReplyBuilder::Bool(bool b) {
  if (protocol_ == 2) {
    out_->append(b ? ":1\r\n" : ":0\r\n");
  } else {
    out_->append(b ? "#t\r\n" : "#f\r\n");
  }
}

void ReplyBuilder::Verbatim(std::string_view text, std::string_view format) {
  if (protocol_ == 2) {
    Bulk(text);
    return;
  }
  Header('=', static_cast<int64_t>(text.size() + format.size() + 1));
  out_->append(format);
  out_->push_back(':');
  out_->append(text);
  out_->append("\r\n");
}

void ReplyBuilder::BigNumber(std::string_view digits) {
  if (protocol_ == 2) {
    Bulk(digits);
    return;
  }
  out_->push_back('(');
  out_->append(digits);
  out_->append("\r\n");
}

void ReplyBuilder::BulkArray(std::span<const std::string_view> items) {
  ArrayHeader(items.size());
  for (std::string_view item : items) Bulk(item);
}

}  // namespace tandem::resp
