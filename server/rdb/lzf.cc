#include "server/rdb/lzf.h"

namespace tandem::rdb {

bool LzfDecompress(std::string_view in, size_t out_len, std::string* out) {
  out->clear();
  // A back reference (at most 3 bytes) copies at most 264 bytes: a larger claimed length is
  // corrupt, and must not be allocated (a forged length would ask for gigabytes).
  if (out_len / 88 > in.size()) return false;
  out->reserve(out_len);
  size_t i = 0;
  while (i < in.size()) {
    unsigned ctrl = static_cast<unsigned char>(in[i++]);
    if (ctrl < 32) {
      size_t run = ctrl + 1;
      if (i + run > in.size() || out->size() + run > out_len) return false;
      out->append(in.substr(i, run));
      i += run;
      continue;
    }
    size_t len = ctrl >> 5;
    if (len == 7) {
      if (i >= in.size()) return false;
      len += static_cast<unsigned char>(in[i++]);
    }
    if (i >= in.size()) return false;
    size_t back = ((ctrl & 0x1f) << 8) + static_cast<unsigned char>(in[i++]) + 1;
    len += 2;
    if (back > out->size() || out->size() + len > out_len) return false;
    // Byte by byte: a match may overlap the bytes it produces.
    size_t from = out->size() - back;
    for (size_t k = 0; k < len; ++k) out->push_back((*out)[from + k]);
  }
  return out->size() == out_len;
}

}  // namespace tandem::rdb
