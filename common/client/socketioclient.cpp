// SPDX-License-Identifier: MIT
#include "socketioclient.h"

#include "logging.h"
#include "protocol/engineio.h"

#include <QtCore/QPointer>
#include <QtCore/QThread>
#include <QtCore/QUrlQuery>
#include <QtNetwork/QNetworkRequest>
#include <QtWebSockets/QWebSocket>

using namespace Qt::StringLiterals;

namespace chat {

namespace {

void assertOwnThread([[maybe_unused]] const QObject *object)
{
    Q_ASSERT_X(object->thread() == QThread::currentThread(), "SocketIoClient",
               "used from a thread other than its own");
}

// Frames can be a megabyte; the wire log shows their start only.
QByteArray logExcerpt(const QByteArray &frame)
{
    constexpr qsizetype Max = 300;
    return frame.size() <= Max ? frame : frame.left(Max) + "...";
}

bool isEventType(sio::PacketType type)
{
    return type == sio::PacketType::Event || type == sio::PacketType::BinaryEvent;
}

} // namespace

SocketIoClient::SocketIoClient(QObject *parent) : SocketIoClient(SocketIoOptions{}, parent) { }

SocketIoClient::SocketIoClient(const SocketIoOptions &options, QObject *parent)
    : QObject(parent), m_options(options)
{
    m_reconnectTimer.setSingleShot(true);
    m_connectTimer.setSingleShot(true);
    m_pingTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &SocketIoClient::onReconnectTimer);
    connect(&m_connectTimer, &QTimer::timeout, this,
            [this] { transportLost(DisconnectReason::TransportError, u"connection timed out"_s); });
    connect(&m_pingTimer, &QTimer::timeout, this,
            [this] { transportLost(DisconnectReason::PingTimeout, u"ping timeout"_s); });
    setOptions(options);
}

SocketIoClient::~SocketIoClient()
{
    // Pending callbacks are dropped uncalled: their captures may already be gone.
    if (m_socket)
        m_socket->disconnect(this);
}

void SocketIoClient::setOptions(const SocketIoOptions &options)
{
    assertOwnThread(this);
    m_options = options;
    m_backoff.setParameters(options.reconnectionDelay, options.reconnectionDelayMax,
                            options.randomizationFactor);
}

void SocketIoClient::setUrl(const QUrl &url)
{
    SocketIoOptions options = m_options;
    options.url = url;
    setOptions(options);
}

QUrl SocketIoClient::engineUrl(const SocketIoOptions &options)
{
    QUrl url = options.url;
    const QString scheme = url.scheme().toLower();
    url.setScheme(scheme == u"https" || scheme == u"wss" ? u"wss"_s : u"ws"_s);
    QString path = options.path.isEmpty() ? u"/socket.io/"_s : options.path;
    if (!path.startsWith(u'/'))
        path.prepend(u'/');
    url.setPath(path);
    url.setFragment({});

    QUrlQuery kept(url);
    kept.removeAllQueryItems(u"EIO"_s);
    kept.removeAllQueryItems(u"transport"_s);
    // Encoded by hand: QUrlQuery leaves '+' alone, which Node's query parser reads as a space.
    QString query = kept.query(QUrl::FullyEncoded);
    const auto append = [&query](const QString &key, const QString &value) {
        if (!query.isEmpty())
            query += u'&';
        query += QString::fromLatin1(QUrl::toPercentEncoding(key)) + u'='
                + QString::fromLatin1(QUrl::toPercentEncoding(value));
    };
    for (const auto &[key, value] : options.query)
        append(key, value);
    append(u"EIO"_s, QString::number(eio::ProtocolVersion));
    append(u"transport"_s, u"websocket"_s);
    url.setQuery(query, QUrl::StrictMode);
    return url;
}

QString SocketIoClient::toString(DisconnectReason reason)
{
    switch (reason) {
    case DisconnectReason::IoServerDisconnect:
        return u"io server disconnect"_s;
    case DisconnectReason::IoClientDisconnect:
        return u"io client disconnect"_s;
    case DisconnectReason::PingTimeout:
        return u"ping timeout"_s;
    case DisconnectReason::TransportClose:
        return u"transport close"_s;
    case DisconnectReason::TransportError:
        return u"transport error"_s;
    case DisconnectReason::ParseError:
        return u"parse error"_s;
    }
    return u"unknown"_s;
}

