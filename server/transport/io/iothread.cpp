// SPDX-License-Identifier: MIT
#include "iothread.h"

#include "logging.h"

#include <QtCore/QUrlQuery>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace chat::transport::io {

namespace {

// epoll data of the two descriptors that are not connections. A connection's data is its
// handle, whose slot part never reaches these values.
constexpr quint64 ListenTag = ~quint64(0);
constexpr quint64 WakeTag = ~quint64(0) - 1;
constexpr quint32 GenerationMask = 0xffffff;

constexpr int MaxEvents = 256;
constexpr qsizetype ReadBufferSize = 64 * 1024;
// Reads of one connection per turn before the others get theirs.
constexpr int ReadsPerTurn = 4;
constexpr int AcceptsPerTurn = 128;
constexpr int MaxIovecs = 64;
// A queue that grew this long is given back to the allocator once it drains.
constexpr qsizetype KeptQueueCapacity = 16;
// After EMFILE and the like, accepting resumes this much later instead of spinning.
constexpr qint64 AcceptBackoffMs = 100;

qint64 monotonicMs()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

bool wouldBlock(int error)
{
    return error == EAGAIN || error == EWOULDBLOCK;
}

// Whether the bytes so far can still be "GET <path>...": decides early that a request is for
// the HTTP server, without waiting for its whole head.
bool mayBeDirectWebSocket(QByteArrayView bytes, const QByteArray &path)
{
    const QByteArray prefix = "GET " + path + '?';
    const qsizetype common = std::min(bytes.size(), prefix.size());
    return bytes.first(common) == QByteArrayView(prefix).first(common);
}

void dropWithReset(int fd)
{
    // An abort: no FIN after whatever the kernel still holds for a slow reader.
    const linger reset{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
}

} // namespace

QByteArray engineIoFrames(const sio::Encoded &encoded)
{
    QByteArray frames = serverFrame(Opcode::Text, encoded.text, '4');
    for (const QByteArray &attachment : encoded.attachments)
        frames.append(serverFrame(Opcode::Binary, attachment));
    return frames;
}

IoThread::IoThread(int index, Shared *shared)
    : m_index(index),
      m_shared(shared),
      m_settings(shared->settings),
      m_decoder(shared->settings.maxAttachments)
{
    m_buffer = QByteArray(std::max(ReadBufferSize, MaxRequestHead), Qt::Uninitialized);
    m_pingFrame = serverFrame(Opcode::Text, "2");
    m_openPrefix = QByteArrayLiteral(R"(0{"sid":")");
    m_openSuffix = QByteArrayLiteral(R"(","upgrades":[],"pingInterval":)")
            + QByteArray::number(m_settings.pingIntervalMs)
            + QByteArrayLiteral(R"(,"pingTimeout":)") + QByteArray::number(m_settings.pingTimeoutMs)
            + QByteArrayLiteral(R"(,"maxPayload":)") + QByteArray::number(m_settings.maxPayload)
            + '}';
}

IoThread::~IoThread()
{
    stop();
    if (m_epoll >= 0)
        ::close(m_epoll);
    if (m_wake >= 0)
        ::close(m_wake);
}

bool IoThread::start(QString *error)
{
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    m_wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (m_epoll < 0 || m_wake < 0) {
        *error = u"cannot create the I/O thread's descriptors: %1"_s.arg(
                QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    epoll_event wake{};
    wake.events = EPOLLIN;
    wake.data.u64 = WakeTag;
    epoll_event listen{};
    // Exclusive: a new connection wakes one thread, not all of them.
    listen.events = EPOLLIN | EPOLLEXCLUSIVE;
    listen.data.u64 = ListenTag;
    if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wake, &wake) != 0
        || epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_shared->listenFd, &listen) != 0) {
        *error = u"cannot watch the listening socket: %1"_s.arg(
                QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    m_listening = true;
    m_thread = std::thread([this] { run(); });
    return true;
}

void IoThread::stop()
{
    if (!m_thread.joinable())
        return;
    {
        const std::lock_guard lock(m_inboxMutex);
        m_stopRequested = true;
    }
    const quint64 one = 1;
    [[maybe_unused]] const ssize_t written = ::write(m_wake, &one, sizeof one);
    m_thread.join();
}

void IoThread::post(std::vector<Command> &&commands)
{
    if (commands.empty())
        return;
    bool wasEmpty;
    {
        const std::lock_guard lock(m_inboxMutex);
        wasEmpty = m_inbox.empty();
        if (wasEmpty) {
            m_inbox.swap(commands);
        } else {
            m_inbox.insert(m_inbox.end(), std::make_move_iterator(commands.begin()),
                           std::make_move_iterator(commands.end()));
        }
    }
    commands.clear();
    // Whoever finds the inbox empty wakes the thread; later posters ride on that wake-up.
    if (wasEmpty) {
        const quint64 one = 1;
        [[maybe_unused]] const ssize_t written = ::write(m_wake, &one, sizeof one);
    }
}

void IoThread::post(Command &&command)
{
    std::vector<Command> one;
    one.push_back(std::move(command));
    post(std::move(one));
}

// ---------------------------------------------------------------------------------------------
// The loop

void IoThread::run()
{
    // Named as the storage thread is, for top -H and debuggers.
    const QByteArray name = "chat.io" + QByteArray::number(m_index);
    pthread_setname_np(pthread_self(), name.constData());
    epoll_event events[MaxEvents];
    m_now = monotonicMs();
    for (;;) {
        const int count = epoll_wait(m_epoll, events, MaxEvents, waitTimeout());
        m_now = monotonicMs();
        for (int i = 0; i < count; ++i) {
            const quint64 tag = events[i].data.u64;
            if (tag == ListenTag) {
                acceptConnections();
                continue;
            }
            if (tag == WakeTag) {
                quint64 value;
                [[maybe_unused]] const ssize_t got = ::read(m_wake, &value, sizeof value);
                continue;
            }
            const quint32 slot = quint32(tag);
            if (slot >= m_conns.size())
                continue;
            Conn &c = m_conns[slot];
            if (c.state == State::Free
                || (c.gen & GenerationMask) != ((tag >> 32) & GenerationMask))
                continue;
            if (c.state == State::Sniffing) {
                sniff(slot);
                continue;
            }
            const quint32 ready = events[i].events;
            if (ready & EPOLLOUT) {
                c.writeBlocked = false;
                if (!c.queue.isEmpty())
                    markDirty(slot);
            }
            if (ready & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
                readable(slot);
        }
        if (takeCommands())
            break;
        if (!m_readPending.empty()) {
            std::vector<quint32> pending;
            pending.swap(m_readPending);
            for (const quint32 slot : pending) {
                Conn &c = m_conns[slot];
                if (c.readPending && c.state != State::Free) {
                    c.readPending = false;
                    readable(slot);
                }
            }
        }
        if (!m_listening && m_acceptResumeAt > 0 && m_now >= m_acceptResumeAt)
            resumeAccepting();
        runTimers();
        // What was read goes to the main thread before the writes of this turn, which can
        // take milliseconds when a broadcast reaches thousands of sockets.
        postEvents();
        flushDirty();
        postEvents();
        recycle();
    }
    shutDown();
}

int IoThread::waitTimeout() const
{
    if (!m_readPending.empty())
        return 0;
    qint64 next = -1;
    if (!m_timers.empty())
        next = m_timers.front().at;
    if (!m_listening && m_acceptResumeAt > 0 && (next < 0 || m_acceptResumeAt < next))
        next = m_acceptResumeAt;
    if (next < 0)
        return -1;
    // One more millisecond: epoll_wait counts whole milliseconds and may return a little
    // early, which would otherwise spin until the deadline's millisecond begins.
    const qint64 wait = next - monotonicMs() + 1;
    return int(std::clamp<qint64>(wait, 0, 60000));
}

bool IoThread::takeCommands()
{
    bool stopping;
    {
        const std::lock_guard lock(m_inboxMutex);
        m_commands.swap(m_inbox);
        stopping = m_stopRequested;
    }
    for (Command &command : m_commands)
        execute(command);
    m_commands.clear();
    return stopping;
}

void IoThread::execute(Command &command)
{
    switch (command.kind) {
    case Command::Kind::Send:
        if (lookup(command.conn))
            enqueue(quint32(command.conn), command.bytes);
        return;
    case Command::Kind::Broadcast: {
        // A copy of this thread's own: the reference counts of the frames it queues then stay
        // in this core's cache instead of bouncing between the threads.
        const QByteArray frames(command.bytes.constData(), command.bytes.size());
        for (const ConnHandle target : std::as_const(command.targets)) {
            if (target != command.except && lookup(target))
                enqueue(quint32(target), frames);
        }
        return;
    }
    case Command::Kind::Close:
        if (lookup(command.conn)) {
            if (command.code == 0)
                abort(quint32(command.conn), {}, false);
            else
                beginClose(quint32(command.conn), command.code, {}, false);
        }
        return;
    case Command::Kind::CloseAll:
        for (quint32 slot = 0; slot < m_conns.size(); ++slot) {
            if (m_conns[slot].state == State::Open)
                beginClose(slot, command.code, {}, false);
        }
        return;
    case Command::Kind::Adopt:
        adopt(command.fd);
        return;
    case Command::Kind::StopAccepting:
        if (m_listening)
            epoll_ctl(m_epoll, EPOLL_CTL_DEL, m_shared->listenFd, nullptr);
        m_listening = false;
        m_acceptResumeAt = 0;
        if (command.done)
            command.done->count_down();
        return;
    }
}

void IoThread::shutDown()
{
    // What is queued goes out if the kernel takes it now; nobody waits for slow peers.
    for (quint32 slot = 0; slot < m_conns.size(); ++slot) {
        Conn &c = m_conns[slot];
        if (c.state == State::Open || c.state == State::Closing) {
            c.writeBlocked = false;
            flush(slot);
        }
        if (m_conns[slot].fd >= 0)
            ::close(m_conns[slot].fd);
        m_conns[slot].fd = -1;
    }
    m_conns.clear();
    // Sockets adopted but never served.
    for (const Command &command : m_inbox) {
        if (command.kind == Command::Kind::Adopt)
            ::close(command.fd);
    }
    m_inbox.clear();
}

// ---------------------------------------------------------------------------------------------
// New connections

void IoThread::acceptConnections()
{
    const int threads = int(m_shared->threads.size());
    for (int i = 0; i < AcceptsPerTurn; ++i) {
        const int fd = accept4(m_shared->listenFd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            const int error = errno;
            if (wouldBlock(error))
                return;
            if (error == EINTR || error == ECONNABORTED || error == EPROTO)
                continue;
            // Out of descriptors or memory: pause instead of waking on the same
            // connection again and again.
            qCWarning(lcIo) << "I/O thread" << m_index << "cannot accept:" << std::strerror(error)
                            << "- pausing";
            if (m_listening)
                epoll_ctl(m_epoll, EPOLL_CTL_DEL, m_shared->listenFd, nullptr);
            m_listening = false;
            m_acceptResumeAt = m_now + AcceptBackoffMs;
            return;
        }
        const int noDelay = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &noDelay, sizeof noDelay);
        const int target = int(m_shared->nextThread.fetch_add(1, std::memory_order_relaxed)
                               % quint32(threads));
        if (target == m_index)
            adopt(fd);
        else
            m_shared->threads[size_t(target)]->post(Command::adopt(fd));
    }
}

void IoThread::resumeAccepting()
{
    epoll_event listen{};
    listen.events = EPOLLIN | EPOLLEXCLUSIVE;
    listen.data.u64 = ListenTag;
    if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_shared->listenFd, &listen) == 0) {
        m_listening = true;
        m_acceptResumeAt = 0;
    } else {
        m_acceptResumeAt = m_now + AcceptBackoffMs;
    }
}

