#pragma once
// Encoding of a command as a client sends it: a RESP array of bulk strings
// ("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"). Used wherever Tandem talks to a server as a client
// (replica handshake, propagation to replicas, sentinel probes) and by tests.

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace tandem::resp {

// Appends the encoding of `argv` to *out (which keeps its previous contents).
void EncodeCommand(std::span<const std::string_view> argv, std::string* out);
// For literal commands: EncodeCommand({"REPLCONF", "ACK", offset}, &out).
void EncodeCommand(std::initializer_list<std::string_view> argv, std::string* out);

}  // namespace tandem::resp
