// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>

namespace chat {

//! \brief Exponential backoff with randomization, computed as socket.io-client's Manager does.
//!
//! The n-th delay (n counted from 0) is min * factor^n, moved up or down by a random share of
//! at most \c jitter of itself, and capped at max. Matching the reference client keeps the
//! reconnect load on a restarted server the same whichever client the users run.
class Backoff
{
public:
    using Duration = std::chrono::milliseconds;

    Backoff() = default;
    Backoff(Duration min, Duration max, double jitter, double factor = 2.0) noexcept;

    //! \brief The next delay, randomized with QRandomGenerator::global(); counts one attempt.
    Duration next();
    //! \brief The next delay for a given random number \a random in [0, 1); counts one attempt.
    Duration next(double random) noexcept;

    //! \brief The delays handed out since the last reset().
    int attempts() const noexcept { return m_attempts; }
    void reset() noexcept { m_attempts = 0; }

    //! \brief Changes the parameters without resetting the attempt count.
    void setParameters(Duration min, Duration max, double jitter, double factor = 2.0) noexcept;

    Duration min() const noexcept { return m_min; }
    Duration max() const noexcept { return m_max; }
    double jitter() const noexcept { return m_jitter; }
    double factor() const noexcept { return m_factor; }

    //! \brief The delay before attempt number \a attempt (0-based) for the random number
    //! \a random in [0, 1). Pure: next() is this plus the attempt counter.
    static Duration delay(int attempt, Duration min, Duration max, double jitter, double factor,
                          double random) noexcept;

private:
    Duration m_min{1000};
    Duration m_max{5000};
    double m_jitter = 0.5;
    double m_factor = 2.0;
    int m_attempts = 0;
};

} // namespace chat