void SocketIoClient::open()
{
    assertOwnThread(this);
    if (m_state != State::Disconnected)
        return;
    m_backoff.reset();
    m_state = State::Connecting;
    notifyState();
    // A receiver of stateChanged() may have closed the client again.
    if (m_state == State::Connecting && !m_socket)
        startAttempt();
}

void SocketIoClient::close()
{
    assertOwnThread(this);
    QStringList lost;
    for (const Namespace &ns : std::as_const(m_namespaces)) {
        if (ns.status == NamespaceStatus::Connected)
            lost.append(ns.name);
    }
    const QList<FailedAck> failed = shutdown();
    QPointer<SocketIoClient> guard(this);
    notifyState();
    for (const QString &nsp : std::as_const(lost)) {
        if (!guard)
            return;
        Q_EMIT disconnected(nsp, DisconnectReason::IoClientDisconnect);
    }
    if (guard)
        failAcks(failed);
}

QList<SocketIoClient::FailedAck> SocketIoClient::shutdown()
{
    m_reconnectTimer.stop();
    if (m_socket && m_engineOpen) {
        // Tell the server now rather than let it wait for a ping timeout.
        for (const Namespace &ns : std::as_const(m_namespaces)) {
            if (ns.status == NamespaceStatus::Connected || ns.connectSent)
                writePacket({sio::PacketType::Disconnect, ns.name, -1, {}});
        }
        writeEngineText(eio::encodeFrame(eio::Packet::text(eio::PacketType::Close)));
    }
    detachSocket(true);

    QList<FailedAck> failed;
    for (const PendingAck &ack : std::as_const(m_acks))
        failed.append({ack.onError, AckError::Disconnected});
    m_acks.clear();
    m_namespaces.clear();
    m_backoff.reset();
    m_state = State::Disconnected;
    return failed;
}

void SocketIoClient::notifyState()
{
    if (m_state == m_reportedState)
        return;
    m_reportedState = m_state;
    qCDebug(lcClient) << "state" << m_state;
    Q_EMIT stateChanged(m_state);
}

QString SocketIoClient::normalizedNamespace(const QString &nsp)
{
    if (nsp.isEmpty())
        return sio::MainNamespace;
    return nsp.startsWith(u'/') ? nsp : u'/' + nsp;
}

SocketIoClient::Namespace *SocketIoClient::findNamespace(const QString &nsp)
{
    for (Namespace &ns : m_namespaces) {
        if (ns.name == nsp)
            return &ns;
    }
    return nullptr;
}

const SocketIoClient::Namespace *SocketIoClient::findNamespace(const QString &nsp) const
{
    for (const Namespace &ns : m_namespaces) {
        if (ns.name == nsp)
            return &ns;
    }
    return nullptr;
}

SocketIoClient::Namespace &SocketIoClient::namespaceEntry(const QString &nsp)
{
    if (Namespace *ns = findNamespace(nsp))
        return *ns;
    Namespace ns;
    ns.name = nsp;
    m_namespaces.append(std::move(ns));
    return m_namespaces.last();
}

bool SocketIoClient::hasWantedNamespaces() const
{
    return std::any_of(m_namespaces.cbegin(), m_namespaces.cend(),
                       [](const Namespace &ns) { return ns.status != NamespaceStatus::Idle; });
}

void SocketIoClient::connectNamespace(const QString &nsp, const JsonValue &auth)
{
    assertOwnThread(this);
    Namespace &ns = namespaceEntry(normalizedNamespace(nsp));
    if (auth.isNull() || auth.isObject()) {
        ns.auth = auth;
    } else {
        qCWarning(lcClient) << "the auth payload of" << ns.name
                            << "must be an object; connecting without one";
        ns.auth = {};
    }
    if (ns.status == NamespaceStatus::Connected)
        return;
    ns.status = NamespaceStatus::Pending;
    if (m_engineOpen && !ns.connectSent)
        sendConnect(ns);
    if (m_state == State::Disconnected)
        open();
}

