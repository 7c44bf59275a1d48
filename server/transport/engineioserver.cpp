// SPDX-License-Identifier: MIT
#include "engineioserver.h"

#include "httpserver.h"
#include "logging.h"

#include <QtCore/QRandomGenerator>
#include <QtCore/QTimerEvent>
#include <QtCore/QUrlQuery>
#include <QtNetwork/QTcpSocket>
#include <QtWebSockets/QWebSocket>

using namespace Qt::StringLiterals;

namespace chat::transport {

namespace {

const QByteArray PollContentType = QByteArrayLiteral("text/plain; charset=UTF-8");
const QByteArray NoopPayload = QByteArrayLiteral("6");
const QByteArray ClosePayload = QByteArrayLiteral("1");
constexpr int UpgradeNoopTickMs = 100;

void writeError(QHttpServerResponder &responder, EngineIoError error, const HttpHeaders &headers)
{
    writeJsonResponse(responder, HttpStatus::BadRequest, errorBody(error), headers);
}

QHash<QByteArray, QByteArray> lowerCaseHeaders(const QList<QPair<QByteArray, QByteArray>> &list)
{
    QHash<QByteArray, QByteArray> headers;
    headers.reserve(list.size());
    for (const auto &[name, value] : list)
        headers.insert(name.toLower(), value);
    return headers;
}

} // namespace

JsonValue errorBody(EngineIoError error)
{
    QString message;
    switch (error) {
    case EngineIoError::None:
        break;
    case EngineIoError::UnknownTransport:
        message = u"Transport unknown"_s;
        break;
    case EngineIoError::UnknownSid:
        message = u"Session ID unknown"_s;
        break;
    case EngineIoError::BadHandshakeMethod:
        message = u"Bad handshake method"_s;
        break;
    case EngineIoError::BadRequest:
        message = u"Bad request"_s;
        break;
    case EngineIoError::Forbidden:
        message = u"Forbidden"_s;
        break;
    case EngineIoError::UnsupportedProtocolVersion:
        message = u"Unsupported protocol version"_s;
        break;
    }
    return JsonObject{{u"code"_s, JsonValue(int(error))}, {u"message"_s, JsonValue(message)}};
}

// ---------------------------------------------------------------------------------------------
// EngineIoSession

EngineIoSession::EngineIoSession(EngineIoServer *server, const QString &id, Handshake handshake)
    : QObject(server), m_server(server), m_id(id), m_handshake(std::move(handshake))
{
    m_pingDueAt = m_server->now() + m_server->options().pingIntervalMs;
    armPingTimer();
}

EngineIoSession::~EngineIoSession() = default;

qint64 EngineIoSession::bufferedBytes() const
{
    if (m_transport == Transport::WebSocket)
        return m_socket ? m_socket->bytesToWrite() : 0;
    return m_pollQueueBytes;
}

void EngineIoSession::sendText(const QByteArray &text)
{
    sendPacket(eio::Packet::message(text));
}

void EngineIoSession::sendBinary(const QByteArray &bytes)
{
    sendPacket(eio::Packet::binaryMessage(bytes));
}

void EngineIoSession::close(const QString &reason)
{
    if (m_state != State::Open)
        return;
    const bool pollAlive = m_pendingPoll && m_pendingPollSocket
            && m_pendingPollSocket->state() == QAbstractSocket::ConnectedState;
    if (m_transport == Transport::Polling && !pollAlive) {
        // The close packet waits for the client's next GET, for a short while.
        m_state = State::Closing;
        m_pollQueue.clear();
        m_pollQueueBytes = 0;
        m_upgradeTimer.stop();
        m_slowTimer.stop();
        m_pingTimer.start(2000, this);
        Q_EMIT closed(reason);
        return;
    }
    terminate(reason, true);
}

void EngineIoSession::attachWebSocket(QWebSocket *socket)
{
    m_socket = socket;
    socket->setParent(this);
    connect(socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
        const QByteArray frame = text.toUtf8();
        const std::optional<eio::Packet> packet = eio::decodeText(frame);
        if (!packet) {
            terminate(reason::ParseError, false);
            return;
        }
        onPacket(*packet);
    });
    connect(socket, &QWebSocket::binaryMessageReceived, this,
            [this](const QByteArray &bytes) { onPacket(eio::decodeBinaryFrame(bytes)); });
    connect(socket, &QWebSocket::disconnected, this,
            [this] { terminate(reason::TransportClose, false); });
}

