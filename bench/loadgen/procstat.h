// SPDX-License-Identifier: MIT
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <vector>

namespace bench {

//! \brief What /proc says of the server under test: resident memory and CPU time, summed
//! over its processes (a server may run several).
struct ProcSample
{
    bool ok = false;
    int64_t rssKb = 0;
    double cpuSeconds = 0; //!< user + system, all threads
};

ProcSample sampleProcesses(const std::vector<pid_t> &pids);

//! User + system CPU seconds of the calling process.
double selfCpuSeconds();

} // namespace bench