void IoThread::adopt(int fd)
{
    const quint32 slot = allocate(fd, State::Sniffing);
    Conn &c = m_conns[slot];
    c.deadline = m_now + m_settings.sniffTimeoutMs;
    epoll_event event{};
    // Edge-triggered: every connection is registered once and never modified. Reads go on
    // until EAGAIN, writes until the kernel refuses more.
    event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    event.data.u64 = handleOf(slot);
    if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event) != 0) {
        release(slot);
        return;
    }
    arm(slot);
    // The request may be here already.
    sniff(slot);
}

void IoThread::sniff(quint32 slot)
{
    Conn &c = m_conns[slot];
    // Peek: a request for the HTTP server must reach it unread.
    const ssize_t got = ::recv(c.fd, m_buffer.data(), size_t(MaxRequestHead), MSG_PEEK);
    if (got == 0) {
        release(slot);
        return;
    }
    if (got < 0) {
        if (!wouldBlock(errno) && errno != EINTR)
            release(slot);
        return;
    }
    const QByteArrayView bytes(m_buffer.constData(), got);
    const qsizetype headLength = requestHeadLength(bytes);
    if (headLength == 0) {
        if (got >= MaxRequestHead || !mayBeDirectWebSocket(bytes, m_settings.path))
            handOff(slot);
        return;
    }
    const std::optional<RequestHead> head = parseRequestHead(bytes.first(headLength));
    if (!head || !isDirectWebSocket(*head)) {
        handOff(slot);
        return;
    }
    openSession(slot, headLength, *head);
}

