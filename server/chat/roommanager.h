// SPDX-License-Identifier: MIT
#pragma once

#include "chattypes.h"
#include "ratelimiter.h"
#include "recentmessages.h"
#include "roompresence.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QSet>

#include <functional>

namespace chat::storage {
class Store;
}

namespace chat::domain {

class Outbox;

//! \brief Community rooms (protocol.md §4): the room list, joining and leaving, who is
//! online, messages with their history, read marks and typing indicators.
//!
//! Each handler checks the payload, then the permission, then writes to the store; nothing is
//! announced or acknowledged before the store has committed it. Lives in one thread.
class RoomManager : public QObject
{
    Q_OBJECT
public:
    struct Limits
    {
        //! Messages per user per minute; 0 or less for no limit.
        int messagesPerMinute = 30;
        int maxMessageLength = 2000;
        int historyPage = 50;
        int maxPage = 100;
        int typingIntervalMs = 2000;
        int maxClientIdLength = 64;
        //! Newest messages per room kept in memory to answer joins without the store; only
        //! for a process that writes every message of its rooms. 0 keeps none.
        int recentMessages = 0;
    };

    RoomManager(storage::Store *store, Outbox *outbox, const Limits &limits,
                QObject *parent = nullptr);
    ~RoomManager() override;

    //! A signed-in connection arrived or left.
    void connectionOpened(const Connection &connection);
    void connectionClosed(ConnectionId connection);

    //! Handles one of the events of protocol.md §4.
    void handle(const Request &request);
    static bool handles(events::ClientEvent event);

    //! Online users of a room (for the REST API and metrics).
    int onlineCount(qint64 roomId) const { return m_presence.total(roomId); }
    //! Users' names or avatars changed in the store, or may have: messages kept in memory
    //! carry the old ones.
    void authorsChanged();

Q_SIGNALS:
    //! A message was stored and announced; \a latencyMs from its request's arrival.
    void messageAnnounced(qint64 roomId, qint64 latencyMs);

private:
    struct ConnectionState
    {
        Connection connection;
        QSet<qint64> rooms;
    };

    void roomList(const Request &request);
    void roomJoin(const Request &request);
    void roomLeave(const Request &request);
    void roomMembers(const Request &request);
    void messageSend(const Request &request);
    void messageEdit(const Request &request);
    void messageDelete(const Request &request);
    void messageHistory(const Request &request);
    void roomRead(const Request &request);
    void typing(const Request &request, bool start);

    //! The room, from memory when it was read recently.
    void findRoom(bool bySlug, const QString &slug, qint64 roomId,
                  const std::function<void(storage::Result<storage::Room>)> &done);
    void completeJoin(const Request &request, const storage::Room &room, qint64 since);
    void sendJoined(const Request &request, const storage::Room &room,
                    const storage::MessagePage &page);
    void storeMessage(const Request &request, const storage::NewMessage &message);
    void leave(ConnectionState &state, qint64 roomId);
    bool hasJoined(ConnectionId connection, qint64 roomId) const;
    void fail(const Request &request, events::ErrorCode code, const QString &message);
    //! Answers a storage failure: not_found for NotFound, server_error for the rest.
    void fail(const Request &request, const storage::Error &error);

    storage::Store *m_store;
    Outbox *m_outbox;
    Limits m_limits;
    RoomPresence m_presence;
    RateLimiter m_rateLimiter;
    QHash<ConnectionId, ConnectionState> m_connections;
    // When each (room, user) last showed "typing", for the throttle, and who shows it now.
    QHash<QPair<qint64, qint64>, qint64> m_typingShown;
    QSet<QPair<qint64, qint64>> m_typing;
    QElapsedTimer m_clock;
    // Read-through copies that spare the store a join's reads and writes: rooms (briefly, as
    // an administrator may change them), the (room, user) memberships known to be stored
    // (never removed for community rooms), and the newest messages.
    struct CachedRoom
    {
        storage::Room room;
        qint64 readAt = 0;
    };
    QHash<qint64, CachedRoom> m_rooms;
    QHash<QString, qint64> m_roomIdsBySlug;
    QSet<QPair<qint64, qint64>> m_knownMembers;
    RecentMessages m_recent;
};

} // namespace chat::domain