void SocketIoClient::disconnectNamespace(const QString &name)
{
    assertOwnThread(this);
    const QString nsp = normalizedNamespace(name);
    const Namespace *ns = findNamespace(nsp);
    if (!ns)
        return;
    const bool wasConnected = ns->status == NamespaceStatus::Connected;
    if (m_engineOpen && (wasConnected || ns->connectSent))
        writePacket({sio::PacketType::Disconnect, nsp, -1, {}});
    QList<FailedAck> failed = forgetNamespace(nsp);
    if (!hasWantedNamespaces() && m_state != State::Disconnected)
        failed += shutdown();

    QPointer<SocketIoClient> guard(this);
    notifyState();
    if (guard && wasConnected)
        Q_EMIT disconnected(nsp, DisconnectReason::IoClientDisconnect);
    if (guard)
        failAcks(failed);
}

bool SocketIoClient::isConnected(const QString &nsp) const
{
    const Namespace *ns = findNamespace(normalizedNamespace(nsp));
    return ns && ns->status == NamespaceStatus::Connected;
}

QString SocketIoClient::socketId(const QString &nsp) const
{
    const Namespace *ns = findNamespace(normalizedNamespace(nsp));
    return ns ? ns->sid : QString();
}

QStringList SocketIoClient::namespaces() const
{
    QStringList names;
    for (const Namespace &ns : m_namespaces) {
        if (ns.status != NamespaceStatus::Idle)
            names.append(ns.name);
    }
    return names;
}

void SocketIoClient::emitEvent(const QString &nsp, const QString &event, const JsonArray &args)
{
    assertOwnThread(this);
    JsonArray data;
    data.reserve(args.size() + 1);
    data.append(JsonValue(event));
    data.append(args);
    sendOrBuffer(sio::Packet::event(normalizedNamespace(nsp), data));
}

qint64 SocketIoClient::emitWithAck(const QString &name, const QString &event, const JsonArray &args,
                                   AckCallback onAck, std::chrono::milliseconds timeout,
                                   AckErrorCallback onError)
{
    assertOwnThread(this);
    const QString nsp = normalizedNamespace(name);
    // Ids are never reused, so a timer of an answered ack finds nothing to do.
    const qint64 id = m_nextAckId++;
    m_acks.insert(id, {nsp, std::move(onAck), std::move(onError), false});
    if (timeout > std::chrono::milliseconds::zero())
        QTimer::singleShot(timeout, this, [this, id] { onAckTimeout(id); });

    JsonArray data;
    data.reserve(args.size() + 1);
    data.append(JsonValue(event));
    data.append(args);
    sendOrBuffer(sio::Packet::event(nsp, data, id));
    return id;
}

void SocketIoClient::sendAck(const QString &name, qint64 ackId, const JsonArray &args)
{
    assertOwnThread(this);
    const QString nsp = normalizedNamespace(name);
    const Namespace *ns = findNamespace(nsp);
    if (!m_engineOpen || !ns || ns->status != NamespaceStatus::Connected) {
        qCDebug(lcClient) << "dropping ack" << ackId << "for" << nsp << "(not connected)";
        return;
    }
    writePacket(sio::Packet::ack(nsp, ackId, args));
}

void SocketIoClient::startAttempt()
{
    Q_ASSERT(!m_socket);
    m_decoder.reset();
    m_engineOpen = false;
    m_engine = {};

    auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_socket = socket;
    connect(socket, &QWebSocket::textMessageReceived, this, &SocketIoClient::onTextMessage);
    connect(socket, &QWebSocket::binaryMessageReceived, this, &SocketIoClient::onBinaryMessage);
    connect(socket, &QWebSocket::disconnected, this, [this] {
        if (m_engineOpen)
            transportLost(DisconnectReason::TransportClose, {});
        else
            transportLost(DisconnectReason::TransportError,
                          u"connection closed before the Engine.IO handshake"_s);
    });
    connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this, socket](QAbstractSocket::SocketError error) {
                // A server that closes its end without a close frame is still a close.
                if (error == QAbstractSocket::RemoteHostClosedError && m_engineOpen)
                    transportLost(DisconnectReason::TransportClose, {});
                else
                    transportLost(DisconnectReason::TransportError, socket->errorString());
            });

    const QUrl url = engineUrl(m_options);
    QNetworkRequest request(url);
    for (const auto &[name, value] : std::as_const(m_options.headers))
        request.setRawHeader(name, value);
    qCDebug(lcClient) << "connecting to" << url.toDisplayString();
    m_connectTimer.start(m_options.connectTimeout);
    socket->open(request);
}