bool IoThread::isDirectWebSocket(const RequestHead &head) const
{
    if (head.path() != QByteArrayView(m_settings.path) || !isWebSocketUpgrade(head))
        return false;
    // Parsed as the HTTP server would, so that the two never disagree on who serves what.
    const QUrlQuery query(QString::fromLatin1(head.query()));
    return query.queryItemValue(u"EIO"_s) == u"4"_s
            && query.queryItemValue(u"transport"_s) == u"websocket"_s
            && query.queryItemValue(u"sid"_s).isEmpty();
}

void IoThread::openSession(quint32 slot, qsizetype headLength, const RequestHead &head)
{
    Conn &c = m_conns[slot];
    const QByteArray sid = makeRandomId().toLatin1();
    QByteArray open;
    open.reserve(m_openPrefix.size() + sid.size() + m_openSuffix.size());
    open.append(m_openPrefix).append(sid).append(m_openSuffix);
    QByteArray answer = upgradeResponse(head.value("sec-websocket-key"));
    answer.append(serverFrame(Opcode::Text, open));
    c.requestHead = QByteArray(m_buffer.constData(), headLength);

    // Now take the head off the socket; any frames behind it stay for readable().
    qsizetype taken = 0;
    while (taken < headLength) {
        const ssize_t got = ::recv(c.fd, m_buffer.data(), size_t(headLength - taken), 0);
        if (got <= 0 && !(got < 0 && errno == EINTR)) {
            release(slot);
            return;
        }
        if (got > 0)
            taken += got;
    }

    c.state = State::Open;
    c.pingDueAt = m_now + m_settings.pingIntervalMs;
    c.connectDeadline = m_now + m_settings.connectTimeoutMs;
    enqueue(slot, answer);
    arm(slot);
    report(Event::make(Event::Kind::Opened, handleOf(slot)));
    readable(slot);
}

