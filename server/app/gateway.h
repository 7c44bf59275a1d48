// SPDX-License-Identifier: MIT
#pragma once

#include "chat/chattypes.h"
#include "transporttypes.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QSet>

namespace chat::auth {
class JwtVerifier;
}
namespace chat::storage {
class Store;
}
namespace chat::transport {
class SocketIoServer;
}
namespace chat::domain {
class Outbox;
class RoomManager;
} // namespace chat::domain

namespace chat::app {

class Metrics;

//! \brief Where the network meets the chat: signs connections in, turns Socket.IO events into
//! domain requests, and carries the domain's deliveries back to sockets.
//!
//! Sign-in (protocol.md §2): the JWT comes from the CONNECT auth payload, else the
//! Authorization header, else the `token` query parameter; a user has at most
//! maxConnectionsPerUser live connections. The user row is refreshed from the token on
//! every connect.
class Gateway : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int maxConnectionsPerUser = 3;
    };

    Gateway(transport::SocketIoServer *io, const auth::JwtVerifier *verifier, storage::Store *store,
            domain::RoomManager *rooms, domain::Outbox *outbox, Metrics *metrics,
            const Options &options, QObject *parent = nullptr);
    ~Gateway() override;

    qsizetype connectionCount() const { return m_connections.size(); }
    qsizetype usersOnline() const { return m_byUser.size(); }
    bool isOnline(qint64 userId) const { return m_byUser.contains(userId); }

private:
    void onConnectRequested(transport::SocketId id, const transport::Handshake &handshake);
    void onConnectAbandoned(transport::SocketId id);
    void onConnected(transport::SocketId id, const transport::Handshake &handshake);
    void onDisconnected(transport::SocketId id);
    void onEvent(transport::SocketId id, const QString &event, const JsonArray &args, qint64 ackId);
    void forget(transport::SocketId id);
    //! Writes the user's row unless this identity was written recently.
    void storeUser(const auth::Identity &identity);

    transport::SocketIoServer *m_io;
    const auth::JwtVerifier *m_verifier;
    storage::Store *m_store;
    domain::RoomManager *m_rooms;
    domain::Outbox *m_outbox;
    Metrics *m_metrics;
    Options m_options;
    //! Accepted connections (approved, and possibly not yet announced by the transport).
    QHash<transport::SocketId, domain::Connection> m_connections;
    QHash<qint64, QSet<transport::SocketId>> m_byUser;
    QElapsedTimer m_clock;
    struct StoredUser
    {
        auth::Identity identity;
        qint64 storedAt = 0; // m_clock
    };
    //! The identities this process wrote to the users table, so that a reconnect (a storm of
    //! them after a restart of the proxy) does not rewrite unchanged rows.
    QHash<qint64, StoredUser> m_storedUsers;
};

} // namespace chat::app