void SocketIoClient::detachSocket(bool graceful)
{
    m_connectTimer.stop();
    m_pingTimer.stop();
    m_engineOpen = false;
    m_engine = {};
    m_decoder.reset();
    QWebSocket *socket = std::exchange(m_socket, nullptr);
    if (!socket)
        return;
    socket->disconnect(this);
    if (graceful && socket->state() == QAbstractSocket::ConnectedState) {
        // close() sends what was written before its close frame; deleting the socket now
        // would discard it. The socket goes once the server has answered the close frame.
        connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        QTimer::singleShot(std::chrono::seconds(5), socket, &QObject::deleteLater);
        socket->close();
    } else {
        // This may run inside one of the socket's own signals: no abort() on the spot.
        QMetaObject::invokeMethod(socket, &QWebSocket::abort, Qt::QueuedConnection);
        socket->deleteLater();
    }
}

void SocketIoClient::transportLost(DisconnectReason reason, const QString &error)
{
    if (!m_socket)
        return;
    if (error.isEmpty())
        qCInfo(lcClient) << "connection lost:" << toString(reason);
    else
        qCInfo(lcClient) << "connection lost:" << toString(reason) << error;
    detachSocket(false);

    QStringList lost;
    for (Namespace &ns : m_namespaces) {
        if (ns.status == NamespaceStatus::Connected) {
            lost.append(ns.name);
            ns.status = NamespaceStatus::Pending;
            ns.sid.clear();
        }
        ns.connectSent = false;
    }
    const QList<FailedAck> failed = takeSentAcks();

    bool gaveUp = false;
    int attempt = 0;
    std::chrono::milliseconds delay{0};
    if (!m_options.reconnection) {
        m_state = State::Disconnected;
    } else if (m_options.reconnectionAttempts >= 0
               && m_backoff.attempts() >= m_options.reconnectionAttempts) {
        gaveUp = true;
        m_backoff.reset();
        m_state = State::Disconnected;
    } else {
        delay = m_backoff.next();
        attempt = m_backoff.attempts();
        m_state = State::Reconnecting;
        m_reconnectTimer.start(delay);
        qCDebug(lcClient) << "reconnect attempt" << attempt << "in" << delay.count() << "ms";
    }

    // Every receiver below sees the final state; any of them may close or delete the client.
    QPointer<SocketIoClient> guard(this);
    notifyState();
    if (guard && !error.isEmpty())
        Q_EMIT errorOccurred(error);
    for (const QString &nsp : std::as_const(lost)) {
        if (!guard)
            return;
        Q_EMIT disconnected(nsp, reason);
    }
    if (!guard)
        return;
    failAcks(failed);
    if (!guard)
        return;
    if (gaveUp) {
        Q_EMIT reconnectFailed();
    } else if (m_state == State::Reconnecting && m_reconnectTimer.isActive()
               && m_backoff.attempts() == attempt) {
        Q_EMIT reconnectScheduled(attempt, int(delay.count()));
    }
}

void SocketIoClient::protocolError(const QString &detail)
{
    qCWarning(lcClient) << "protocol error from the server:" << detail;
    transportLost(DisconnectReason::ParseError, u"parse error: "_s + detail);
}

void SocketIoClient::onReconnectTimer()
{
    if (m_state != State::Reconnecting || m_socket)
        return;
    const int attempt = m_backoff.attempts();
    QPointer<SocketIoClient> guard(this);
    Q_EMIT reconnectAttempt(attempt);
    if (!guard || m_state != State::Reconnecting || m_socket || m_reconnectTimer.isActive())
        return;
    startAttempt();
}