void IoThread::handOff(quint32 slot)
{
    Conn &c = m_conns[slot];
    epoll_ctl(m_epoll, EPOLL_CTL_DEL, c.fd, nullptr);
    Event event = Event::make(Event::Kind::HandOff, 0);
    event.fd = c.fd;
    c.fd = -1;
    report(std::move(event));
    release(slot);
}

// ---------------------------------------------------------------------------------------------
// Reading

void IoThread::readable(quint32 slot)
{
    if (m_conns[slot].state == State::Closing) {
        // Whatever the peer still sends is dropped; its EOF ends the close.
        for (;;) {
            const ssize_t got
                    = ::recv(m_conns[slot].fd, m_buffer.data(), size_t(m_buffer.size()), 0);
            if (got > 0 || (got < 0 && errno == EINTR))
                continue;
            if (got < 0 && wouldBlock(errno))
                return;
            release(slot);
            return;
        }
    }
    const quint32 gen = m_conns[slot].gen;
    for (int round = 0; round < ReadsPerTurn; ++round) {
        Conn &c = m_conns[slot];
        if (c.gen != gen || c.state != State::Open)
            return;
        const ssize_t got = ::recv(c.fd, m_buffer.data(), size_t(m_buffer.size()), 0);
        if (got > 0) {
            qsizetype consumed = 0;
            if (!consume(slot, reinterpret_cast<uchar *>(m_buffer.data()), got, &consumed))
                return;
            // A short read emptied the socket; edge-triggered epoll reports what comes next.
            if (got < m_buffer.size())
                return;
            continue;
        }
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0 && wouldBlock(errno))
            return;
        // EOF or a reset: the client is gone.
        abort(slot, reason::TransportClose, true);
        return;
    }
    // More may be waiting; the others go first.
    Conn &c = m_conns[slot];
    if (c.gen == gen && c.state == State::Open && !c.readPending) {
        c.readPending = true;
        m_readPending.push_back(slot);
    }
}

