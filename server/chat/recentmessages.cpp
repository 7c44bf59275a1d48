// SPDX-License-Identifier: MIT
#include "recentmessages.h"

#include <algorithm>

namespace chat::domain {

void RecentMessages::seed(qint64 roomId, const storage::MessagePage &newest)
{
    if (!isEnabled() || m_rooms.contains(roomId))
        return;
    // Without older messages the page is the whole room; otherwise it holds every message from
    // its first one on (an empty page with older messages says nothing).
    if (newest.hasMore && newest.messages.isEmpty())
        return;
    Window window;
    window.messages = newest.messages;
    window.floor = newest.hasMore ? newest.messages.constFirst().id - 1 : 0;
    trim(window);
    m_rooms.insert(roomId, std::move(window));
}

void RecentMessages::seedAfter(qint64 roomId, qint64 sinceId, const storage::MessagePage &after)
{
    // An empty page says nothing: \a sinceId may lie beyond the newest message.
    if (!isEnabled() || after.hasMore || after.messages.isEmpty() || m_rooms.contains(roomId))
        return;
    Window window;
    window.messages = after.messages;
    window.floor = sinceId;
    trim(window);
    m_rooms.insert(roomId, std::move(window));
}

void RecentMessages::append(const storage::Message &message)
{
    const auto it = m_rooms.find(message.roomId);
    if (it == m_rooms.end())
        return;
    if (!it->messages.isEmpty() && message.id <= it->messages.constLast().id) {
        // Out of order: the window can no longer vouch for the room.
        m_rooms.erase(it);
        return;
    }
    it->messages.append(message);
    trim(*it);
}

void RecentMessages::update(const storage::Message &message)
{
    const auto it = m_rooms.find(message.roomId);
    if (it == m_rooms.end())
        return;
    QList<storage::Message> &messages = it->messages;
    const auto found
            = std::lower_bound(messages.begin(), messages.end(), message.id,
                               [](const storage::Message &m, qint64 id) { return m.id < id; });
    if (found != messages.end() && found->id == message.id)
        *found = message;
}

std::optional<storage::MessagePage> RecentMessages::newest(qint64 roomId, int limit) const
{
    const auto it = m_rooms.constFind(roomId);
    if (it == m_rooms.cend() || limit < 1)
        return std::nullopt;
    const QList<storage::Message> &messages = it->messages;
    storage::MessagePage page;
    if (messages.size() > limit) {
        page.messages = messages.sliced(messages.size() - limit);
        page.hasMore = true;
        return page;
    }
    // Fewer than asked: the answer is whole only if nothing is older than the window.
    if (it->floor > 0)
        return std::nullopt;
    page.messages = messages;
    return page;
}

std::optional<storage::MessagePage> RecentMessages::after(qint64 roomId, qint64 sinceId,
                                                          int limit) const
{
    const auto it = m_rooms.constFind(roomId);
    if (it == m_rooms.cend() || limit < 1 || sinceId < it->floor)
        return std::nullopt;
    const QList<storage::Message> &messages = it->messages;
    const auto first
            = std::upper_bound(messages.cbegin(), messages.cend(), sinceId,
                               [](qint64 id, const storage::Message &m) { return id < m.id; });
    const qsizetype start = first - messages.cbegin();
    const qsizetype available = messages.size() - start;
    storage::MessagePage page;
    page.messages = messages.sliced(start, std::min<qsizetype>(available, limit));
    page.hasMore = available > limit;
    return page;
}

void RecentMessages::trim(Window &window) const
{
    // Trimmed by a quarter at a time rather than one message per append.
    if (window.messages.size() <= m_capacity + m_capacity / 4)
        return;
    const qsizetype excess = window.messages.size() - m_capacity;
    window.floor = window.messages.at(excess - 1).id;
    window.messages.remove(0, excess);
}

} // namespace chat::domain
