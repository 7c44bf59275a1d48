// SPDX-License-Identifier: MIT
#pragma once

#include "protocol/json.h"

#include <QtCore/QHash>
#include <QtCore/QList>
#include <QtCore/QMetaType>
#include <QtCore/QString>
#include <QtCore/QUrlQuery>
#include <QtNetwork/QHostAddress>

#include <utility>

namespace chat::transport {

//! Identifies one Socket.IO socket (one namespace of one Engine.IO session) for the life of
//! the process. Never reused; 0 is "no socket".
using SocketId = quint64;

using HttpHeaders = QList<std::pair<QByteArray, QByteArray>>;

//! What the client sent when it connected: the handshake of the Engine.IO session and the
//! auth payload of the namespace's CONNECT packet.
struct Handshake
{
    QString nsp;
    //! The CONNECT packet's payload; an empty object when there was none.
    JsonValue auth;
    QUrlQuery query;
    //! Request headers of the first HTTP request, names in lower case.
    QHash<QByteArray, QByteArray> headers;
    QHostAddress remoteAddress;
    //! The transport the session started on: "polling" or "websocket".
    QString transport;
};

//! A random id of 20 URL-safe characters (120 bits), for Engine.IO and Socket.IO ids.
QString makeRandomId();

//! Why a socket went away, as Socket.IO names it.
namespace reason {
inline const QString ServerNamespaceDisconnect = QStringLiteral("server namespace disconnect");
inline const QString ClientNamespaceDisconnect = QStringLiteral("client namespace disconnect");
inline const QString ServerShuttingDown = QStringLiteral("server shutting down");
inline const QString PingTimeout = QStringLiteral("ping timeout");
inline const QString TransportClose = QStringLiteral("transport close");
inline const QString TransportError = QStringLiteral("transport error");
inline const QString ParseError = QStringLiteral("parse error");
inline const QString ForcedClose = QStringLiteral("forced close");
inline const QString SlowConsumer = QStringLiteral("slow consumer");
} // namespace reason

} // namespace chat::transport

Q_DECLARE_METATYPE(chat::transport::Handshake)
