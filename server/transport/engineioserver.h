// SPDX-License-Identifier: MIT
#pragma once

#include "engineioerror.h"
#include "protocol/engineio.h"
#include "transporttypes.h"

#include <QtCore/QBasicTimer>
#include <QtCore/QElapsedTimer>
#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QPointer>

#include <functional>
#include <memory>

class QHttpServerRequest;
class QHttpServerResponder;
class QTcpSocket;
class QWebSocket;

namespace chat::transport {

class EngineIoServer;
class HttpServer;

//! Settings of an Engine.IO endpoint (protocol.md §1).
struct EngineIoOptions
{
    int pingIntervalMs = 25000;
    int pingTimeoutMs = 20000;
    //! Largest message or polling POST body accepted, in bytes.
    qint64 maxPayload = 1000000;
    bool allowPolling = true;
    bool allowWebSocket = true;
    bool allowUpgrades = true;
    //! A polling→websocket upgrade that does not complete in this time is abandoned.
    int upgradeTimeoutMs = 10000;
    //! Bytes queued for one client beyond which it counts as a slow consumer.
    qint64 sendBufferLimit = 4 * 1024 * 1024;
    //! How long a client may stay over sendBufferLimit before it is disconnected. Beyond
    //! four times the limit it is disconnected at once, to bound memory.
    int slowConsumerGraceMs = 5000;
};

//! \brief One Engine.IO connection, over long-polling or a WebSocket, possibly upgraded from
//! the first to the second. Owned by its EngineIoServer.
class EngineIoSession : public QObject
{
    Q_OBJECT
public:
    enum class Transport { Polling, WebSocket };

    const QString &id() const { return m_id; }
    Transport transport() const { return m_transport; }
    //! The first request's query, headers and peer; the transport field names the first
    //! transport.
    const Handshake &handshake() const { return m_handshake; }
    bool isOpen() const { return m_state == State::Open; }

    //! Queues a message (text frame content, UTF-8) for the client.
    void sendText(const QByteArray &text);
    void sendBinary(const QByteArray &bytes);
    //! Closes with a close packet (polling) or a WebSocket close frame; emits closed().
    void close(const QString &reason = reason::ForcedClose);

    //! Bytes queued for the client and not yet handed to the kernel.
    qint64 bufferedBytes() const;

Q_SIGNALS:
    void textReceived(const QByteArray &text);
    void binaryReceived(const QByteArray &bytes);
    //! The session is closed; it is deleted after this returns to the event loop.
    void closed(const QString &reason);

private:
    friend class EngineIoServer;
    enum class State { Open, Closing, Closed };

    EngineIoSession(EngineIoServer *server, const QString &id, Handshake handshake);
    ~EngineIoSession() override;

    void attachWebSocket(QWebSocket *socket);
    void beginUpgrade(QWebSocket *probe);
    void onProbeText(const QString &text);
    //! Handles what the probe WebSocket has already received.
    void drainProbe();
    void finishUpgrade();
    void abortUpgrade();

    void handlePoll(QHttpServerResponder &&responder, const HttpHeaders &headers);
    void handlePost(const QHttpServerRequest &request, QHttpServerResponder &&responder,
                    const HttpHeaders &headers);
    void flushPoll();
    void answerPendingPoll(const QByteArray &body);

    void timerEvent(QTimerEvent *event) override;
    void onPacket(const eio::Packet &packet);
    void sendPacket(const eio::Packet &packet);
    void armPingTimer();
    void onPingTimer();
    bool heartbeatExpired() const;
    void checkBackpressure();
    void terminate(const QString &reason, bool sendClose);

    EngineIoServer *m_server;
    QString m_id;
    Handshake m_handshake;
    Transport m_transport = Transport::Polling;
    State m_state = State::Open;

    // Polling: what waits for the next GET, and the GET that waits for data.
    QList<eio::Packet> m_pollQueue;
    qint64 m_pollQueueBytes = 0;
    std::shared_ptr<QHttpServerResponder> m_pendingPoll;
    QPointer<QTcpSocket> m_pendingPollSocket;
    HttpHeaders m_pendingPollHeaders;

    QPointer<QWebSocket> m_socket;
    QPointer<QWebSocket> m_probe;
    bool m_upgrading = false;
    bool m_flushQueued = false;

    // Heartbeat: a ping is due pingInterval after the handshake or the last pong, and the
    // session is dead pingTimeout after that. Deadlines count from when the ping was due, not
    // from when a timer fired, so that a late timer never extends them.
    qint64 m_pingDueAt = 0;
    bool m_awaitingPong = false;

    QBasicTimer m_pingTimer;
    QBasicTimer m_upgradeTimer;
    QBasicTimer m_upgradeNoopTimer;
    QBasicTimer m_slowTimer;
};

//! \brief An Engine.IO v4 endpoint: the handshake, sessions by sid, both transports, the
//! upgrade and heartbeats. HTTP and WebSocket traffic for its path is handed to it by
//! HttpServer.
class EngineIoServer : public QObject
{
    Q_OBJECT
public:
    explicit EngineIoServer(const EngineIoOptions &options = {}, QObject *parent = nullptr);
    ~EngineIoServer() override;

    const EngineIoOptions &options() const { return m_options; }
    //! Open sessions, those that I/O threads serve for this endpoint included.
    qsizetype sessionCount() const
    {
        return m_sessions.size() + (m_externalSessionCount ? m_externalSessionCount() : 0);
    }
    //! Counts the sessions of this endpoint that are served elsewhere (by I/O threads).
    void setExternalSessionCount(std::function<qsizetype()> count)
    {
        m_externalSessionCount = std::move(count);
    }
    EngineIoSession *session(const QString &sid) const { return m_sessions.value(sid); }

    //! A plain HTTP request (polling GET or POST) for this endpoint. \a extraHeaders (CORS)
    //! are added to its answer.
    void handleHttpRequest(const QHttpServerRequest &request, QHttpServerResponder &&responder,
                           const HttpHeaders &extraHeaders);
    //! Checks a WebSocket upgrade request before its handshake is answered.
    EngineIoError checkUpgrade(const QHttpServerRequest &request) const;
    //! A WebSocket whose upgrade was accepted. Takes ownership.
    void handleWebSocket(QWebSocket *socket);

    //! Closes every session with a proper close.
    void closeAll(const QString &reason);

Q_SIGNALS:
    void sessionOpened(chat::transport::EngineIoSession *session);

private:
    friend class EngineIoSession;

    EngineIoSession *createSession(Handshake handshake);
    void removeSession(EngineIoSession *session);
    QByteArray openPacket(const QString &sid, bool withUpgrades) const;
    QString newSessionId() const;
    //! Milliseconds on a monotonic clock shared by the sessions.
    qint64 now() const { return m_clock.elapsed(); }

    EngineIoOptions m_options;
    QElapsedTimer m_clock;
    QHash<QString, EngineIoSession *> m_sessions;
    std::function<qsizetype()> m_externalSessionCount;
};

} // namespace chat::transport
