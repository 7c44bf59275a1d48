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

    //! Holds a place for an event of \a key whose outcome is not known yet: false when the
    //! events in the window plus the places held reach the limit. Follow with commit() or
    //! release(). A limit of 0 or less means unlimited.
    bool tryReserve(qint64 key, qint64 nowMs);
    //! The reserved event happened at \a nowMs.
    void commit(qint64 key, qint64 nowMs);
    //! The reserved event did not happen.
    void release(qint64 key);
    int limit() const { return m_limit; }
    //! Drops the state of keys idle for a whole window.
    void prune(qint64 nowMs);

private:
    int m_limit;
    qint64 m_windowMs;
    struct Window
    {
        std::deque<qint64> events;
        int reserved = 0;
    };
    Window &window(qint64 key, qint64 nowMs);

    QHash<qint64, Window> m_events;
};

} // namespace chat::domain
