// SPDX-License-Identifier: MIT
#include "report.h"

#include "histogram.h"
#include "jsonscan.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace bench {

void JsonLine::key(std::string_view name)
{
    if (!m_first)
        m_text += ',';
    m_first = false;
    json::appendQuoted(m_text, name);
    m_text += ':';
}

JsonLine &JsonLine::add(std::string_view name, int64_t value)
{
    key(name);
    m_text += std::to_string(value);
    return *this;
}

JsonLine &JsonLine::add(std::string_view name, double value, int decimals)
{
    key(name);
    if (!std::isfinite(value)) {
        m_text += "null";
        return *this;
    }
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    m_text += buffer;
    return *this;
}

JsonLine &JsonLine::add(std::string_view name, std::string_view value)
{
    key(name);
    json::appendQuoted(m_text, value);
    return *this;
}

JsonLine &JsonLine::add(std::string_view name, bool value)
{
    key(name);
    m_text += value ? "true" : "false";
    return *this;
}

JsonLine &JsonLine::addNull(std::string_view name)
{
    key(name);
    m_text += "null";
    return *this;
}

JsonLine &JsonLine::addRaw(std::string_view name, std::string_view json)
{
    key(name);
    m_text += json;
    return *this;
}

JsonLine &JsonLine::addLatency(std::string_view name, const Histogram &h)
{
    JsonLine inner;
    inner.add("p50", double(h.percentile(50)) / 1000.0, 3)
            .add("p90", double(h.percentile(90)) / 1000.0, 3)
            .add("p99", double(h.percentile(99)) / 1000.0, 3)
            .add("max", double(h.max()) / 1000.0, 3)
            .add("mean", h.mean() / 1000.0, 3)
            .add("count", h.count());
    return addRaw(name, inner.text());
}

std::string utcNow()
{
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

std::string machineJson()
{
    utsname name{};
    uname(&name);
    const double ram = double(sysconf(_SC_PHYS_PAGES)) * double(sysconf(_SC_PAGESIZE));
    // Others may share the machine: the load average tells how quiet it was.
    double load[1] = {0};
    getloadavg(load, 1);
    JsonLine machine;
    machine.add("cores", int64_t(sysconf(_SC_NPROCESSORS_ONLN)))
            .add("ram_gb", ram / double(1 << 30), 1)
            .add("kernel", std::string_view(name.release))
            .add("loadavg_1m", load[0], 2);
    return machine.text();
}

} // namespace bench
