// SPDX-License-Identifier: MIT
#include "ratelimiter.h"

namespace chat::domain {

bool RateLimiter::tryAcquire(qint64 key, qint64 nowMs)
{
    if (m_limit <= 0)
        return true;
    std::deque<qint64> &events = m_events[key];
    while (!events.empty() && events.front() <= nowMs - m_windowMs)
        events.pop_front();
    if (qsizetype(events.size()) >= m_limit)
        return false;
    events.push_back(nowMs);
    return true;
}

void RateLimiter::prune(qint64 nowMs)
{
    for (auto it = m_events.begin(); it != m_events.end();) {
        if (it->empty() || it->back() <= nowMs - m_windowMs)
            it = m_events.erase(it);
        else
            ++it;
    }
}

} // namespace chat::domain
