// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

//! The HTTP/1.1 upgrade of a WebSocket client (RFC 6455 §4.1).
namespace bench::ws {

//! A Sec-WebSocket-Key: base64 of 16 bytes made from \a a and \a b.
std::string makeKey(uint64_t a, uint64_t b);

//! The upgrade request for \a path (with its query) on \a host.
std::string upgradeRequest(std::string_view host, std::string_view pathAndQuery,
                           std::string_view key);

enum class UpgradeResult { Incomplete, Accepted, Refused };

//! Checks the response at the start of \a data: status 101 and the right
//! Sec-WebSocket-Accept. \a headerLength is set to the bytes the response took.
UpgradeResult checkUpgradeResponse(std::string_view data, std::string_view key,
                                   size_t &headerLength);

} // namespace bench::ws
