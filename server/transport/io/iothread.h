// SPDX-License-Identifier: MIT
#pragma once

#include "protocol/socketio.h"
#include "transporttypes.h"
#include "websocket.h"

#include <QtCore/QByteArray>
#include <QtCore/QList>
#include <QtCore/QString>

#include <atomic>
#include <deque>
#include <latch>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

//! The I/O threads behind IoFrontend. Each one runs its own epoll loop and owns its
//! connections outright: sockets, WebSocket framing, Engine.IO heartbeats and Socket.IO
//! decoding. The main thread talks to it only through batches of commands, and hears back
//! through batches of events.
namespace chat::transport::io {

//! A connection of an I/O thread: thread index (8 bits), generation (24 bits), slot (32 bits).
//! A slot is reused after its connection is gone; the generation tells the two apart. 0 is
//! never a connection.
using ConnHandle = quint64;

constexpr int threadOf(ConnHandle handle) noexcept
{
    return int(handle >> 56);
}

//! An encoded Socket.IO packet as the WebSocket frames of its Engine.IO messages: the text
//! with its '4', then one binary frame per attachment, in one byte array.
QByteArray engineIoFrames(const sio::Encoded &encoded);

//! What every I/O thread needs to know, fixed when they start.
struct Settings
{
    //! The Engine.IO endpoint served here, e.g. "/socket.io/".
    QByteArray path;
    int pingIntervalMs = 25000;
    int pingTimeoutMs = 20000;
    qint64 maxPayload = 1000000;
    qint64 sendBufferLimit = 4 * 1024 * 1024;
    int slowConsumerGraceMs = 5000;
    int connectTimeoutMs = 45000;
    int maxAttachments = 10;
    //! A connection whose request head is not complete after this long goes to the HTTP server.
    int sniffTimeoutMs = 10000;
    //! How long a closing connection may take to acknowledge the close before it is dropped.
    int closeLingerMs = 2000;
};

//! From the main thread (or another I/O thread, for Adopt) to an I/O thread.
struct Command
{
    enum class Kind : quint8 {
        Send, //!< bytes (complete frames) to conn
        Broadcast, //!< the same bytes to every targets entry but except
        Close, //!< close conn with code; 0 drops it at once
        CloseAll, //!< close every open connection with code
        Adopt, //!< serve the accepted socket fd
        StopAccepting, //!< stop watching the listening socket; counts down done
    };

    static Command adopt(int fd)
    {
        Command command;
        command.kind = Kind::Adopt;
        command.fd = fd;
        return command;
    }

    Kind kind = Kind::Send;
    quint16 code = 0;
    ConnHandle conn = 0;
    ConnHandle except = 0;
    int fd = -1;
    QByteArray bytes;
    QList<ConnHandle> targets;
    std::latch *done = nullptr;
};

//! From an I/O thread to the main thread.
struct Event
{
    enum class Kind : quint8 {
        Opened, //!< a direct WebSocket Engine.IO session is open
        Packet, //!< a decoded Socket.IO packet (with the handshake when it is a CONNECT)
        Closed, //!< the session is gone: reason
        ConnectTimeout, //!< connectTimeout has passed since the session opened
        HandOff, //!< not for us: fd is an accepted socket, nothing read from it
    };

    static Event make(Kind kind, ConnHandle conn, QString reason = {})
    {
        Event event;
        event.kind = kind;
        event.conn = conn;
        event.reason = std::move(reason);
        return event;
    }

    Kind kind = Kind::Opened;
    ConnHandle conn = 0;
    int fd = -1;
    QString reason;
    sio::Packet packet;
    std::shared_ptr<const Handshake> handshake;
};

//! Receives the events of I/O threads; called from those threads.
class EventSink
{
public:
    virtual ~EventSink() = default;
    virtual void postEvents(std::vector<Event> &&events) = 0;
};

class IoThread;

//! What the I/O threads of one listener share.
struct Shared
{
    Settings settings;
    int listenFd = -1;
    EventSink *sink = nullptr;
    std::vector<IoThread *> threads;
    //! Round robin of accepted connections over the threads.
    std::atomic<quint32> nextThread{0};
};

//! \brief One I/O thread: an epoll loop over its connections, woken by an eventfd for
//! commands. The cost of a turn grows with the sockets that are ready, not with all of them.
class IoThread
{
public:
    IoThread(int index, Shared *shared);
    ~IoThread();
    IoThread(const IoThread &) = delete;
    IoThread &operator=(const IoThread &) = delete;

    //! Creates the epoll and eventfd descriptors and starts the thread.
    bool start(QString *error);
    //! Closes every connection (flushing what it can) and joins the thread.
    void stop();

