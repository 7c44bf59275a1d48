// SPDX-License-Identifier: MIT
#include "roompresence.h"

#include <QtCore/QTimer>

using namespace Qt::StringLiterals;

namespace chat::domain {

RoomPresence::RoomPresence(QObject *parent) : QObject(parent)
{
    m_clock.start();
}

bool RoomPresence::add(qint64 roomId, const storage::UserRef &user)
{
    Room &room = m_rooms[roomId];
    Online &entry = room.online[user.id];
    entry.user = user;
    if (++entry.connections > 1)
        return false;
    room.order.append(user.id);
    if (!room.left.removeOne(user.id))
        room.joined.append(user);
    schedule(roomId);
    return true;
}

bool RoomPresence::remove(qint64 roomId, qint64 userId)
{
    const auto roomIt = m_rooms.find(roomId);
    if (roomIt == m_rooms.end())
        return false;
    Room &room = *roomIt;
    const auto it = room.online.find(userId);
    if (it == room.online.end() || --it->connections > 0)
        return false;
    room.online.erase(it);
    room.order.removeOne(userId);
    const auto joinedHere = std::find_if(room.joined.begin(), room.joined.end(),
                                         [userId](const auto &user) { return user.id == userId; });
    if (joinedHere != room.joined.end())
        room.joined.erase(joinedHere);
    else
        room.left.append(userId);
    schedule(roomId);
    return true;
}

int RoomPresence::total(qint64 roomId) const
{
    const auto it = m_rooms.constFind(roomId);
    return it == m_rooms.constEnd() ? 0 : int(it->online.size());
}

QList<storage::UserRef> RoomPresence::users(qint64 roomId, int offset, int limit) const
{
    QList<storage::UserRef> result;
    const auto it = m_rooms.constFind(roomId);
    if (it == m_rooms.constEnd())
        return result;
    const QList<qint64> page = it->order.mid(offset, limit);
    result.reserve(page.size());
    for (const qint64 userId : page)
        result.append(it->online.value(userId).user);
    return result;
}

void RoomPresence::schedule(qint64 roomId)
{
    Room &room = m_rooms[roomId];
    if (room.scheduled)
        return;
    room.scheduled = true;
    // Changes made in the same turn of the event loop always travel together.
    const qint64 wait = qMax<qint64>(0, room.lastSentAt + IntervalMs - m_clock.elapsed());
    QTimer::singleShot(int(wait), this, [this, roomId] { flush(roomId); });
}

void RoomPresence::flush(qint64 roomId)
{
    const auto it = m_rooms.find(roomId);
    if (it == m_rooms.end())
        return;
    Room &room = *it;
    room.scheduled = false;
    if (room.joined.isEmpty() && room.left.isEmpty())
        return;
    room.lastSentAt = m_clock.elapsed();
    const int count = int(room.online.size());
    JsonObject payload{{u"roomId"_s, JsonValue(roomId)}};
    if (count <= ListLimit) {
        JsonArray joined;
        joined.reserve(room.joined.size());
        for (const storage::UserRef &user : std::as_const(room.joined))
            joined.append(userJson(user));
        JsonArray left;
        left.reserve(room.left.size());
        for (const qint64 userId : std::as_const(room.left))
            left.append(JsonValue(userId));
        payload.insert(u"joined"_s, JsonValue(std::move(joined)));
        payload.insert(u"left"_s, JsonValue(std::move(left)));
    }
    payload.insert(u"total"_s, JsonValue(count));
    room.joined.clear();
    room.left.clear();
    Q_EMIT announce(roomId, payload);
}

} // namespace chat::domain