bool IoThread::consume(quint32 slot, uchar *data, qsizetype size, qsizetype *consumed)
{
    Conn &c = m_conns[slot];
    const quint32 gen = c.gen;
    const auto sink = [this, slot](const FrameReader::Message &message) {
        return onMessage(slot, message);
    };
    qsizetype used;
    if (c.partial.isEmpty()) {
        used = c.reader.read(data, size, m_settings.maxPayload, sink);
        if (c.gen != gen || c.state != State::Open)
            return false;
        if (used >= 0 && used < size)
            c.partial = QByteArray(reinterpret_cast<const char *>(data) + used, size - used);
    } else {
        c.partial.append(reinterpret_cast<const char *>(data), size);
        used = c.reader.read(reinterpret_cast<uchar *>(c.partial.data()), c.partial.size(),
                             m_settings.maxPayload, sink);
        if (c.gen != gen || c.state != State::Open)
            return false;
        if (used == c.partial.size())
            c.partial = QByteArray();
        else if (used > 0)
            c.partial.remove(0, used);
    }
    if (used < 0) {
        // The close code says why: 1002, 1007 or 1009.
        beginClose(slot, c.reader.closeCode(), reason::TransportError, true);
        return false;
    }
    *consumed = used;
    return true;
}

bool IoThread::onMessage(quint32 slot, const FrameReader::Message &message)
{
    Conn &c = m_conns[slot];
    if (c.state != State::Open)
        return false;
    switch (message.opcode) {
    case Opcode::Text:
        return onEngineIoText(slot, message.payload);
    case Opcode::Binary:
        return onEngineIoBinary(slot, message.payload);
    case Opcode::Ping:
        enqueue(slot, serverFrame(Opcode::Pong, message.payload));
        return c.state == State::Open;
    case Opcode::Pong:
        return true;
    case Opcode::Close: {
        quint16 code = closecode::Normal;
        if (message.payload.size() >= 2)
            code = quint16(quint16(uchar(message.payload[0])) << 8 | uchar(message.payload[1]));
        beginClose(slot, code, reason::TransportClose, true);
        return false;
    }
    case Opcode::Continuation:
        break;
    }
    return false;
}

bool IoThread::onEngineIoText(quint32 slot, QByteArrayView text)
{
    Conn &c = m_conns[slot];
    if (text.isEmpty()) {
        abort(slot, reason::ParseError, true);
        return false;
    }
    switch (text.front()) {
    case '4': {
        sio::Decoder &decoder = c.decoder ? *c.decoder : m_decoder;
        return onSocketIoStatus(slot, decoder, decoder.feedText(text.sliced(1)));
    }
    case '3':
        c.awaitingPong = false;
        c.pingDueAt = m_now + m_settings.pingIntervalMs;
        arm(slot);
        return true;
    case '1':
        beginClose(slot, closecode::Normal, reason::TransportClose, true);
        return false;
    case '6':
        return true;
    default:
        // A ping from the client (v4 pings go the other way), open, upgrade, or garbage.
        abort(slot, reason::ParseError, true);
        return false;
    }
}