void SocketIoClient::onTextMessage(const QString &message)
{
    const QByteArray frame = message.toUtf8();
    qCDebug(lcClientWire).noquote() << "<" << logExcerpt(frame);
    eio::DecodeError error{};
    const std::optional<eio::Packet> packet = eio::decodeText(frame, &error);
    if (!packet) {
        protocolError(eio::toString(error));
        return;
    }
    if (!m_engineOpen && packet->type != eio::PacketType::Open) {
        protocolError(u"a packet before the open packet"_s);
        return;
    }
    switch (packet->type) {
    case eio::PacketType::Open:
        onOpenPacket(packet->data);
        return;
    case eio::PacketType::Close:
        transportLost(DisconnectReason::TransportClose, {});
        return;
    case eio::PacketType::Ping:
        // Answered at once: the server closes the session if the pong is late.
        writeEngineText(eio::encodeFrame(eio::Packet::text(eio::PacketType::Pong, packet->data)));
        m_pingTimer.start(m_engine.pingInterval + m_engine.pingTimeout);
        return;
    case eio::PacketType::Message:
        handleDecoderStatus(m_decoder.feedText(packet->data));
        return;
    case eio::PacketType::Pong:
    case eio::PacketType::Upgrade:
    case eio::PacketType::Noop:
        // This client never pings nor upgrades; such packets carry nothing for it.
        return;
    }
}

void SocketIoClient::onBinaryMessage(const QByteArray &message)
{
    qCDebug(lcClientWire).noquote() << "< binary" << message.size() << "bytes";
    if (!m_engineOpen) {
        protocolError(u"a packet before the open packet"_s);
        return;
    }
    handleDecoderStatus(m_decoder.feedBinary(message));
}

void SocketIoClient::onOpenPacket(const QByteArray &data)
{
    if (m_engineOpen) {
        protocolError(u"a second open packet"_s);
        return;
    }
    QString jsonError;
    const std::optional<JsonValue> json = JsonValue::parse(data, &jsonError);
    if (!json || !json->isObject()) {
        protocolError(u"invalid open packet: "_s + (json ? u"not an object"_s : jsonError));
        return;
    }
    const JsonValue sid = (*json)[u"sid"];
    const JsonValue pingInterval = (*json)[u"pingInterval"];
    const JsonValue pingTimeout = (*json)[u"pingTimeout"];
    const JsonValue maxPayload = (*json)[u"maxPayload"];
    // Limits keep the heartbeat sum far from overflowing the timer.
    constexpr qint64 MaxHeartbeat = 24 * 3600 * 1000;
    const auto validDuration = [](const JsonValue &v) {
        return v.isInteger() && v.toInteger() > 0 && v.toInteger() <= MaxHeartbeat;
    };
    if (!sid.isString() || sid.toString().isEmpty() || !validDuration(pingInterval)
        || !validDuration(pingTimeout) || !(maxPayload.isNull() || maxPayload.isInteger())) {
        protocolError(u"invalid open packet: "_s + QString::fromUtf8(logExcerpt(data)));
        return;
    }

    m_engine.sid = sid.toString();
    m_engine.pingInterval = std::chrono::milliseconds(pingInterval.toInteger());
    m_engine.pingTimeout = std::chrono::milliseconds(pingTimeout.toInteger());
    m_engine.maxPayload = std::max<qint64>(maxPayload.toInteger(), 0);
    m_engineOpen = true;
    m_connectTimer.stop();
    m_pingTimer.start(m_engine.pingInterval + m_engine.pingTimeout);
    qCInfo(lcClient) << "connected, Engine.IO session" << m_engine.sid;

    const bool wasReconnecting = m_state == State::Reconnecting;
    const int attempt = m_backoff.attempts();
    m_backoff.reset();
    m_state = State::Connected;
    for (Namespace &ns : m_namespaces) {
        if (ns.status == NamespaceStatus::Pending)
            sendConnect(ns);
    }

    QPointer<SocketIoClient> guard(this);
    notifyState();
    if (guard && wasReconnecting && m_state == State::Connected)
        Q_EMIT reconnected(attempt);
}

void SocketIoClient::handleDecoderStatus(sio::Decoder::Status status)
{
    switch (status) {
    case sio::Decoder::Status::Packet:
        onPacket(m_decoder.takePacket());
        return;
    case sio::Decoder::Status::NeedMore:
        return;
    case sio::Decoder::Status::Error:
        protocolError(m_decoder.errorString());
        return;
    }
}

