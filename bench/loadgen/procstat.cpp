// SPDX-License-Identifier: MIT
#include "procstat.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace bench {

namespace {

bool readFile(const std::string &path, std::string &out)
{
    FILE *file = std::fopen(path.c_str(), "re");
    if (!file)
        return false;
    char buffer[4096];
    size_t n;
    out.clear();
    while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0)
        out.append(buffer, n);
    std::fclose(file);
    return true;
}

} // namespace

ProcSample sampleProcesses(const std::vector<pid_t> &pids)
{
    ProcSample sample;
    if (pids.empty())
        return sample;
    const double ticks = double(sysconf(_SC_CLK_TCK));
    std::string text;
    for (const pid_t pid : pids) {
        const std::string base = "/proc/" + std::to_string(pid);
        if (!readFile(base + "/status", text))
            return {};
        const size_t rss = text.find("VmRSS:");
        if (rss == std::string::npos)
            return {};
        sample.rssKb += std::strtoll(text.c_str() + rss + 6, nullptr, 10);
        if (!readFile(base + "/stat", text))
            return {};
        // The command name may hold spaces and parentheses: fields count from the last ')'.
        const size_t close = text.rfind(')');
        if (close == std::string::npos)
            return {};
        const char *p = text.c_str() + close + 2;
        unsigned long long utime = 0, stime = 0;
        // Fields 3..13 come first (state, ppid, ... cmajflt), then utime (14) and stime (15).
        if (std::sscanf(p, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime)
            != 2)
            return {};
        sample.cpuSeconds += double(utime + stime) / ticks;
    }
    sample.ok = true;
    return sample;
}

double selfCpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

} // namespace bench
