// SPDX-License-Identifier: MIT
#include "ratelimiter.h"

namespace chat::domain {

RateLimiter::Window &RateLimiter::window(qint64 key, qint64 nowMs)
{
    Window &w = m_events[key];
    while (!w.events.empty() && w.events.front() <= nowMs - m_windowMs)
        w.events.pop_front();
    return w;
}

bool RateLimiter::tryReserve(qint64 key, qint64 nowMs)
{
    if (m_limit <= 0)
        return true;
    Window &w = window(key, nowMs);
    if (qsizetype(w.events.size()) + w.reserved >= m_limit)
        return false;
    ++w.reserved;
    return true;
}

void RateLimiter::commit(qint64 key, qint64 nowMs)
{
    if (m_limit <= 0)
        return;
    Window &w = m_events[key];
    w.reserved = qMax(0, w.reserved - 1);
    w.events.push_back(nowMs);
}

void RateLimiter::release(qint64 key)
{
    if (m_limit <= 0)
        return;
    const auto it = m_events.find(key);
    if (it != m_events.end())
        it->reserved = qMax(0, it->reserved - 1);
}

void RateLimiter::prune(qint64 nowMs)
{
    for (auto it = m_events.begin(); it != m_events.end();) {
        if (it->reserved == 0 && (it->events.empty() || it->events.back() <= nowMs - m_windowMs))
            it = m_events.erase(it);
        else
            ++it;
    }
}

} // namespace chat::domain