void SocketIoClient::onPacket(sio::Packet packet)
{
    packet.nsp = normalizedNamespace(packet.nsp);
    switch (packet.type) {
    case sio::PacketType::Connect:
        onConnectPacket(packet);
        return;
    case sio::PacketType::Disconnect:
        onDisconnectPacket(packet);
        return;
    case sio::PacketType::ConnectError:
        onConnectErrorPacket(packet);
        return;
    case sio::PacketType::Event:
    case sio::PacketType::BinaryEvent:
        onEventPacket(packet);
        return;
    case sio::PacketType::Ack:
    case sio::PacketType::BinaryAck:
        onAckPacket(packet);
        return;
    }
}

void SocketIoClient::onConnectPacket(const sio::Packet &packet)
{
    Namespace *ns = findNamespace(packet.nsp);
    if (!ns || ns->status == NamespaceStatus::Idle) {
        // Disconnected by the user while the CONNECT was on its way.
        qCDebug(lcClient) << "leaving namespace" << packet.nsp << "connected after its CONNECT";
        writePacket({sio::PacketType::Disconnect, packet.nsp, -1, {}});
        return;
    }
    if (ns->status == NamespaceStatus::Connected || !ns->connectSent) {
        qCDebug(lcClient) << "ignoring an unexpected CONNECT for" << packet.nsp;
        return;
    }
    const JsonValue sid = packet.data[u"sid"];
    if (!sid.isString() || sid.toString().isEmpty()) {
        protocolError(u"CONNECT without a sid for "_s + packet.nsp);
        return;
    }
    ns->status = NamespaceStatus::Connected;
    ns->sid = sid.toString();
    qCInfo(lcClient) << "namespace" << ns->name << "connected, socket" << ns->sid;
    // Buffered emits go first, so that receivers of connected() find the buffer sent, as
    // socket.io-client does.
    flushBuffer(*ns);
    Q_EMIT connected(packet.nsp);
}

void SocketIoClient::onDisconnectPacket(const sio::Packet &packet)
{
    const Namespace *ns = findNamespace(packet.nsp);
    if (!ns || ns->status == NamespaceStatus::Idle)
        return;
    qCInfo(lcClient) << "namespace" << packet.nsp << "disconnected by the server";
    QList<FailedAck> failed = forgetNamespace(packet.nsp);
    if (!hasWantedNamespaces())
        failed += shutdown();

    QPointer<SocketIoClient> guard(this);
    notifyState();
    // Also when the namespace was still waiting for its CONNECT answer: the receiver must
    // learn that it is gone, as socket.io-client reports it.
    if (guard)
        Q_EMIT disconnected(packet.nsp, DisconnectReason::IoServerDisconnect);
    if (guard)
        failAcks(failed);
}

void SocketIoClient::onConnectErrorPacket(const sio::Packet &packet)
{
    const Namespace *ns = findNamespace(packet.nsp);
    if (!ns || ns->status != NamespaceStatus::Pending) {
        qCDebug(lcClient) << "ignoring an unexpected CONNECT_ERROR for" << packet.nsp;
        return;
    }
    qCInfo(lcClient) << "namespace" << packet.nsp << "refused:" << chat::toString(packet.data);
    QList<FailedAck> failed = forgetNamespace(packet.nsp);
    if (!hasWantedNamespaces())
        failed += shutdown();

    QPointer<SocketIoClient> guard(this);
    notifyState();
    if (guard)
        Q_EMIT connectError(packet.nsp, packet.data);
    if (guard)
        failAcks(failed);
}

void SocketIoClient::onEventPacket(const sio::Packet &packet)
{
    const Namespace *ns = findNamespace(packet.nsp);
    if (!ns || ns->status != NamespaceStatus::Connected) {
        qCDebug(lcClient) << "ignoring an event for the unconnected namespace" << packet.nsp;
        return;
    }
    const JsonArray data = packet.data.toArray();
    // The decoder guarantees a leading event name; checked again because it is an index.
    if (data.isEmpty() || !data.first().isString()) {
        protocolError(u"event without a name"_s);
        return;
    }
    Q_EMIT eventReceived(packet.nsp, data.first().toString(), data.mid(1), packet.id);
}

