// SPDX-License-Identifier: MIT
#include "backoff.h"

#include <QtCore/QRandomGenerator>

#include <algorithm>
#include <cmath>
#include <limits>

namespace chat {

Backoff::Backoff(Duration min, Duration max, double jitter, double factor) noexcept
{
    setParameters(min, max, jitter, factor);
}

void Backoff::setParameters(Duration min, Duration max, double jitter, double factor) noexcept
{
    m_min = std::max(min, Duration::zero());
    m_max = std::max(max, Duration::zero());
    m_jitter = std::clamp(jitter, 0.0, 1.0);
    m_factor = std::max(factor, 1.0);
}

Backoff::Duration Backoff::next()
{
    return next(QRandomGenerator::global()->generateDouble());
}

Backoff::Duration Backoff::next(double random) noexcept
{
    const Duration d = delay(m_attempts, m_min, m_max, m_jitter, m_factor, random);
    if (m_attempts < std::numeric_limits<int>::max())
        ++m_attempts;
    return d;
}

Backoff::Duration Backoff::delay(int attempt, Duration min, Duration max, double jitter,
                                 double factor, double random) noexcept
{
    // Doubles, because factor^attempt overflows any integer after a few hundred attempts
    // (attempts are unlimited by default); the cap below brings it back in range.
    double ms = double(min.count()) * std::pow(factor, double(std::max(attempt, 0)));
    if (jitter > 0) {
        const double deviation = std::floor(random * jitter * ms);
        // One random number decides both the size and, through its first decimal digit, the
        // direction of the deviation, as in the reference client.
        const bool down = (qint64(std::floor(random * 10)) & 1) == 0;
        ms = down ? ms - deviation : ms + deviation;
    }
    ms = std::clamp(ms, 0.0, double(max.count()));
    return Duration(qint64(ms));
}

} // namespace chat
