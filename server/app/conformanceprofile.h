// SPDX-License-Identifier: MIT
#pragma once

#include "transporttypes.h"

#include <QtCore/QObject>
#include <QtCore/QSet>

namespace chat::transport {
class EngineIoServer;
class EngineIoSession;
class SocketIoServer;
} // namespace chat::transport

namespace chat::app {

//! \brief The handlers of the official Engine.IO and Socket.IO protocol test suites
//! (docs/conformance.md): a raw Engine.IO echo endpoint, and Socket.IO namespaces "/" and
//! "/custom" that report the auth payload and echo messages. Installed only by
//! `--profile conformance`.
class ConformanceProfile : public QObject
{
    Q_OBJECT
public:
    ConformanceProfile(transport::EngineIoServer *echoEngine, transport::SocketIoServer *io,
                       QObject *parent = nullptr);

private:
    void onEchoSession(transport::EngineIoSession *session);
    void onConnected(transport::SocketId id, const transport::Handshake &handshake);
    void onEvent(transport::SocketId id, const QString &event, const JsonArray &args, qint64 ackId);

    transport::SocketIoServer *m_io;
    // Sockets of the main namespace: only there do messages echo.
    QSet<transport::SocketId> m_main;
};

} // namespace chat::app
