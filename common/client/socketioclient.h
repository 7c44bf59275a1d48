// SPDX-License-Identifier: MIT
#pragma once

#include "client/backoff.h"
#include "protocol/json.h"
#include "protocol/socketio.h"

#include <QtCore/QByteArray>
#include <QtCore/QHash>
#include <QtCore/QList>
#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QTimer>
#include <QtCore/QUrl>

#include <chrono>
#include <functional>
#include <utility>

QT_BEGIN_NAMESPACE
class QWebSocket;
QT_END_NAMESPACE

namespace chat {

//! \brief How a SocketIoClient reaches the server and how it reconnects.
//!
//! The defaults are those of socket.io-client, so that the C++ client loads a restarted
//! server the way browsers do.
struct SocketIoOptions
{
    //! The server: \c http://, \c https://, \c ws:// or \c wss:// with host and port. Its path
    //! is ignored (see \c path); its query items are kept.
    QUrl url;
    //! The Engine.IO endpoint; behind the reverse proxy it is "/ws/socket.io/".
    QString path = QStringLiteral("/socket.io/");
    //! Extra query items of the handshake request, e.g. {"token", jwt}.
    QList<std::pair<QString, QString>> query;
    //! Extra HTTP headers of the handshake request, e.g. {"Authorization", "Bearer <jwt>"}.
    QList<std::pair<QByteArray, QByteArray>> headers;

    //! Reconnect automatically after a lost connection or a failed attempt.
    bool reconnection = true;
    //! Attempts before reconnectFailed(); negative means unlimited.
    int reconnectionAttempts = -1;
    //! The first reconnect delay; it doubles with each attempt, up to reconnectionDelayMax.
    std::chrono::milliseconds reconnectionDelay{1000};
    std::chrono::milliseconds reconnectionDelayMax{5000};
    //! Each delay is moved up or down by up to this share of itself (0 to 1).
    double randomizationFactor = 0.5;
    //! Time for the WebSocket handshake plus the Engine.IO open packet.
    std::chrono::milliseconds connectTimeout{20000};
};

//! \brief A Socket.IO v4 client over the Engine.IO v4 WebSocket transport.
//!
//! One object is one Engine.IO connection (the "Manager" of socket.io-client) that carries
//! any number of namespaces (its "Sockets"). Every namespace-level call and signal names its
//! namespace ("/" or "/admin"); there is no per-namespace object to keep alive.
//!
//! \code
//! chat::SocketIoClient client({.url = QUrl(u"http://127.0.0.1:8080"_s)});
//! connect(&client, &chat::SocketIoClient::eventReceived, this, &Chat::onEvent);
//! client.connectNamespace(u"/"_s, chat::JsonObject{{u"token"_s, jwt}});  // opens the connection
//! client.emitWithAck(u"/"_s, u"room:join"_s, {chat::JsonObject{{u"roomSlug"_s, u"general"_s}}},
//!                    [](const chat::JsonArray &args) { ... }, std::chrono::seconds(10),
//!                    [](chat::SocketIoClient::AckError error) { ... });
//! \endcode
//!
//! Lifecycle, as in socket.io-client:
//! - connectNamespace() opens the connection if needed and sends CONNECT with the auth
//!   payload; connected() or connectError() answers. Emits to a namespace that is not connected
//!   yet are buffered and sent, in order, right before connected() is emitted.
//! - A lost connection (server gone, ping timeout, parse error) emits disconnected() for each
//!   connected namespace and reconnects with exponential backoff; on success every namespace is
//!   CONNECTed again with its auth, and buffered emits follow.
//! - close(), the server's DISCONNECT of the last namespace, or a CONNECT_ERROR of the last
//!   namespace end the connection for good: no reconnect. A refused or server-disconnected
//!   namespace is forgotten; call connectNamespace() again to retry it.
//!
//! Server events arrive through the single signal eventReceived(); a receiver answers an
//! event that carries an ack id with sendAck().
//!
//! Malformed input from the server never crashes the client: it closes the connection with
//! DisconnectReason::ParseError and the reconnect logic applies.
//!
//! The object lives in one thread; call it from that thread only.
class SocketIoClient : public QObject
{
    Q_OBJECT
public:
    //! The state of the Engine.IO connection (namespaces have their own: isConnected()).
    enum class State {
        Disconnected, //!< no connection and none planned
        Connecting, //!< first attempt: WebSocket handshake, then waiting for the open packet
        Connected, //!< the Engine.IO session is open
        Reconnecting, //!< waiting for the next attempt, or an attempt is under way
    };
    Q_ENUM(State)