void EngineIoSession::beginUpgrade(QWebSocket *probe)
{
    m_probe = probe;
    probe->setParent(this);
    connect(probe, &QWebSocket::textMessageReceived, this, &EngineIoSession::onProbeText);
    connect(probe, &QWebSocket::binaryMessageReceived, this, &EngineIoSession::abortUpgrade);
    connect(probe, &QWebSocket::disconnected, this, &EngineIoSession::abortUpgrade);
    m_upgradeTimer.start(m_server->options().upgradeTimeoutMs, this);
}

void EngineIoSession::onProbeText(const QString &text)
{
    if (text == u"2probe"_s && !m_upgrading) {
        // Answer at once: the client waits for 3probe before it pauses polling. Flushed now,
        // so that it is on the wire before the answer to any poll this turn handles.
        m_probe->sendTextMessage(u"3probe"_s);
        m_probe->flush();
        m_upgrading = true;
        // A waiting GET is released with a noop on the next tick, so that the client's polling
        // can pause; if the upgrade completes first, it is refused like any later GET.
        if (m_pendingPoll)
            m_upgradeNoopTimer.start(UpgradeNoopTickMs, this);
        return;
    }
    if (text == u"5"_s && m_upgrading) {
        finishUpgrade();
        return;
    }
    abortUpgrade();
}

void EngineIoSession::drainProbe()
{
    if (!m_probe)
        return;
    // Reads whatever the kernel holds for the probe now; QWebSocket handles it before this
    // returns (its readyRead connection is direct).
    if (auto *socket = m_probe->findChild<QTcpSocket *>())
        socket->waitForReadyRead(0);
}

void EngineIoSession::finishUpgrade()
{
    m_upgradeTimer.stop();
    QWebSocket *socket = m_probe;
    m_probe = nullptr;
    disconnect(socket, nullptr, this, nullptr);
    m_upgrading = false;
    m_upgradeNoopTimer.stop();
    m_transport = Transport::WebSocket;
    if (const std::shared_ptr<QHttpServerResponder> held = std::exchange(m_pendingPoll, nullptr);
        held && m_pendingPollSocket
        && m_pendingPollSocket->state() == QAbstractSocket::ConnectedState) {
        writeError(*held, EngineIoError::BadRequest, m_pendingPollHeaders);
    }
    attachWebSocket(socket);
    const QList<eio::Packet> queued = std::exchange(m_pollQueue, {});
    m_pollQueueBytes = 0;
    for (const eio::Packet &packet : queued)
        sendPacket(packet);
}

void EngineIoSession::abortUpgrade()
{
    m_upgradeTimer.stop();
    m_upgradeNoopTimer.stop();
    m_upgrading = false;
    if (QWebSocket *probe = m_probe) {
        m_probe = nullptr;
        disconnect(probe, nullptr, this, nullptr);
        probe->close(QWebSocketProtocol::CloseCodeProtocolError);
        probe->deleteLater();
    }
    flushPoll();
}