bool IoThread::onEngineIoBinary(quint32 slot, QByteArrayView bytes)
{
    Conn &c = m_conns[slot];
    if (!c.decoder) {
        // No binary packet waits for attachments.
        abort(slot, reason::ParseError, true);
        return false;
    }
    sio::Decoder &decoder = *c.decoder;
    return onSocketIoStatus(slot, decoder, decoder.feedBinary(bytes.toByteArray()));
}

bool IoThread::onSocketIoStatus(quint32 slot, sio::Decoder &decoder, sio::Decoder::Status status)
{
    Conn &c = m_conns[slot];
    switch (status) {
    case sio::Decoder::Status::Packet: {
        Event event = Event::make(Event::Kind::Packet, handleOf(slot));
        event.packet = decoder.takePacket();
        if (event.packet.type == sio::PacketType::Connect)
            event.handshake = handshakeOf(c);
        if (&decoder == c.decoder.get())
            c.decoder.reset();
        report(std::move(event));
        return true;
    }
    case sio::Decoder::Status::NeedMore:
        // The packet waits for attachments: its state moves to the connection, and the
        // thread's decoder starts afresh for the others.
        if (!c.decoder) {
            c.decoder = std::make_unique<sio::Decoder>(std::move(m_decoder));
            m_decoder = sio::Decoder(m_settings.maxAttachments);
        }
        return true;
    case sio::Decoder::Status::Error:
        qCDebug(lcIo) << "closing a session on a malformed packet:" << decoder.errorString();
        if (&decoder == &m_decoder)
            m_decoder.reset();
        abort(slot, reason::ParseError, true);
        return false;
    }
    return false;
}

std::shared_ptr<const Handshake> IoThread::handshakeOf(const Conn &c) const
{
    auto handshake = std::make_shared<Handshake>();
    if (const std::optional<RequestHead> head = parseRequestHead(c.requestHead)) {
        handshake->query = QUrlQuery(QString::fromLatin1(head->query()));
        for (const RequestHead::Field &field : head->fields)
            handshake->headers.insert(field.name.toByteArray().toLower(),
                                      field.value.toByteArray());
    }
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    if (::getpeername(c.fd, reinterpret_cast<sockaddr *>(&peer), &length) == 0)
        handshake->remoteAddress.setAddress(reinterpret_cast<const sockaddr *>(&peer));
    handshake->transport = u"websocket"_s;
    return handshake;
}

// ---------------------------------------------------------------------------------------------
// Writing

void IoThread::enqueue(quint32 slot, const QByteArray &bytes)
{
    Conn &c = m_conns[slot];
    if (c.state != State::Open)
        return;
    c.queue.append(bytes);
    c.queuedBytes += bytes.size();
    markDirty(slot);
    const qint64 limit = m_settings.sendBufferLimit;
    if (c.queuedBytes <= limit)
        return;
    if (c.queuedBytes > 4 * limit) {
        qCInfo(lcIo) << "closing a slow consumer with" << c.queuedBytes << "bytes queued";
        abort(slot, reason::SlowConsumer, true);
        return;
    }
    if (c.slowSince == 0) {
        c.slowSince = m_now;
        arm(slot);
    }
}

void IoThread::markDirty(quint32 slot)
{
    Conn &c = m_conns[slot];
    if (!c.dirty) {
        c.dirty = true;
        m_dirty.push_back(slot);
    }
}

void IoThread::flushDirty()
{
    // Everything queued for a socket during the turn goes out in one writev.
    for (size_t i = 0; i < m_dirty.size(); ++i) {
        const quint32 slot = m_dirty[i];
        Conn &c = m_conns[slot];
        c.dirty = false;
        if ((c.state == State::Open || c.state == State::Closing) && !c.writeBlocked
            && !c.queue.isEmpty())
            flush(slot);
    }
    m_dirty.clear();
}

