#pragma once
// Splitting of an inline command line into arguments, exactly as Redis 7.0's sdssplitargs() does it
// (also the rule for redis-cli input and config file lines):
//  - arguments are separated by spaces, tabs, '\r' or '\n'; leading blanks (isspace) are skipped;
//  - "double quotes" accept \n \r \t \b \a \" \\ and \xHH escapes (any other \c is c);
//  - 'single quotes' accept only \' as an escape;
//  - quotes may start mid-argument (foo"bar" is foobar), but a closing quote must be followed by a
//    blank or the end of the line.
// The line is read like a C string: a NUL byte ends it.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::base {

// Where one argument sits in a storage string.
struct ArgSpan {
  size_t offset;
  size_t length;
};

// Appends the unescaped arguments of `line` to *storage, back to back, and one ArgSpan per argument
// (offsets into *storage) to *spans. Returns false on unbalanced quotes or a closing quote followed
// by something other than a blank; *storage and *spans then hold partial output.
[[nodiscard]] bool SplitInlineArgs(std::string_view line, std::string* storage,
                                   std::vector<ArgSpan>* spans);

// The same split into one string per argument; nullopt on the errors above.
std::optional<std::vector<std::string>> SplitArgs(std::string_view line);

}  // namespace tandem::base