void EngineIoSession::handlePoll(QHttpServerResponder &&responder, const HttpHeaders &headers)
{
    if (m_state == State::Closing) {
        writeHttpResponse(responder, HttpStatus::Ok, PollContentType, ClosePayload, headers);
        terminate(reason::ForcedClose, false);
        return;
    }
    if (heartbeatExpired()) {
        terminate(reason::PingTimeout, true);
        writeError(responder, EngineIoError::UnknownSid, headers);
        return;
    }
    if (m_pendingPoll) {
        if (m_pendingPollSocket
            && m_pendingPollSocket->state() == QAbstractSocket::ConnectedState) {
            // Two GETs at once: a broken client. The reference answers the second with an error
            // and closes the session, which answers the first with a close packet.
            writeError(responder, EngineIoError::BadRequest, headers);
            terminate(reason::TransportError, true);
            return;
        }
        // The held GET's connection is gone; this one replaces it.
        m_pendingPoll.reset();
    }
    m_pendingPollSocket = responder.socket();
    m_pendingPoll = std::make_shared<QHttpServerResponder>(std::move(responder));
    m_pendingPollHeaders = headers;
    if (m_upgrading) {
        // As the reference does, a GET that arrives during the upgrade is released with a noop
        // on the next tick; if the upgrade completes first, it is refused like any later GET.
        if (!m_upgradeNoopTimer.isActive())
            m_upgradeNoopTimer.start(UpgradeNoopTickMs, this);
        return;
    }
    flushPoll();
}

void EngineIoSession::handlePost(const QHttpServerRequest &request,
                                 QHttpServerResponder &&responder, const HttpHeaders &headers)
{
    if (m_state == State::Closing) {
        writeHttpResponse(responder, HttpStatus::Ok, QByteArrayLiteral("text/html"),
                          QByteArrayLiteral("ok"), headers);
        return;
    }
    if (heartbeatExpired()) {
        terminate(reason::PingTimeout, true);
        writeError(responder, EngineIoError::UnknownSid, headers);
        return;
    }
    const QByteArray body = request.body();
    if (body.size() > m_server->options().maxPayload) {
        writeHttpResponse(responder, HttpStatus::PayloadTooLarge, {}, {}, headers);
        terminate(reason::TransportError, true);
        return;
    }
    const std::optional<QList<eio::Packet>> packets = eio::decodePayload(body);
    if (!packets) {
        writeError(responder, EngineIoError::BadRequest, headers);
        terminate(reason::ParseError, true);
        return;
    }
    writeHttpResponse(responder, HttpStatus::Ok, QByteArrayLiteral("text/html"),
                      QByteArrayLiteral("ok"), headers);
    for (const eio::Packet &packet : *packets) {
        if (m_state != State::Open)
            break;
        onPacket(packet);
    }
}

void EngineIoSession::flushPoll()
{
    if (!m_pendingPoll || m_pollQueue.isEmpty() || m_upgrading)
        return;
    const QByteArray payload = eio::encodePayload(m_pollQueue);
    m_pollQueue.clear();
    m_pollQueueBytes = 0;
    answerPendingPoll(payload);
}

void EngineIoSession::answerPendingPoll(const QByteArray &body)
{
    const std::shared_ptr<QHttpServerResponder> responder = std::exchange(m_pendingPoll, nullptr);
    // The responder keeps a raw socket pointer: never write once the client is gone.
    if (!responder || !m_pendingPollSocket
        || m_pendingPollSocket->state() != QAbstractSocket::ConnectedState)
        return;
    writeHttpResponse(*responder, HttpStatus::Ok, PollContentType, body, m_pendingPollHeaders);
}

void EngineIoSession::timerEvent(QTimerEvent *event)
{
    if (event->timerId() == m_pingTimer.timerId()) {
        onPingTimer();
    } else if (event->timerId() == m_upgradeTimer.timerId()) {
        abortUpgrade();
    } else if (event->timerId() == m_upgradeNoopTimer.timerId()) {
        m_upgradeNoopTimer.stop();
        if (m_upgrading && m_pendingPoll)
            answerPendingPoll(NoopPayload);
    } else if (event->timerId() == m_slowTimer.timerId()) {
        m_slowTimer.stop();
        if (bufferedBytes() > m_server->options().sendBufferLimit) {
            qCInfo(lcEngineIo) << "closing slow consumer" << m_id << bufferedBytes() << "bytes";
            terminate(reason::SlowConsumer, false);
        }
    } else {
        QObject::timerEvent(event);
    }
}