void IoThread::flush(quint32 slot)
{
    Conn &c = m_conns[slot];
    while (!c.queue.isEmpty()) {
        iovec iov[MaxIovecs];
        int count = 0;
        size_t offered = 0;
        for (qsizetype i = 0; i < c.queue.size() && count < MaxIovecs; ++i) {
            const QByteArray &chunk = c.queue.at(i);
            const qsizetype skip = i == 0 ? c.headOffset : 0;
            iov[count].iov_base = const_cast<char *>(chunk.constData() + skip);
            iov[count].iov_len = size_t(chunk.size() - skip);
            offered += iov[count].iov_len;
            ++count;
        }
        msghdr message{};
        message.msg_iov = iov;
        message.msg_iovlen = size_t(count);
        const ssize_t sent = ::sendmsg(c.fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent < 0) {
            if (errno == EINTR)
                continue;
            if (wouldBlock(errno)) {
                c.writeBlocked = true;
                break;
            }
            if (c.state == State::Open)
                abort(slot, reason::TransportClose, true);
            else
                release(slot);
            return;
        }
        c.queuedBytes -= sent;
        qsizetype left = sent;
        while (left > 0) {
            const qsizetype available = c.queue.constFirst().size() - c.headOffset;
            if (left < available) {
                c.headOffset += left;
                break;
            }
            left -= available;
            c.queue.removeFirst();
            c.headOffset = 0;
        }
        if (size_t(sent) < offered) {
            // The kernel's buffer is full; EPOLLOUT says when it has room again.
            c.writeBlocked = true;
            break;
        }
    }
    if (c.queue.isEmpty()) {
        if (c.queue.capacity() > KeptQueueCapacity)
            c.queue = QList<QByteArray>();
        else
            c.queue.clear();
        c.headOffset = 0;
        c.queuedBytes = 0;
        if (c.shutdownAfterFlush) {
            c.shutdownAfterFlush = false;
            ::shutdown(c.fd, SHUT_WR);
        }
    }
    if (c.slowSince != 0 && c.queuedBytes <= m_settings.sendBufferLimit)
        c.slowSince = 0;
}

// ---------------------------------------------------------------------------------------------
// Timers: one pending entry per connection at most, for its earliest deadline. A deadline
// that moves later leaves the entry in place; it fires, finds nothing due, and re-arms.

void IoThread::arm(quint32 slot)
{
    Conn &c = m_conns[slot];
    qint64 deadline = 0;
    switch (c.state) {
    case State::Free:
        return;
    case State::Sniffing:
    case State::Closing:
        deadline = c.deadline;
        break;
    case State::Open:
        deadline = c.awaitingPong ? c.pingDueAt + m_settings.pingTimeoutMs : c.pingDueAt;
        if (c.connectDeadline != 0)
            deadline = std::min(deadline, c.connectDeadline);
        if (c.slowSince != 0)
            deadline = std::min(deadline, c.slowSince + m_settings.slowConsumerGraceMs);
        break;
    }
    if (c.timerAt != 0 && c.timerAt <= deadline)
        return;
    c.timerAt = deadline;
    m_timers.push_back({deadline, slot, c.gen});
    std::push_heap(m_timers.begin(), m_timers.end(), std::greater<>());
}

void IoThread::runTimers()
{
    while (!m_timers.empty() && m_timers.front().at <= m_now) {
        std::pop_heap(m_timers.begin(), m_timers.end(), std::greater<>());
        const Timer timer = m_timers.back();
        m_timers.pop_back();
        Conn &c = m_conns[timer.slot];
        if (c.gen != timer.gen || c.state == State::Free || c.timerAt != timer.at)
            continue;
        c.timerAt = 0;
        onTimer(timer.slot);
    }
}

