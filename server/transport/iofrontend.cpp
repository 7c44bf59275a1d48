// SPDX-License-Identifier: MIT
#include "iofrontend.h"

#include "engineioserver.h"
#include "logging.h"
#include "socketioserver.h"

#include <QtNetwork/QTcpSocket>

#include <latch>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace chat::transport {

IoFrontend::IoFrontend(SocketIoServer *io, const Options &options, QObject *parent)
    : QTcpServer(parent), m_io(io), m_options(options)
{
    m_options.threads = std::max(1, m_options.threads);
    io->attachFrontend(this);
}

IoFrontend::~IoFrontend()
{
    // Before QTcpServer closes the listening socket the threads still watch.
    for (const auto &thread : m_threads)
        thread->stop();
    const std::lock_guard lock(m_eventsMutex);
    for (const io::Event &event : m_events) {
        if (event.kind == io::Event::Kind::HandOff)
            ::close(event.fd);
    }
    m_events.clear();
    if (m_io)
        m_io->attachFrontend(nullptr);
}

bool IoFrontend::start(const QHostAddress &address, quint16 port, int backlog, QString *error)
{
    setListenBacklogSize(backlog);
    if (!listen(address, port)) {
        *error = errorString();
        return false;
    }
    // The I/O threads accept; Qt's own notifier on this socket stays off.
    pauseAccepting();

    const EngineIoOptions &engine = m_io->engine()->options();
    io::Settings &settings = m_shared.settings;
    settings.path = engine.allowWebSocket ? m_options.path.toUtf8() : QByteArray();
    settings.pingIntervalMs = engine.pingIntervalMs;
    settings.pingTimeoutMs = engine.pingTimeoutMs;
    settings.maxPayload = engine.maxPayload;
    settings.sendBufferLimit = engine.sendBufferLimit;
    settings.slowConsumerGraceMs = engine.slowConsumerGraceMs;
    settings.connectTimeoutMs = m_io->m_connectTimeoutMs;
    settings.maxAttachments = m_io->m_maxAttachments;
    m_shared.listenFd = int(socketDescriptor());
    m_shared.sink = this;

    for (int i = 0; i < m_options.threads; ++i)
        m_threads.push_back(std::make_unique<io::IoThread>(i, &m_shared));
    for (const auto &thread : m_threads)
        m_shared.threads.push_back(thread.get());
    m_pending.resize(m_threads.size());
    for (const auto &thread : m_threads) {
        if (!thread->start(error)) {
            for (const auto &started : m_threads)
                started->stop();
            m_threads.clear();
            m_shared.threads.clear();
            close();
            return false;
        }
    }
    m_accepting = true;
    qCDebug(lcIo) << "serving" << m_options.path << "on" << m_threads.size() << "I/O threads";
    return true;
}

void IoFrontend::stopAccepting()
{
    if (!m_accepting)
        return;
    m_accepting = false;
    std::latch done(std::ptrdiff_t(m_threads.size()));
    for (const auto &thread : m_threads) {
        io::Command command;
        command.kind = io::Command::Kind::StopAccepting;
        command.done = &done;
        thread->post(std::move(command));
    }
    done.wait();
}

QTcpSocket *IoFrontend::nextPendingConnection()
{
    // QTcpServer turns its accept notifier back on here; the I/O threads do the accepting.
    QTcpSocket *socket = QTcpServer::nextPendingConnection();
    if (isListening())
        pauseAccepting();
    return socket;
}

void IoFrontend::incomingConnection(qintptr fd)
{
    // Only reached if Qt accepted after all: the connection goes where the others go.
    if (m_threads.empty()) {
        ::close(int(fd));
        return;
    }
    const int noDelay = 1;
    ::setsockopt(int(fd), IPPROTO_TCP, TCP_NODELAY, &noDelay, sizeof noDelay);
    const quint32 target = m_shared.nextThread.fetch_add(1, std::memory_order_relaxed)
            % quint32(m_threads.size());
    io::Command command;
    command.kind = io::Command::Kind::Adopt;
    command.fd = int(fd);
    m_threads[target]->post(std::move(command));
}

