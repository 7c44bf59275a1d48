// SPDX-License-Identifier: MIT
#pragma once

#include "chattypes.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QHash>
#include <QtCore/QObject>

#include <optional>

namespace chat::domain {

//! \brief Who is online in each room, and the coalesced room:presence announcements.
//!
//! A user is online in a room while at least one of their connections has joined it. Changes
//! are announced at most once per room per second, each announcement carrying the net change
//! since the last (a join and a leave of the same user in between cancel out). Above
//! ListLimit users only the total is announced: a full list on every join costs bytes that
//! grow with the square of the room.
//!
//! A connection that joined since the last announcement already has a snapshot (room:users);
//! it is told only of what changed after that snapshot, and never of its own arrival.
class RoomPresence : public QObject
{
    Q_OBJECT
public:
    static constexpr int ListLimit = 100;
    static constexpr int IntervalMs = 1000;

    explicit RoomPresence(QObject *parent = nullptr);

    //! \a connection of \a user joined the room; true when the user just came online there.
    bool add(qint64 roomId, const storage::UserRef &user, ConnectionId connection);
    //! \a connection of \a userId left the room; true when the user just went offline there.
    bool remove(qint64 roomId, qint64 userId, ConnectionId connection);

    int total(qint64 roomId) const;
    //! Online users in the order they came, paged.
    QList<storage::UserRef> users(qint64 roomId, int offset, int limit) const;
    //! The first ListLimit online users as the protocol's user array (room:users), kept
    //! between the changes that touch it: once a room is full, joins leave it alone.
    JsonValue firstPage(qint64 roomId) const;

Q_SIGNALS:
    //! A room:presence payload for the room's members, except the listed connections.
    void announce(qint64 roomId, const chat::JsonObject &payload,
                  const QList<chat::domain::ConnectionId> &except);
    //! A room:presence payload for one connection.
    void announceTo(chat::domain::ConnectionId connection, const chat::JsonObject &payload);

private:
    struct Online
    {
        storage::UserRef user;
        int connections = 0;
    };
    struct Change
    {
        qint64 sequence = 0;
        bool joined = false;
        storage::UserRef user;
    };
    struct Room
    {
        QHash<qint64, Online> online;
        QList<qint64> order;
        //! Changes since the last announcement, oldest first.
        QList<Change> changes;
        //! Connections that joined since the last announcement → the last change their
        //! snapshot already shows.
        QHash<ConnectionId, qint64> fresh;
        qint64 sequence = 0;
        qint64 lastSentAt = -IntervalMs;
        bool scheduled = false;
        mutable std::optional<JsonValue> firstPage;
    };

    void record(qint64 roomId, Room &room, bool joined, const storage::UserRef &user);
    void schedule(qint64 roomId);
    void flush(qint64 roomId);
    //! The payload for the changes after \a afterSequence, or an empty object when they cancel.
    JsonObject payload(qint64 roomId, const Room &room, qint64 afterSequence) const;

    QHash<qint64, Room> m_rooms;
    QElapsedTimer m_clock;
};

} // namespace chat::domain