void EngineIoSession::onPacket(const eio::Packet &packet)
{
    switch (packet.type) {
    case eio::PacketType::Pong:
        m_awaitingPong = false;
        m_pingDueAt = m_server->now() + m_server->options().pingIntervalMs;
        armPingTimer();
        break;
    case eio::PacketType::Message:
        if (packet.binary)
            Q_EMIT binaryReceived(packet.data);
        else
            Q_EMIT textReceived(packet.data);
        break;
    case eio::PacketType::Close:
        terminate(reason::TransportClose, false);
        break;
    case eio::PacketType::Noop:
        break;
    case eio::PacketType::Ping: // v4 heartbeats go from server to client only
    case eio::PacketType::Open:
    case eio::PacketType::Upgrade:
        terminate(reason::ParseError, true);
        break;
    }
}

void EngineIoSession::sendPacket(const eio::Packet &packet)
{
    if (m_state != State::Open)
        return;
    if (m_transport == Transport::WebSocket) {
        if (!m_socket)
            return;
        if (packet.binary)
            m_socket->sendBinaryMessage(packet.data);
        else
            m_socket->sendTextMessage(QString::fromUtf8(eio::encodeFrame(packet)));
    } else {
        m_pollQueue.append(packet);
        m_pollQueueBytes += packet.data.size() + 1;
        if (m_pendingPoll && !m_upgrading && !m_flushQueued) {
            // Several packets sent in one turn of the event loop go out in one payload.
            m_flushQueued = true;
            QMetaObject::invokeMethod(
                    this,
                    [this] {
                        m_flushQueued = false;
                        flushPoll();
                    },
                    Qt::QueuedConnection);
        }
    }
    checkBackpressure();
}

void EngineIoSession::armPingTimer()
{
    const EngineIoOptions &options = m_server->options();
    const qint64 deadline = m_awaitingPong ? m_pingDueAt + options.pingTimeoutMs : m_pingDueAt;
    m_pingTimer.start(int(qMax<qint64>(0, deadline - m_server->now())), Qt::PreciseTimer, this);
}

void EngineIoSession::onPingTimer()
{
    if (m_state == State::Closing) {
        terminate(reason::ForcedClose, false);
        return;
    }
    if (heartbeatExpired()) {
        terminate(reason::PingTimeout, true);
        return;
    }
    if (!m_awaitingPong && m_server->now() >= m_pingDueAt) {
        m_awaitingPong = true;
        sendPacket(eio::Packet::text(eio::PacketType::Ping));
    }
    if (m_state == State::Open)
        armPingTimer();
}

bool EngineIoSession::heartbeatExpired() const
{
    return m_server->now() >= m_pingDueAt + m_server->options().pingTimeoutMs;
}

void EngineIoSession::checkBackpressure()
{
    const qint64 limit = m_server->options().sendBufferLimit;
    const qint64 buffered = bufferedBytes();
    if (buffered <= limit) {
        m_slowTimer.stop();
        return;
    }
    if (buffered > 4 * limit) {
        qCInfo(lcEngineIo) << "closing slow consumer" << m_id << buffered << "bytes";
        terminate(reason::SlowConsumer, false);
        return;
    }
    if (!m_slowTimer.isActive())
        m_slowTimer.start(m_server->options().slowConsumerGraceMs, this);
}