void IoFrontend::postEvents(std::vector<io::Event> &&events)
{
    bool wasEmpty;
    {
        const std::lock_guard lock(m_eventsMutex);
        wasEmpty = m_events.empty();
        if (wasEmpty)
            m_events.swap(events);
        else
            m_events.insert(m_events.end(), std::make_move_iterator(events.begin()),
                            std::make_move_iterator(events.end()));
    }
    // One queued call drains whatever the threads add until it runs.
    if (wasEmpty)
        QMetaObject::invokeMethod(this, &IoFrontend::drainEvents, Qt::QueuedConnection);
}

void IoFrontend::drainEvents()
{
    std::vector<io::Event> events;
    {
        const std::lock_guard lock(m_eventsMutex);
        events.swap(m_events);
    }
    for (io::Event &event : events) {
        switch (event.kind) {
        case io::Event::Kind::HandOff:
            handOver(event.fd);
            break;
        case io::Event::Kind::Opened:
            if (m_io)
                m_io->remoteOpened(event.conn);
            break;
        case io::Event::Kind::Packet:
            if (m_io)
                m_io->remotePacket(event.conn, event.packet, event.handshake.get());
            break;
        case io::Event::Kind::Closed:
            if (m_io)
                m_io->remoteClosed(event.conn, event.reason);
            break;
        case io::Event::Kind::ConnectTimeout:
            if (m_io)
                m_io->remoteConnectTimeout(event.conn);
            break;
        }
    }
    // What the handlers answered goes out now, in one batch per thread.
    flushCommands();
}

void IoFrontend::handOver(int fd)
{
    if (!isListening()) {
        // Shutting down: a request that was still being sniffed finds the door closed.
        ::close(fd);
        return;
    }
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(fd)) {
        qCWarning(lcIo) << "cannot hand a connection to the HTTP server:" << socket->errorString();
        ::close(fd);
        delete socket;
        return;
    }
    addPendingConnection(socket);
    Q_EMIT newConnection();
}

void IoFrontend::send(io::ConnHandle conn, QByteArray frames)
{
    io::Command command;
    command.kind = io::Command::Kind::Send;
    command.conn = conn;
    command.bytes = std::move(frames);
    queue(io::threadOf(conn), std::move(command));
}

void IoFrontend::broadcast(const QByteArray &frames,
                           const std::vector<QList<io::ConnHandle>> &targets, io::ConnHandle except)
{
    for (size_t thread = 0; thread < targets.size() && thread < m_threads.size(); ++thread) {
        if (targets[thread].isEmpty())
            continue;
        io::Command command;
        command.kind = io::Command::Kind::Broadcast;
        command.except = except;
        command.bytes = frames;
        command.targets = targets[thread];
        queue(int(thread), std::move(command));
    }
}

void IoFrontend::closeSession(io::ConnHandle conn, quint16 code)
{
    io::Command command;
    command.kind = io::Command::Kind::Close;
    command.conn = conn;
    command.code = code;
    queue(io::threadOf(conn), std::move(command));
}

void IoFrontend::closeAllSessions(quint16 code)
{
    for (int thread = 0; thread < int(m_threads.size()); ++thread) {
        io::Command command;
        command.kind = io::Command::Kind::CloseAll;
        command.code = code;
        queue(thread, std::move(command));
    }
}

void IoFrontend::queue(int thread, io::Command &&command)
{
    if (thread < 0 || size_t(thread) >= m_threads.size())
        return;
    m_pending[size_t(thread)].push_back(std::move(command));
    if (!m_flushScheduled) {
        // Sent when this turn of the event loop is over, with whatever else it produces.
        m_flushScheduled = true;
        QMetaObject::invokeMethod(this, &IoFrontend::flushCommands, Qt::QueuedConnection);
    }
}

void IoFrontend::flushCommands()
{
    m_flushScheduled = false;
    for (size_t thread = 0; thread < m_threads.size(); ++thread) {
        if (!m_pending[thread].empty())
            m_threads[thread]->post(std::move(m_pending[thread]));
    }
}

} // namespace chat::transport
