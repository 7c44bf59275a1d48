// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QHash>

#include <deque>

namespace chat::domain {

//! \brief At most N events per user in any sliding window (e.g. 30 messages a minute).
//!
//! A sliding log, not a fixed window: a burst at the end of one minute and the start of the
//! next cannot double the rate.
class RateLimiter
{
public:
    RateLimiter(int limit, qint64 windowMs) : m_limit(limit), m_windowMs(windowMs) { }

    //! Counts an event for \a key at \a nowMs if it is within the limit; false (and nothing
    //! counted) when it is not. A limit of 0 or less means unlimited.
    bool tryAcquire(qint64 key, qint64 nowMs);
    int limit() const { return m_limit; }
    //! Drops the state of keys idle for a whole window.
    void prune(qint64 nowMs);

private:
    int m_limit;
    qint64 m_windowMs;
    QHash<qint64, std::deque<qint64>> m_events;
};

} // namespace chat::domain