void EngineIoSession::terminate(const QString &why, bool sendClose)
{
    if (m_state == State::Closed)
        return;
    const bool notify = m_state == State::Open;
    m_state = State::Closed;
    m_pingTimer.stop();
    m_upgradeTimer.stop();
    m_upgradeNoopTimer.stop();
    m_slowTimer.stop();
    if (QWebSocket *probe = m_probe) {
        m_probe = nullptr;
        disconnect(probe, nullptr, this, nullptr);
        probe->abort();
    }
    if (m_pendingPoll)
        answerPendingPoll(sendClose ? ClosePayload : NoopPayload);
    if (QWebSocket *socket = m_socket) {
        disconnect(socket, nullptr, this, nullptr);
        if (why == reason::SlowConsumer || why == reason::ParseError)
            socket->abort();
        else if (socket->state() == QAbstractSocket::ConnectedState)
            socket->close(why == reason::ServerShuttingDown ? QWebSocketProtocol::CloseCodeGoingAway
                                                            : QWebSocketProtocol::CloseCodeNormal);
    }
    m_pollQueue.clear();
    m_pollQueueBytes = 0;
    m_server->removeSession(this);
    if (notify)
        Q_EMIT closed(why);
    deleteLater();
}

// ---------------------------------------------------------------------------------------------
// EngineIoServer

EngineIoServer::EngineIoServer(const EngineIoOptions &options, QObject *parent)
    : QObject(parent), m_options(options)
{
    m_clock.start();
}

EngineIoServer::~EngineIoServer() = default;

void EngineIoServer::handleHttpRequest(const QHttpServerRequest &request,
                                       QHttpServerResponder &&responder,
                                       const HttpHeaders &extraHeaders)
{
    const QUrlQuery query = request.query();
    const QString transport = query.queryItemValue(u"transport"_s);
    if (transport != u"polling"_s || !m_options.allowPolling) {
        const bool knownTransport = transport == u"websocket"_s && m_options.allowWebSocket;
        // A websocket request that is not an upgrade is a bad request, as in the reference.
        writeError(responder,
                   knownTransport ? EngineIoError::BadRequest : EngineIoError::UnknownTransport,
                   extraHeaders);
        return;
    }
    if (query.queryItemValue(u"EIO"_s) != u"4"_s) {
        writeError(responder, EngineIoError::UnsupportedProtocolVersion, extraHeaders);
        return;
    }
    const QString sid = query.queryItemValue(u"sid"_s);
    const auto method = request.method();
    if (sid.isEmpty()) {
        if (method != QHttpServerRequest::Method::Get) {
            writeError(responder, EngineIoError::BadHandshakeMethod, extraHeaders);
            return;
        }
        Handshake handshake;
        handshake.query = query;
        handshake.headers = lowerCaseHeaders(request.headers());
        handshake.remoteAddress = request.remoteAddress();
        handshake.transport = u"polling"_s;
        EngineIoSession *session = createSession(std::move(handshake));
        QByteArray body
                = openPacket(session->id(), m_options.allowUpgrades && m_options.allowWebSocket);
        writeHttpResponse(responder, HttpStatus::Ok, PollContentType, body, extraHeaders);
        Q_EMIT sessionOpened(session);
        return;
    }
    EngineIoSession *session = m_sessions.value(sid);
    if (session && session->m_probe) {
        // A client writes "2probe" and "5" on the WebSocket before its next request; with
        // two connections this event loop may see the request first. It is answered in the
        // state the client is in: the probe's frames are handled first.
        session->drainProbe();
        session = m_sessions.value(sid);
    }
    if (!session) {
        writeError(responder, EngineIoError::UnknownSid, extraHeaders);
        return;
    }
    if (session->transport() != EngineIoSession::Transport::Polling) {
        writeError(responder, EngineIoError::BadRequest, extraHeaders);
        return;
    }
    if (method == QHttpServerRequest::Method::Get)
        session->handlePoll(std::move(responder), extraHeaders);
    else if (method == QHttpServerRequest::Method::Post)
        session->handlePost(request, std::move(responder), extraHeaders);
    else
        writeError(responder, EngineIoError::BadRequest, extraHeaders);
}

