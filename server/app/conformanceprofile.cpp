// SPDX-License-Identifier: MIT
#include "conformanceprofile.h"

#include "engineioserver.h"
#include "socketioserver.h"

using namespace Qt::StringLiterals;

namespace chat::app {

using namespace chat::transport;

ConformanceProfile::ConformanceProfile(EngineIoServer *echoEngine, SocketIoServer *io,
                                       QObject *parent)
    : QObject(parent), m_io(io)
{
    connect(echoEngine, &EngineIoServer::sessionOpened, this, &ConformanceProfile::onEchoSession);
    io->addNamespace(u"/"_s);
    io->addNamespace(u"/custom"_s);
    connect(io, &SocketIoServer::socketConnected, this, &ConformanceProfile::onConnected);
    connect(io, &SocketIoServer::eventReceived, this, &ConformanceProfile::onEvent);
    connect(io, &SocketIoServer::socketDisconnected, this,
            [this](SocketId id) { m_main.remove(id); });
}

void ConformanceProfile::onEchoSession(EngineIoSession *session)
{
    connect(session, &EngineIoSession::textReceived, session, &EngineIoSession::sendText);
    connect(session, &EngineIoSession::binaryReceived, session, &EngineIoSession::sendBinary);
}

void ConformanceProfile::onConnected(SocketId id, const Handshake &handshake)
{
    if (handshake.nsp == u"/"_s)
        m_main.insert(id);
    m_io->emitToSocket(id, u"auth"_s, {handshake.auth});
}

void ConformanceProfile::onEvent(SocketId id, const QString &event, const JsonArray &args,
                                 qint64 ackId)
{
    if (!m_main.contains(id))
        return;
    if (event == u"message"_s)
        m_io->emitToSocket(id, u"message-back"_s, args);
    else if (event == u"message-with-ack"_s)
        m_io->sendAck(id, ackId, args);
}

} // namespace chat::app
