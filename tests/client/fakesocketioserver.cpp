// SPDX-License-Identifier: MIT
#include "fakesocketioserver.h"

#include <QtCore/QUrlQuery>
#include <QtWebSockets/QWebSocket>

using namespace Qt::StringLiterals;

FakeSession::FakeSession(QWebSocket *socket, QObject *parent)
    : QObject(parent),
      m_socket(socket),
      m_requestUrl(socket->requestUrl()),
      m_request(socket->request())
{
    m_clock.start();
    socket->setParent(this);
    connect(socket, &QWebSocket::textMessageReceived, this, [this](const QString &frame) {
        m_frames.append({false, frame, {}});
        Q_EMIT textReceived(frame);
    });
    connect(socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &frame) {
        m_frames.append({true, {}, frame});
    });
    connect(socket, &QWebSocket::disconnected, this, [this] {
        if (m_closed)
            return;
        m_closed = true;
        Q_EMIT closed();
    });
}

QString FakeSession::queryItem(const QString &key) const
{
    return QUrlQuery(m_requestUrl).queryItemValue(key, QUrl::FullyDecoded);
}

QStringList FakeSession::texts() const
{
    QStringList result;
    for (const Frame &frame : m_frames) {
        if (!frame.binary)
            result.append(frame.text);
    }
    return result;
}

QStringList FakeSession::packets() const
{
    QStringList result = texts();
    result.removeAll(u"3"_s);
    return result;
}

int FakeSession::pongCount() const
{
    return int(texts().count(u"3"_s));
}

void FakeSession::sendText(const QString &frame)
{
    if (m_socket)
        m_socket->sendTextMessage(frame);
}

void FakeSession::sendBinary(const QByteArray &frame)
{
    if (m_socket)
        m_socket->sendBinaryMessage(frame);
}

void FakeSession::sendOpen(int pingInterval, int pingTimeout, qint64 maxPayload)
{
    const QString sid = objectName();
    sendText(uR"(0{"sid":"%1","upgrades":[],"pingInterval":%2,"pingTimeout":%3,"maxPayload":%4})"_s
                     .arg(sid)
                     .arg(pingInterval)
                     .arg(pingTimeout)
                     .arg(maxPayload));
}

void FakeSession::closeGracefully()
{
    if (m_socket)
        m_socket->close();
}

void FakeSession::abort()
{
    if (m_socket)
        m_socket->abort();
}

FakeSocketIoServer::FakeSocketIoServer(QObject *parent)
    : QObject(parent), m_server(u"fake-socket.io"_s, QWebSocketServer::NonSecureMode)
{
    connect(&m_server, &QWebSocketServer::newConnection, this,
            &FakeSocketIoServer::onNewConnection);
}

FakeSocketIoServer::~FakeSocketIoServer()
{
    // The sessions' sockets must not call back into a half-destroyed server.
    for (FakeSession *session : std::as_const(m_sessions))
        session->disconnect(this);
    m_server.close();
}

bool FakeSocketIoServer::listen(quint16 port)
{
    if (!m_server.listen(QHostAddress::LocalHost, port))
        return false;
    m_port = m_server.serverPort();
    return true;
}

void FakeSocketIoServer::stopListening()
{
    m_server.close();
}

QUrl FakeSocketIoServer::url() const
{
    return QUrl(u"http://127.0.0.1:%1"_s.arg(m_port));
}

QList<FakeSession *> FakeSocketIoServer::sessionsOf(const QString &tag) const
{
    QList<FakeSession *> result;
    for (FakeSession *session : m_sessions) {
        if (session->queryItem(u"client"_s) == tag)
            result.append(session);
    }
    return result;
}

void FakeSocketIoServer::onNewConnection()
{
    while (m_server.hasPendingConnections()) {
        QWebSocket *socket = m_server.nextPendingConnection();
        auto *session = new FakeSession(socket, this);
        session->setObjectName(nextSessionId());
        m_sessions.append(session);
        connect(session, &FakeSession::textReceived, this,
                [this, session](const QString &frame) { answerConnect(session, frame); });
        if (autoOpen)
            session->sendOpen(pingInterval, pingTimeout, maxPayload);
        Q_EMIT sessionStarted(session);
    }
}

void FakeSocketIoServer::answerConnect(FakeSession *session, const QString &frame)
{
    if (!autoConnect || !frame.startsWith(u"40"))
        return;
    // "40", then "/nsp," unless it is the main namespace, then the optional auth object.
    QString nsp = u"/"_s;
    if (frame.size() > 2 && frame.at(2) == u'/') {
        const qsizetype comma = frame.indexOf(u',', 2);
        nsp = comma < 0 ? frame.mid(2) : frame.mid(2, comma - 2);
    }
    const QString prefix = nsp == u"/" ? QString() : nsp + u',';
    const auto error = connectErrors.constFind(nsp);
    if (error != connectErrors.constEnd())
        session->sendText(u"44"_s + prefix + *error);
    else
        session->sendText(u"40"_s + prefix + uR"({"sid":"sock-%1"})"_s.arg(++m_socketIds));
}