    //! Why a namespace was disconnected; toString() gives socket.io-client's wording.
    enum class DisconnectReason {
        IoServerDisconnect, //!< the server sent DISCONNECT: no reconnect for this namespace
        IoClientDisconnect, //!< close() or disconnectNamespace()
        PingTimeout, //!< no ping from the server within pingInterval + pingTimeout
        TransportClose, //!< the server closed the connection
        TransportError, //!< the connection failed
        ParseError, //!< the server sent something that is not valid Engine.IO / Socket.IO
    };
    Q_ENUM(DisconnectReason)

    //! Why an acknowledgement callback will never be called.
    enum class AckError {
        Timeout, //!< no answer within the timeout given to emitWithAck()
        Disconnected, //!< the packet was sent but the connection or namespace went away
    };
    Q_ENUM(AckError)

    //! Receives the arguments of an acknowledgement.
    using AckCallback = std::function<void(const chat::JsonArray &args)>;
    //! Receives the reason why an acknowledgement will not come.
    using AckErrorCallback = std::function<void(chat::SocketIoClient::AckError error)>;

    //! \brief What the server announced in its Engine.IO open packet.
    struct EngineInfo
    {
        QString sid;
        std::chrono::milliseconds pingInterval{0};
        std::chrono::milliseconds pingTimeout{0};
        //! The largest frame the server accepts, in bytes (0: not announced).
        qint64 maxPayload = 0;
    };

    explicit SocketIoClient(QObject *parent = nullptr);
    explicit SocketIoClient(const SocketIoOptions &options, QObject *parent = nullptr);
    ~SocketIoClient() override;

    //! \brief The options; changes made with setOptions() apply from the next connection attempt.
    const SocketIoOptions &options() const noexcept { return m_options; }
    void setOptions(const SocketIoOptions &options);
    //! \brief Shortcut for the most common option.
    void setUrl(const QUrl &url);

    //! \brief The WebSocket URL for \a options:
    //! ws(s)://host:port/path?<query>&EIO=4&transport=websocket.
    static QUrl engineUrl(const SocketIoOptions &options);
    //! \brief socket.io-client's name of a disconnect reason, e.g. "io server disconnect".
    static QString toString(DisconnectReason reason);

    State state() const noexcept { return m_state; }
    //! \brief The open packet of the current Engine.IO session; empty while not Connected.
    const EngineInfo &engineInfo() const noexcept { return m_engine; }

    //! \brief Opens the Engine.IO connection (connectNamespace() does it for you). No effect
    //! unless Disconnected.
    void open();
    //! \brief Disconnects every namespace (DISCONNECT packets, then the Engine.IO close packet)
    //! and closes the connection without reconnecting. Namespaces, buffered emits and pending
    //! acknowledgements are dropped; acknowledgements fail with AckError::Disconnected.
    void close();

    //! \brief Connects namespace \a nsp with the CONNECT payload \a auth (an object, or null for
    //! none), opening the connection if needed. The auth is kept and sent again on every
    //! reconnect. On an already connected namespace only the kept auth changes.
    void connectNamespace(const QString &nsp = sio::MainNamespace, const JsonValue &auth = {});
    //! \brief Sends DISCONNECT for \a nsp and forgets it; its buffered emits are dropped. When
    //! no namespace is left the connection is closed, as close() does.
    void disconnectNamespace(const QString &nsp);
    //! \brief True when the server has answered the CONNECT of \a nsp on the current session.
    bool isConnected(const QString &nsp = sio::MainNamespace) const;
    //! \brief The Socket.IO id of the connected namespace \a nsp, or an empty string.
    QString socketId(const QString &nsp = sio::MainNamespace) const;
    //! \brief The namespaces asked for with connectNamespace(), connected or not, in that order.
    QStringList namespaces() const;

