// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace bench {

class Histogram;

//! \brief Builds the one-line JSON result of a scenario, in the order fields are added.
class JsonLine
{
public:
    JsonLine &add(std::string_view key, int64_t value);
    JsonLine &add(std::string_view key, uint64_t value) { return add(key, int64_t(value)); }
    JsonLine &add(std::string_view key, int value) { return add(key, int64_t(value)); }
    JsonLine &add(std::string_view key, double value, int decimals = 3);
    JsonLine &add(std::string_view key, std::string_view value);
    JsonLine &add(std::string_view key, const char *value)
    {
        return add(key, std::string_view(value));
    }
    JsonLine &add(std::string_view key, bool value);
    JsonLine &addNull(std::string_view key);
    JsonLine &addRaw(std::string_view key, std::string_view json);
    //! {"p50":..,"p90":..,"p99":..,"max":..,"mean":..,"count":..} in milliseconds.
    JsonLine &addLatency(std::string_view key, const Histogram &histogram);
    std::string text() const { return m_text + "}"; }

private:
    void key(std::string_view key);
    std::string m_text = "{";
    bool m_first = true;
};

//! The current UTC time as 2026-11-22T08:00:00Z.
std::string utcNow();
//! {"cores":N,"ram_gb":X,"kernel":"..."} of this machine.
std::string machineJson();

} // namespace bench
