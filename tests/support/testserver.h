// SPDX-License-Identifier: MIT
#pragma once

#include "engineioserver.h"
#include "socketioserver.h"

#include <QtCore/QObject>
#include <QtCore/QUrl>

namespace chat::transport {
class HttpServer;
}

namespace chat::test {

//! \brief The transport on a real port (127.0.0.1, port 0) with a small set of handlers that
//! exercise it, for the integration tests of the C++ client and the official socket.io-client.
//!
//! Namespaces "/" and "/other"; on connection the socket gets "welcome" {nsp, auth}, and:
//! - "echo" (...args) → "echo-back" (...args), binary included
//! - "echo-ack" (...args, ack) → ack(...args)
//! - "ask-me" (value) → emits "question" [value] with an ack request; the client's answer
//!   comes back as "answer" (...answer)
//! - "join" (room) joins a room; "to-room" (room, event, ...args) emits to the room
//! - "binary-please" () → "binary" (<bytes 1,2,3>, "ok")
//! - "kick-me" () → the whole Engine.IO session is closed (the client should reconnect)
//!
//! Like the server, it runs with I/O threads (direct WebSockets served off this thread) or
//! without (everything on Qt's sockets in this thread): CHAT_IO_THREADS in the environment
//! chooses, else one thread per core, unless setIoThreads() says otherwise.
class TestServer : public QObject
{
    Q_OBJECT
public:
    explicit TestServer(const transport::EngineIoOptions &options = {}, QObject *parent = nullptr);
    ~TestServer() override;

    //! Before start(): 0 for none.
    void setIoThreads(int threads) { m_ioThreads = threads; }
    int ioThreads() const { return m_ioThreads; }
    //! The threads the environment asks for (CHAT_IO_THREADS), else one per core.
    static int defaultIoThreads();

    bool start();
    quint16 port() const { return m_port; }
    //! http://127.0.0.1:PORT
    QUrl url() const;
    transport::SocketIoServer *io() const { return m_io; }
    transport::EngineIoServer *engine() const { return m_engine; }

private:
    void onConnected(transport::SocketId id, const transport::Handshake &handshake);
    void onEvent(transport::SocketId id, const QString &event, const JsonArray &args, qint64 ackId);
    void onAck(transport::SocketId id, qint64 requestId, const JsonArray &args);

    transport::HttpServer *m_http = nullptr;
    transport::EngineIoServer *m_engine = nullptr;
    transport::SocketIoServer *m_io = nullptr;
    quint16 m_port = 0;
    int m_ioThreads = defaultIoThreads();
    qint64 m_nextRequest = 1;
};

} // namespace chat::test