    //! \brief Emits \a event with \a args to \a nsp (binary values from JsonValue::fromBinary()
    //! become attachments). Buffered until \a nsp is connected.
    void emitEvent(const QString &nsp, const QString &event, const JsonArray &args = {});
    //! \brief Emits \a event and asks for an acknowledgement.
    //!
    //! Exactly one of the callbacks runs, at most once: \a onAck with the server's answer, or
    //! \a onError with AckError::Timeout after \a timeout (zero: wait forever) or with
    //! AckError::Disconnected when the packet was sent but the connection or the namespace
    //! went away before the answer (an emit still in the buffer waits for the reconnect
    //! instead). The callbacks belong to the client: dropped uncalled if it is destroyed.
    //! \return the acknowledgement id of the packet.
    qint64 emitWithAck(const QString &nsp, const QString &event, const JsonArray &args,
                       AckCallback onAck,
                       std::chrono::milliseconds timeout = std::chrono::milliseconds::zero(),
                       AckErrorCallback onError = {});
    //! \brief Answers the server's event that arrived with \a ackId (see eventReceived()).
    //! Dropped when \a nsp is no longer connected: the server has forgotten the id by then.
    void sendAck(const QString &nsp, qint64 ackId, const JsonArray &args = {});

Q_SIGNALS:
    void stateChanged(chat::SocketIoClient::State state);
    //! The server accepted the CONNECT of \a nsp; socketId(nsp) is set.
    void connected(const QString &nsp);
    //! The server refused the CONNECT of \a nsp with CONNECT_ERROR \a data, usually
    //! {"message": "..."}. The namespace is forgotten.
    void connectError(const QString &nsp, const chat::JsonValue &data);
    //! The connected namespace \a nsp is disconnected. With IoServerDisconnect also a namespace
    //! that was still waiting for its CONNECT answer; the namespace is then forgotten.
    void disconnected(const QString &nsp, chat::SocketIoClient::DisconnectReason reason);
    //! The server emitted \a event with \a args to \a nsp. \a ackId is -1, or the id to answer
    //! with sendAck(nsp, ackId, ...).
    void eventReceived(const QString &nsp, const QString &event, const chat::JsonArray &args,
                       qint64 ackId);
    //! A connection attempt failed, or the connection was lost abnormally (also ping timeout
    //! and parse errors); \a message says why. A clean close by the server emits none.
    void errorOccurred(const QString &message);
    //! Reconnect attempt \a attempt (from 1) will start in \a delayMs milliseconds.
    void reconnectScheduled(int attempt, int delayMs);
    //! Reconnect attempt \a attempt (from 1) starts now.
    void reconnectAttempt(int attempt);
    //! Reconnect attempt \a attempt succeeded: the Engine.IO session is open again, the
    //! namespaces are being CONNECTed.
    void reconnected(int attempt);
    //! SocketIoOptions::reconnectionAttempts attempts failed; the state is Disconnected.
    void reconnectFailed();

private:
    enum class NamespaceStatus {
        Idle, //!< emits were buffered for it, but connectNamespace() was never called
        Pending, //!< wanted; CONNECT sent on the current session if connectSent
        Connected,
    };
    struct Namespace
    {
        QString name;
        JsonValue auth;
        NamespaceStatus status = NamespaceStatus::Idle;
        bool connectSent = false;
        QString sid;
        QList<sio::Packet> sendBuffer;
    };
    struct PendingAck
    {
        QString nsp;
        AckCallback onAck;
        AckErrorCallback onError;
        //! Written to the socket: an answer may be lost with the connection.
        bool sent = false;
    };
    struct FailedAck
    {
        AckErrorCallback onError;
        AckError error;
    };

    static QString normalizedNamespace(const QString &nsp);
    Namespace *findNamespace(const QString &nsp);
    const Namespace *findNamespace(const QString &nsp) const;
    Namespace &namespaceEntry(const QString &nsp);
    bool hasWantedNamespaces() const;

    void notifyState();
    void startAttempt();
    void detachSocket(bool graceful);
    //! Ends the connection for good and forgets every namespace; returns the acks to fail.
    QList<FailedAck> shutdown();
    void transportLost(DisconnectReason reason, const QString &error);
    void protocolError(const QString &detail);
    void onReconnectTimer();

    void onTextMessage(const QString &message);
    void onBinaryMessage(const QByteArray &message);
    void onOpenPacket(const QByteArray &data);
    void handleDecoderStatus(sio::Decoder::Status status);
    void onPacket(sio::Packet packet);
    void onConnectPacket(const sio::Packet &packet);
    void onDisconnectPacket(const sio::Packet &packet);
    void onConnectErrorPacket(const sio::Packet &packet);
    void onEventPacket(const sio::Packet &packet);
    void onAckPacket(const sio::Packet &packet);

    void sendConnect(Namespace &ns);
    void sendOrBuffer(sio::Packet packet);
    void writePacket(const sio::Packet &packet);
    void writeEngineText(const QByteArray &frame);
    void flushBuffer(Namespace &ns);
    //! Removes the namespace, its buffer and its acknowledgements (returned for failing).
    QList<FailedAck> forgetNamespace(const QString &nsp);
    QList<FailedAck> takeSentAcks();
    void onAckTimeout(qint64 id);
    static void failAcks(const QList<FailedAck> &acks);

    SocketIoOptions m_options;
    State m_state = State::Disconnected;
    //! The state last announced by stateChanged(), which receivers may overtake.
    State m_reportedState = State::Disconnected;
    QWebSocket *m_socket = nullptr;
    bool m_engineOpen = false;
    EngineInfo m_engine;
    sio::Decoder m_decoder;
    QList<Namespace> m_namespaces;
    QHash<qint64, PendingAck> m_acks;
    qint64 m_nextAckId = 0;

    Backoff m_backoff;
    QTimer m_reconnectTimer;
    QTimer m_connectTimer;
    //! Restarted by every ping: pingInterval + pingTimeout without one means the server is gone.
    QTimer m_pingTimer;
};

} // namespace chat