void SocketIoClient::onAckPacket(const sio::Packet &packet)
{
    const auto it = m_acks.find(packet.id);
    if (it == m_acks.end() || it->nsp != packet.nsp) {
        // Late (after its timeout) or unknown: the reference client ignores it too.
        qCDebug(lcClient) << "ignoring ack" << packet.id << "for" << packet.nsp;
        return;
    }
    const PendingAck ack = std::move(*it);
    m_acks.erase(it);
    if (ack.onAck)
        ack.onAck(packet.data.toArray());
}

void SocketIoClient::sendConnect(Namespace &ns)
{
    writePacket({sio::PacketType::Connect, ns.name, -1, ns.auth});
    ns.connectSent = true;
}

void SocketIoClient::sendOrBuffer(sio::Packet packet)
{
    Namespace &ns = namespaceEntry(packet.nsp);
    if (m_engineOpen && ns.status == NamespaceStatus::Connected)
        writePacket(packet);
    else
        ns.sendBuffer.append(std::move(packet));
}

void SocketIoClient::writePacket(const sio::Packet &packet)
{
    Q_ASSERT(m_socket && m_engineOpen);
    const sio::Encoded encoded = sio::encode(packet);
    writeEngineText(eio::encodeFrame(eio::Packet::message(encoded.text)));
    for (const QByteArray &attachment : encoded.attachments) {
        qCDebug(lcClientWire).noquote() << "> binary" << attachment.size() << "bytes";
        if (m_engine.maxPayload > 0 && attachment.size() > m_engine.maxPayload)
            qCWarning(lcClient) << "sending an attachment larger than the server's maxPayload";
        m_socket->sendBinaryMessage(attachment);
    }
    if (packet.id >= 0 && isEventType(packet.type)) {
        const auto it = m_acks.find(packet.id);
        if (it != m_acks.end())
            it->sent = true;
    }
}

void SocketIoClient::writeEngineText(const QByteArray &frame)
{
    Q_ASSERT(m_socket);
    qCDebug(lcClientWire).noquote() << ">" << logExcerpt(frame);
    if (m_engine.maxPayload > 0 && frame.size() > m_engine.maxPayload)
        qCWarning(lcClient) << "sending a frame larger than the server's maxPayload";
    m_socket->sendTextMessage(QString::fromUtf8(frame));
}

void SocketIoClient::flushBuffer(Namespace &ns)
{
    const QList<sio::Packet> packets = std::exchange(ns.sendBuffer, {});
    for (const sio::Packet &packet : packets)
        writePacket(packet);
}

QList<SocketIoClient::FailedAck> SocketIoClient::forgetNamespace(const QString &nsp)
{
    m_namespaces.removeIf([&nsp](const Namespace &ns) { return ns.name == nsp; });
    QList<FailedAck> failed;
    for (auto it = m_acks.begin(); it != m_acks.end();) {
        if (it->nsp == nsp) {
            failed.append({std::move(it->onError), AckError::Disconnected});
            it = m_acks.erase(it);
        } else {
            ++it;
        }
    }
    return failed;
}

QList<SocketIoClient::FailedAck> SocketIoClient::takeSentAcks()
{
    QList<FailedAck> failed;
    for (auto it = m_acks.begin(); it != m_acks.end();) {
        if (it->sent) {
            failed.append({std::move(it->onError), AckError::Disconnected});
            it = m_acks.erase(it);
        } else {
            ++it;
        }
    }
    return failed;
}

void SocketIoClient::onAckTimeout(qint64 id)
{
    const auto it = m_acks.find(id);
    if (it == m_acks.end())
        return;
    const PendingAck ack = std::move(*it);
    m_acks.erase(it);
    // A timed-out emit that still waits in the buffer must not go out later.
    if (Namespace *ns = findNamespace(ack.nsp)) {
        ns->sendBuffer.removeIf([id](const sio::Packet &packet) { return packet.id == id; });
    }
    qCDebug(lcClient) << "ack" << id << "timed out";
    if (ack.onError)
        ack.onError(AckError::Timeout);
}

void SocketIoClient::failAcks(const QList<FailedAck> &acks)
{
    // Callbacks may delete the client; nothing here touches it.
    for (const FailedAck &ack : acks) {
        if (ack.onError)
            ack.onError(ack.error);
    }
}

} // namespace chat
