// SPDX-License-Identifier: MIT
#include "roompresence.h"

#include <QtCore/QTimer>

using namespace Qt::StringLiterals;

namespace chat::domain {

RoomPresence::RoomPresence(QObject *parent) : QObject(parent)
{
    m_clock.start();
}

bool RoomPresence::add(qint64 roomId, const storage::UserRef &user, ConnectionId connection)
{
    Room &room = m_rooms[roomId];
    Online &entry = room.online[user.id];
    const bool cameOnline = ++entry.connections == 1;
    if (!cameOnline && entry.user != user)
        room.firstPage.reset(); // a new name or avatar
    entry.user = user;
    if (cameOnline) {
        room.order.append(user.id);
        if (room.order.size() <= ListLimit)
            room.firstPage.reset();
        record(roomId, room, true, user);
    }
    // What room:users shows this connection now needs no announcement to it.
    room.fresh.insert(connection, room.sequence);
    return cameOnline;
}

bool RoomPresence::remove(qint64 roomId, qint64 userId, ConnectionId connection)
{
    const auto roomIt = m_rooms.find(roomId);
    if (roomIt == m_rooms.end())
        return false;
    Room &room = *roomIt;
    room.fresh.remove(connection);
    const auto it = room.online.find(userId);
    if (it == room.online.end() || --it->connections > 0)
        return false;
    const storage::UserRef user = it->user;
    room.online.erase(it);
    const qsizetype position = room.order.indexOf(userId);
    if (position >= 0)
        room.order.remove(position);
    if (position < ListLimit)
        room.firstPage.reset();
    record(roomId, room, false, user);
    return true;
}

void RoomPresence::record(qint64 roomId, Room &room, bool joined, const storage::UserRef &user)
{
    room.changes.append({++room.sequence, joined, user});
    schedule(roomId);
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

JsonValue RoomPresence::firstPage(qint64 roomId) const
{
    const auto it = m_rooms.constFind(roomId);
    if (it == m_rooms.constEnd())
        return JsonValue(JsonArray());
    if (!it->firstPage)
        it->firstPage = JsonValue(usersJson(users(roomId, 0, ListLimit)));
    return *it->firstPage;
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

JsonObject RoomPresence::payload(qint64 roomId, const Room &room, qint64 afterSequence) const
{
    // Net change per user: the first and the last of their changes in the window decide.
    struct Net
    {
        bool firstJoined = false;
        bool lastJoined = false;
        storage::UserRef user;
    };
    QHash<qint64, Net> net;
    QList<qint64> seen;
    for (const Change &change : room.changes) {
        if (change.sequence <= afterSequence)
            continue;
        auto it = net.find(change.user.id);
        if (it == net.end()) {
            it = net.insert(change.user.id, {change.joined, change.joined, change.user});
            seen.append(change.user.id);
        }
        it->lastJoined = change.joined;
    }
    JsonArray joined;
    JsonArray left;
    for (const qint64 userId : std::as_const(seen)) {
        const Net &change = net[userId];
        if (change.firstJoined && change.lastJoined)
            joined.append(userJson(change.user));
        else if (!change.firstJoined && !change.lastJoined)
            left.append(JsonValue(userId));
    }
    if (joined.isEmpty() && left.isEmpty())
        return {};
    JsonObject result{{u"roomId"_s, JsonValue(roomId)}};
    const int count = int(room.online.size());
    if (count <= ListLimit) {
        result.insert(u"joined"_s, JsonValue(std::move(joined)));
        result.insert(u"left"_s, JsonValue(std::move(left)));
    }
    result.insert(u"total"_s, JsonValue(count));
    return result;
}

void RoomPresence::flush(qint64 roomId)
{
    const auto it = m_rooms.find(roomId);
    if (it == m_rooms.end())
        return;
    Room &room = *it;
    room.scheduled = false;
    if (room.changes.isEmpty())
        return;
    room.lastSentAt = m_clock.elapsed();
    const JsonObject everyone = payload(roomId, room, 0);
    const bool listed = room.online.size() <= ListLimit;
    QList<ConnectionId> fresh;
    if (listed) {
        // Connections that joined in this window have their snapshot: only what came after.
        fresh = room.fresh.keys();
        for (auto f = room.fresh.cbegin(); f != room.fresh.cend(); ++f) {
            const JsonObject late = payload(roomId, room, f.value());
            if (!late.isEmpty())
                Q_EMIT announceTo(f.key(), late);
        }
    }
    room.changes.clear();
    room.fresh.clear();
    if (!everyone.isEmpty())
        Q_EMIT announce(roomId, everyone, fresh);
    if (room.online.isEmpty())
        m_rooms.erase(it);
}

} // namespace chat::domain