    //! Thread-safe: appends commands; the thread takes them on its next turn.
    void post(std::vector<Command> &&commands);
    void post(Command &&command);

    int index() const { return m_index; }

private:
    enum class State : quint8 { Free, Sniffing, Open, Closing };

    struct Conn
    {
        int fd = -1;
        //! Starts at 1 so that no handle is 0.
        quint32 gen = 1;
        State state = State::Free;
        bool dirty = false;
        bool awaitingPong = false;
        bool readPending = false;
        bool writeBlocked = false;
        bool shutdownAfterFlush = false;
        //! When the next ping is due (ms); the session is dead pingTimeout after that if no
        //! pong came, whenever the timer actually fires.
        qint64 pingDueAt = 0;
        //! When to tell the main thread that no CONNECT may have come; 0 once told.
        qint64 connectDeadline = 0;
        //! Since when the queue has been over the limit; 0 when it is not.
        qint64 slowSince = 0;
        //! Sniffing: when to give up on the head. Closing: when to drop the socket.
        qint64 deadline = 0;
        //! The earliest timer entry pending for this connection; 0 when none.
        qint64 timerAt = 0;
        //! Frames waiting for the socket: shared byte arrays, the first one from headOffset.
        QList<QByteArray> queue;
        qsizetype headOffset = 0;
        qint64 queuedBytes = 0;
        //! An incomplete frame, kept only until the rest arrives.
        QByteArray partial;
        FrameReader reader;
        //! The request head, for the handshake of each Socket.IO CONNECT.
        QByteArray requestHead;
        //! Only while a binary packet waits for its attachments.
        std::unique_ptr<sio::Decoder> decoder;
    };

    struct Timer
    {
        qint64 at;
        quint32 slot;
        quint32 gen;
        friend bool operator>(const Timer &a, const Timer &b) { return a.at > b.at; }
    };

    void run();
    int waitTimeout() const;
    //! Runs the commands posted since the last turn; true when the thread is asked to stop.
    bool takeCommands();
    void execute(Command &command);
    void shutDown();

    void acceptConnections();
    void resumeAccepting();
    void adopt(int fd);
    void sniff(quint32 slot);
    bool isDirectWebSocket(const RequestHead &head) const;
    void openSession(quint32 slot, qsizetype headLength, const RequestHead &head);
    void handOff(quint32 slot);

    void readable(quint32 slot);
    bool consume(quint32 slot, uchar *data, qsizetype size, qsizetype *consumed);
    bool onMessage(quint32 slot, const FrameReader::Message &message);
    bool onEngineIoText(quint32 slot, QByteArrayView text);
    bool onEngineIoBinary(quint32 slot, QByteArrayView bytes);
    bool onSocketIoStatus(quint32 slot, sio::Decoder &decoder, sio::Decoder::Status status);
    std::shared_ptr<const Handshake> handshakeOf(const Conn &conn) const;

    void enqueue(quint32 slot, const QByteArray &bytes);
    void markDirty(quint32 slot);
    void flushDirty();
    void flush(quint32 slot);

    void onTimer(quint32 slot);
    void arm(quint32 slot);
    void runTimers();

    //! Sends a close frame, then half-closes once it is written and waits for the peer.
    void beginClose(quint32 slot, quint16 code, const QString &why, bool notify);
    //! Drops the connection at once.
    void abort(quint32 slot, const QString &why, bool notify);
    void release(quint32 slot);
    void recycle();
    void report(Event &&event);
    void postEvents();

    Conn *lookup(ConnHandle handle);
    ConnHandle handleOf(quint32 slot) const;
    quint32 allocate(int fd, State state);

    const int m_index;
    Shared *const m_shared;
    const Settings &m_settings;
    int m_epoll = -1;
    int m_wake = -1;
    std::thread m_thread;
    bool m_listening = false;
    qint64 m_acceptResumeAt = 0;
    qint64 m_now = 0;

    std::mutex m_inboxMutex;
    std::vector<Command> m_inbox;
    bool m_stopRequested = false;

    // Owned by the thread.
    std::deque<Conn> m_conns;
    std::vector<quint32> m_freeSlots;
    std::vector<quint32> m_dirty;
    std::vector<quint32> m_readPending;
    std::vector<quint32> m_recycle;
    std::vector<Timer> m_timers;
    std::vector<Event> m_events;
    std::vector<Command> m_commands;
    sio::Decoder m_decoder;
    QByteArray m_buffer;
    QByteArray m_pingFrame;
    QByteArray m_openPrefix;
    QByteArray m_openSuffix;
};

} // namespace chat::transport::io
