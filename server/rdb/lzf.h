#pragma once
// LZF compression and decompression, for the compressed strings of RDB files and DUMP payloads
// (Redis compresses strings longer than 20 bytes when `rdbcompression` is on). Format: a control
// byte below 32 starts a literal run of control+1 bytes; otherwise its top 3 bits are a match
// length - 2 (7: add the next byte) and its low 5 bits with the next byte are a back offset - 1.

#include <cstddef>
#include <string>
#include <string_view>

namespace tandem::rdb {

// Compresses `in` into a valid LZF stream (hash-chained back-references of up to 264 bytes within
// 8 KB, literal runs of up to 32 bytes). Not byte-identical to liblzf's output, which the format
// does not require.
std::string LzfCompress(std::string_view in);

// Decompresses `in` into exactly `out_len` bytes; false when the input is malformed or does not
// produce exactly `out_len` bytes.
bool LzfDecompress(std::string_view in, size_t out_len, std::string* out);

}  // namespace tandem::rdb
