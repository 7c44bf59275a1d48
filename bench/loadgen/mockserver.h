// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>

namespace bench {

//! \brief Runs the smallest server the generator can measure: on 127.0.0.1:\a port (0 picks
//! one) it answers the upgrade, Engine.IO open, CONNECT, `room:join` and `message:send`, and
//! broadcasts each `message:new` as one prebuilt frame written to every member.
//!
//! It checks no token and keeps no history. It exists to measure the generator's own ceiling
//! on this machine: against it, the generator's CPU shows how much headroom the generator has,
//! and the smoke test runs without Node.js. Runs until SIGTERM/SIGINT or \a maxSeconds.
int runMockServer(uint16_t port, double maxSeconds);

} // namespace bench