void IoThread::onTimer(quint32 slot)
{
    Conn &c = m_conns[slot];
    switch (c.state) {
    case State::Free:
        return;
    case State::Sniffing:
        if (m_now >= c.deadline) {
            // Silent so far: perhaps a browser's preconnect. The HTTP server decides.
            handOff(slot);
            return;
        }
        break;
    case State::Closing:
        if (m_now >= c.deadline) {
            release(slot);
            return;
        }
        break;
    case State::Open:
        // An idle connection keeps no queue: its capacity goes back at each heartbeat, off
        // the path of busy connections, which reuse it turn after turn.
        if (c.queue.isEmpty() && c.queue.capacity() != 0)
            c.queue = QList<QByteArray>();
        if (c.connectDeadline != 0 && m_now >= c.connectDeadline) {
            c.connectDeadline = 0;
            report(Event::make(Event::Kind::ConnectTimeout, handleOf(slot)));
        }
        if (c.slowSince != 0 && m_now >= c.slowSince + m_settings.slowConsumerGraceMs) {
            if (c.queuedBytes > m_settings.sendBufferLimit) {
                qCInfo(lcIo) << "closing a slow consumer with" << c.queuedBytes << "bytes queued";
                abort(slot, reason::SlowConsumer, true);
                return;
            }
            c.slowSince = 0;
        }
        if (c.awaitingPong && m_now >= c.pingDueAt + m_settings.pingTimeoutMs) {
            beginClose(slot, closecode::Normal, reason::PingTimeout, true);
            return;
        }
        if (!c.awaitingPong && m_now >= c.pingDueAt) {
            c.awaitingPong = true;
            enqueue(slot, m_pingFrame);
            if (c.state != State::Open)
                return;
        }
        break;
    }
    arm(slot);
}

// ---------------------------------------------------------------------------------------------
// Closing

void IoThread::beginClose(quint32 slot, quint16 code, const QString &why, bool notify)
{
    Conn &c = m_conns[slot];
    if (c.state != State::Open)
        return;
    c.state = State::Closing;
    if (notify)
        report(Event::make(Event::Kind::Closed, handleOf(slot), why));
    const QByteArray frame = closeFrame(code);
    c.queue.append(frame);
    c.queuedBytes += frame.size();
    c.shutdownAfterFlush = true;
    c.deadline = m_now + m_settings.closeLingerMs;
    c.decoder.reset();
    c.requestHead = QByteArray();
    markDirty(slot);
    arm(slot);
}

void IoThread::abort(quint32 slot, const QString &why, bool notify)
{
    Conn &c = m_conns[slot];
    if (c.state == State::Open && notify)
        report(Event::make(Event::Kind::Closed, handleOf(slot), why));
    if (c.fd >= 0)
        dropWithReset(c.fd);
    release(slot);
}

void IoThread::release(quint32 slot)
{
    Conn &c = m_conns[slot];
    if (c.state == State::Free)
        return;
    // Closing also takes the socket out of the epoll set.
    if (c.fd >= 0)
        ::close(c.fd);
    c.fd = -1;
    c.state = State::Free;
    // Never 0 in a handle: 0 means "no connection".
    if ((++c.gen & GenerationMask) == 0)
        ++c.gen;
    // The slot is reset and reused only after the turn: a frame reader of this connection
    // may still be on the stack.
    m_recycle.push_back(slot);
}

void IoThread::recycle()
{
    for (const quint32 slot : m_recycle) {
        Conn &c = m_conns[slot];
        const quint32 gen = c.gen;
        c = Conn();
        c.gen = gen;
        m_freeSlots.push_back(slot);
    }
    m_recycle.clear();
}

void IoThread::report(Event &&event)
{
    m_events.push_back(std::move(event));
}

void IoThread::postEvents()
{
    if (m_events.empty())
        return;
    m_shared->sink->postEvents(std::move(m_events));
    m_events = {};
}

// ---------------------------------------------------------------------------------------------

IoThread::Conn *IoThread::lookup(ConnHandle handle)
{
    const quint32 slot = quint32(handle);
    if (slot >= m_conns.size())
        return nullptr;
    Conn &c = m_conns[slot];
    if (c.state != State::Open || (c.gen & GenerationMask) != ((handle >> 32) & GenerationMask))
        return nullptr;
    return &c;
}

ConnHandle IoThread::handleOf(quint32 slot) const
{
    return quint64(m_index) << 56 | quint64(m_conns[slot].gen & GenerationMask) << 32 | slot;
}

quint32 IoThread::allocate(int fd, State state)
{
    quint32 slot;
    if (!m_freeSlots.empty()) {
        slot = m_freeSlots.back();
        m_freeSlots.pop_back();
    } else {
        slot = quint32(m_conns.size());
        m_conns.emplace_back();
    }
    Conn &c = m_conns[slot];
    c.fd = fd;
    c.state = state;
    return slot;
}

} // namespace chat::transport::io
