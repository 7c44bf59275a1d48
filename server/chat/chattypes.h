// SPDX-License-Identifier: MIT
#pragma once

#include "auth/identity.h"
#include "protocol/events.h"
#include "protocol/json.h"
#include "storage/result.h"
#include "storage/types.h"

#include <QtCore/QMetaType>
#include <QtCore/QString>

//! The chat domain: rooms, messages, presence. It knows nothing of sockets: requests come in
//! as values naming a connection, and everything it sends goes out through an Outbox.
namespace chat::domain {

//! A client connection, as the domain sees it. Unique for the life of the process.
using ConnectionId = quint64;

//! \brief A signed-in connection: who is behind it.
struct Connection
{
    ConnectionId id = 0;
    auth::Identity user;

    storage::UserRef ref() const { return {user.userId, user.name, user.avatar}; }
    bool isModerator() const { return user.role != auth::Role::Member; }
};

//! \brief A refusal, with the protocol's error code (protocol.md §3).
struct ChatError
{
    events::ErrorCode code = events::ErrorCode::ServerError;
    QString message;

    JsonObject toJson() const;
};

//! \brief One client request: the event, its payload and where the answer goes.
struct Request
{
    Connection connection;
    events::ClientEvent event = events::ClientEvent::RoomList;
    //! The event as the client named it (chat:error repeats it).
    QString eventName;
    //! The event's first argument (null when none was sent).
    JsonValue payload;
    //! The client's acknowledgement id, or -1 when it asked for none.
    qint64 ackId = -1;
    //! When the request arrived, on QElapsedTimer's monotonic clock (ms), for latency figures.
    qint64 receivedAt = 0;
};

//! The protocol's objects (protocol.md §3).
JsonObject userJson(const storage::UserRef &user);
JsonArray usersJson(const QList<storage::UserRef> &users);
JsonObject messageJson(const storage::Message &message);
JsonObject roomJson(const storage::Room &room);
//! The transport channel that carries a room's events to its members.
QString roomChannel(qint64 roomId);
//! The transport channel that reaches every connection of a user.
QString userChannel(qint64 userId);

} // namespace chat::domain

Q_DECLARE_METATYPE(chat::domain::ConnectionId)
