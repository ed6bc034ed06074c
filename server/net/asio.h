#pragma once
// Boost.Asio, included through here: Boost 1.74's asio/awaitable.hpp uses std::exchange without
// including <utility>, which breaks C++20 builds unless <utility> comes first.

// clang-format off
#include <utility>
#include <boost/asio.hpp>
// clang-format on
