// SPDX-License-Identifier: MIT
#pragma once

#include "chattypes.h"
#include "ratelimiter.h"
#include "roompresence.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QSet>

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

    void completeJoin(const Request &request, const storage::Room &room, qint64 since);
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
};

} // namespace chat::domain
