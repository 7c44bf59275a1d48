// SPDX-License-Identifier: MIT
#pragma once

#include "io/iothread.h"

#include <QtCore/QPointer>
#include <QtNetwork/QTcpServer>

#include <memory>
#include <mutex>
#include <vector>

namespace chat::transport {

class SocketIoServer;

//! \brief The server's listening socket, served by I/O threads.
//!
//! The I/O threads accept every connection and peek at its request head. A direct WebSocket
//! to the Socket.IO endpoint (`GET <path>?EIO=4&transport=websocket`, no sid) stays on the I/O
//! thread for its whole life, as a session of the SocketIoServer. Every other connection
//! (long-polling, the upgrade of a polling session, the REST API) is handed over unread to
//! the HTTP server this is bound to, as one of its pending connections. Sessions of both kinds
//! live under the one SocketIoServer: rooms and broadcasts span them.
//!
//! Commands to the threads (sends, broadcasts, closes) are collected during a turn of the
//! main thread's event loop and posted as one batch per thread; events from a thread arrive
//! as one batch per turn of that thread.
class IoFrontend : public QTcpServer, private io::EventSink
{
    Q_OBJECT
public:
    struct Options
    {
        //! I/O threads, at least 1.
        int threads = 1;
        //! The path of the Socket.IO endpoint, as mounted in the HTTP server.
        QString path = QStringLiteral("/socket.io/");
    };

    IoFrontend(SocketIoServer *io, const Options &options, QObject *parent = nullptr);
    ~IoFrontend() override;

    //! Listens and starts the I/O threads, with the settings of the SocketIoServer and its
    //! Engine.IO endpoint as they are now. Then bind the HTTP server to this object
    //! (QAbstractHttpServer::bind) so that it receives the other connections.
    bool start(const QHostAddress &address, quint16 port, int backlog, QString *error);
    //! Stops accepting connections; the open ones stay. Must come before close().
    void stopAccepting();
    int threadCount() const { return int(m_threads.size()); }

    QTcpSocket *nextPendingConnection() override;

private:
    friend class SocketIoServer;

    void incomingConnection(qintptr fd) override;
    void postEvents(std::vector<io::Event> &&events) override;

    void send(io::ConnHandle conn, QByteArray frames);
    void broadcast(const QByteArray &frames, const std::vector<QList<io::ConnHandle>> &targets,
                   io::ConnHandle except);
    //! \a code 0 drops the connection without a close frame.
    void closeSession(io::ConnHandle conn, quint16 code);
    void closeAllSessions(quint16 code);

    void queue(int thread, io::Command &&command);
    void flushCommands();
    void drainEvents();
    void handOver(int fd);

    QPointer<SocketIoServer> m_io;
    Options m_options;
    io::Shared m_shared;
    std::vector<std::unique_ptr<io::IoThread>> m_threads;
    std::vector<std::vector<io::Command>> m_pending;
    bool m_flushScheduled = false;
    bool m_accepting = false;

    std::mutex m_eventsMutex;
    std::vector<io::Event> m_events;
};

} // namespace chat::transport