EngineIoError EngineIoServer::checkUpgrade(const QHttpServerRequest &request) const
{
    const QUrlQuery query = request.query();
    const QString transport = query.queryItemValue(u"transport"_s);
    if (transport != u"websocket"_s || !m_options.allowWebSocket)
        return transport == u"polling"_s ? EngineIoError::BadRequest
                                         : EngineIoError::UnknownTransport;
    if (query.queryItemValue(u"EIO"_s) != u"4"_s)
        return EngineIoError::UnsupportedProtocolVersion;
    const QString sid = query.queryItemValue(u"sid"_s);
    if (sid.isEmpty())
        return EngineIoError::None;
    // A session that cannot be upgraded (already upgraded, or upgrading) still gets its
    // WebSocket handshake, and the socket is closed at once, as by the reference server:
    // clients that do not expect an HTTP error are not tripped up.
    if (!m_sessions.contains(sid))
        return EngineIoError::UnknownSid;
    return m_options.allowUpgrades ? EngineIoError::None : EngineIoError::BadRequest;
}

void EngineIoServer::handleWebSocket(QWebSocket *socket)
{
    socket->setMaxAllowedIncomingMessageSize(quint64(m_options.maxPayload));
    const QUrlQuery query(socket->requestUrl());
    const QString sid = query.queryItemValue(u"sid"_s);
    if (!sid.isEmpty()) {
        EngineIoSession *session = m_sessions.value(sid);
        // Re-checked: the session may have closed or started another upgrade meanwhile.
        if (!session || !session->isOpen()
            || session->transport() != EngineIoSession::Transport::Polling || session->m_probe) {
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated);
            socket->deleteLater();
            return;
        }
        session->beginUpgrade(socket);
        return;
    }
    Handshake handshake;
    handshake.query = query;
    const QNetworkRequest request = socket->request();
    const QList<QByteArray> names = request.rawHeaderList();
    for (const QByteArray &name : names)
        handshake.headers.insert(name.toLower(), request.rawHeader(name));
    handshake.remoteAddress = socket->peerAddress();
    handshake.transport = u"websocket"_s;
    EngineIoSession *session = createSession(std::move(handshake));
    session->m_transport = EngineIoSession::Transport::WebSocket;
    session->attachWebSocket(socket);
    socket->sendTextMessage(QString::fromUtf8(openPacket(session->id(), false)));
    Q_EMIT sessionOpened(session);
}

void EngineIoServer::closeAll(const QString &reason)
{
    const QList<EngineIoSession *> sessions = m_sessions.values();
    for (EngineIoSession *session : sessions)
        session->close(reason);
}

EngineIoSession *EngineIoServer::createSession(Handshake handshake)
{
    QString id = newSessionId();
    while (m_sessions.contains(id))
        id = newSessionId();
    auto *session = new EngineIoSession(this, id, std::move(handshake));
    m_sessions.insert(id, session);
    return session;
}

void EngineIoServer::removeSession(EngineIoSession *session)
{
    m_sessions.remove(session->id());
}

QByteArray EngineIoServer::openPacket(const QString &sid, bool withUpgrades) const
{
    JsonArray upgrades;
    if (withUpgrades)
        upgrades.append(JsonValue(u"websocket"_s));
    const JsonObject open{
            {u"sid"_s, JsonValue(sid)},
            {u"upgrades"_s, JsonValue(upgrades)},
            {u"pingInterval"_s, JsonValue(m_options.pingIntervalMs)},
            {u"pingTimeout"_s, JsonValue(m_options.pingTimeoutMs)},
            {u"maxPayload"_s, JsonValue(m_options.maxPayload)},
    };
    QByteArray packet(1, char(eio::PacketType::Open));
    JsonValue(open).writeJson(packet);
    return packet;
}

QString EngineIoServer::newSessionId() const
{
    return makeRandomId();
}

QString makeRandomId()
{
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    const QByteArray bytes(reinterpret_cast<const char *>(words), 15);
    return QString::fromLatin1(
            bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

} // namespace chat::transport
