// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <ctime>

namespace bench {

//! \brief CLOCK_MONOTONIC in nanoseconds.
//!
//! One clock for every process of the run: the sender writes it into the message text and the
//! receiver, possibly another worker process, subtracts it from its own reading.
inline int64_t nowNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

constexpr int64_t NsPerMs = 1'000'000;
constexpr int64_t NsPerSec = 1'000'000'000;

} // namespace bench
