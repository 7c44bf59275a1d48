// SPDX-License-Identifier: MIT
#include "testserver.h"

#include "httpserver.h"
#include "iofrontend.h"

#include <QtCore/QThread>
#include <QtNetwork/QTcpServer>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace chat::test {

using namespace chat::transport;

TestServer::TestServer(const EngineIoOptions &options, QObject *parent) : QObject(parent)
{
    m_http = new HttpServer(this);
    m_engine = new EngineIoServer(options, this);
    m_http->mountEngineIo(u"/socket.io/"_s, m_engine);
    m_io = new SocketIoServer(m_engine, this);
    m_io->addNamespace(u"/"_s);
    m_io->addNamespace(u"/other"_s);
    connect(m_io, &SocketIoServer::socketConnected, this, &TestServer::onConnected);
    connect(m_io, &SocketIoServer::eventReceived, this, &TestServer::onEvent);
    connect(m_io, &SocketIoServer::ackReceived, this, &TestServer::onAck);
}

TestServer::~TestServer() = default;

int TestServer::defaultIoThreads()
{
    bool ok = false;
    const int fromEnvironment = qEnvironmentVariableIntValue("CHAT_IO_THREADS", &ok);
    if (ok && fromEnvironment >= 0)
        return fromEnvironment;
    return std::max(1, QThread::idealThreadCount());
}

bool TestServer::start()
{
    if (m_ioThreads > 0) {
        auto *frontend = new IoFrontend(m_io, {m_ioThreads, u"/socket.io/"_s}, this);
        QString error;
        if (!frontend->start(QHostAddress::LocalHost, 0, 1024, &error)) {
            qWarning("TestServer: %s", qPrintable(error));
            delete frontend;
            return false;
        }
        m_port = frontend->serverPort();
        m_http->bind(frontend);
        return true;
    }
    auto *listener = new QTcpServer(this);
    listener->setListenBacklogSize(1024);
    if (!listener->listen(QHostAddress::LocalHost, 0))
        return false;
    m_port = listener->serverPort();
    m_http->bind(listener);
    return true;
}

QUrl TestServer::url() const
{
    return QUrl(u"http://127.0.0.1:%1"_s.arg(m_port));
}

void TestServer::onConnected(SocketId id, const Handshake &handshake)
{
    m_io->emitToSocket(
            id, u"welcome"_s,
            {JsonObject{{u"nsp"_s, JsonValue(handshake.nsp)}, {u"auth"_s, handshake.auth}}});
}

void TestServer::onEvent(SocketId id, const QString &event, const JsonArray &args, qint64 ackId)
{
    if (event == u"echo"_s) {
        m_io->emitToSocket(id, u"echo-back"_s, args);
    } else if (event == u"echo-ack"_s) {
        m_io->sendAck(id, ackId, args);
    } else if (event == u"ask-me"_s) {
        m_io->emitWithAck(id, u"question"_s, args, m_nextRequest++);
    } else if (event == u"join"_s) {
        m_io->joinRoom(id, args.value(0).toString());
    } else if (event == u"to-room"_s && args.size() >= 2) {
        m_io->emitToRoom(u"/"_s, args[0].toString(), args[1].toString(), args.mid(2));
    } else if (event == u"binary-please"_s) {
        m_io->emitToSocket(
                id, u"binary"_s,
                {JsonValue::fromBinary(QByteArray("\x01\x02\x03", 3)), JsonValue(u"ok"_s)});
    } else if (event == u"kick-me"_s) {
        m_io->disconnectSocket(id, true);
    }
}

void TestServer::onAck(SocketId id, qint64, const JsonArray &args)
{
    m_io->emitToSocket(id, u"answer"_s, args);
}

} // namespace chat::test
