// SPDX-License-Identifier: MIT
#pragma once

#include "chattypes.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QHash>
#include <QtCore/QObject>

namespace chat::domain {

//! \brief Who is online in each room, and the coalesced room:presence announcements.
//!
//! A user is online in a room while at least one of their connections has joined it. Changes
//! are announced at most once per room per second, each announcement carrying every change
//! since the last (a join and a leave of the same user in between cancel out). Above
//! ListLimit users only the total is announced: a full list on every join costs bytes that
//! grow with the square of the room.
class RoomPresence : public QObject
{
    Q_OBJECT
public:
    static constexpr int ListLimit = 100;
    static constexpr int IntervalMs = 1000;

    explicit RoomPresence(QObject *parent = nullptr);

    //! One more connection of \a user in the room; true when the user just came online there.
    bool add(qint64 roomId, const storage::UserRef &user);
    //! One connection fewer; true when the user just went offline there.
    bool remove(qint64 roomId, qint64 userId);

    int total(qint64 roomId) const;
    //! Online users in the order they came, paged.
    QList<storage::UserRef> users(qint64 roomId, int offset, int limit) const;

Q_SIGNALS:
    //! A room:presence payload for the room's members.
    void announce(qint64 roomId, const chat::JsonObject &payload);

private:
    struct Online
    {
        storage::UserRef user;
        int connections = 0;
    };
    struct Room
    {
        QHash<qint64, Online> online;
        QList<qint64> order;
        QList<storage::UserRef> joined;
        QList<qint64> left;
        qint64 lastSentAt = -IntervalMs;
        bool scheduled = false;
    };

    void schedule(qint64 roomId);
    void flush(qint64 roomId);

    QHash<qint64, Room> m_rooms;
    QElapsedTimer m_clock;
};

} // namespace chat::domain
