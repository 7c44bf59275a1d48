// SPDX-License-Identifier: MIT
#pragma once

#include "protocol/json.h"

namespace chat::transport {

//! The error answers of an Engine.IO server, with the codes the reference server sends in its
//! 400 bodies ({"code":N,"message":"..."}).
enum class EngineIoError {
    None = -1,
    UnknownTransport = 0,
    UnknownSid = 1,
    BadHandshakeMethod = 2,
    BadRequest = 3,
    Forbidden = 4,
    UnsupportedProtocolVersion = 5,
};

JsonValue errorBody(EngineIoError error);

} // namespace chat::transport
