// SPDX-License-Identifier: MIT
#include "apptestkit.h"

#include "auth/jwt.h"
#include "server.h"
#include "serverconfig.h"

#include <QtCore/QDateTime>
#include <QtCore/QEventLoop>
#include <QtCore/QTimer>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>
#include <QtNetwork/QNetworkRequest>
#include <QtQuick/QQuickItem>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace chat::apptest {

QByteArray secret()
{
    return QByteArrayLiteral("member-app-test-secret-0123456789abcdef");
}

QString mintToken(qint64 userId, const QString &name, qint64 validSeconds)
{
    auth::JwtClaims claims;
    claims.identity.userId = userId;
    claims.identity.name = name;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    claims.issuedAt = now - qMax<qint64>(0, -validSeconds) - 10;
    claims.expiresAt = now + validSeconds;
    return QString::fromLatin1(auth::mintJwt(claims, secret()));
}

TestServer::TestServer() = default;

TestServer::~TestServer()
{
    stop();
}

bool TestServer::start()
{
    if (m_server)
        return true;
    app::ServerConfig config;
    config.dataDir = m_dir.path();
    config.jwtSecret = QString::fromLatin1(secret());
    config.host = u"127.0.0.1"_s;
    config.port = m_port;
    config.rateLimitPerMin = m_rateLimit;
    config.standalone = true;
    m_server = std::make_unique<app::Server>(config);
    QString error;
    if (!m_server->start(&error)) {
        qWarning() << "test server:" << error;
        m_server.reset();
        return false;
    }
    m_port = m_server->port();
    return true;
}

bool TestServer::stop()
{
    if (!m_server)
        return true;
    QSignalSpy stopped(m_server.get(), &app::Server::stopped);
    m_server->shutdown();
    const bool ok = stopped.wait(5000);
    m_server.reset();
    return ok;
}

QString TestServer::url() const
{
    return u"http://127.0.0.1:%1"_s.arg(m_port);
}

QQuickItem *findItem(QQuickItem *root, const QString &name, bool hiddenToo)
{
    if (!root)
        return nullptr;
    if (root->objectName() == name && (hiddenToo || root->isVisible()))
        return root;
    const QList<QQuickItem *> children = root->childItems();
    for (QQuickItem *child : children) {
        if (QQuickItem *found = findItem(child, name, hiddenToo))
            return found;
    }
    return nullptr;
}

QString registerAccount(const QString &server, const QString &username, const QString &password,
                        const QString &name)
{
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(server + u"/api/v1/auth/register"_s));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    const JsonObject body{{u"username"_s, username}, {u"password"_s, password}, {u"name"_s, name}};
    std::unique_ptr<QNetworkReply> reply(network.post(request, JsonValue(body).toJson()));
    QEventLoop loop;
    QObject::connect(reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(10s, &loop, &QEventLoop::quit);
    loop.exec();
    const std::optional<JsonValue> answer = JsonValue::parse(reply->readAll());
    return answer ? (*answer)[u"token"].toString() : QString();
}

Peer::Peer(const QString &server, QObject *parent) : QObject(parent)
{
    SocketIoOptions options;
    options.url = QUrl(server);
    options.reconnection = false;
    m_io = new SocketIoClient(options, this);
    connect(m_io, &SocketIoClient::eventReceived, this,
            [this](const QString &, const QString &event, const JsonArray &args, qint64) {
                m_events.append({event, args.value(0)});
            });
}

Peer::~Peer()
{
    m_io->disconnect(this);
}

bool Peer::signIn(const QString &token)
{
    QSignalSpy connected(m_io, &SocketIoClient::connected);
    m_io->connectNamespace(u"/"_s, JsonObject{{u"token"_s, token}});
    return connected.wait(5000);
}

void Peer::close()
{
    m_io->close();
}

JsonValue Peer::call(const QString &event, const JsonObject &payload)
{
    JsonValue result;
    bool done = false;
    m_io->emitWithAck(
            u"/"_s, event, {JsonValue(payload)},
            [&](const JsonArray &args) {
                result = args.value(0);
                done = true;
            },
            5s, [&](SocketIoClient::AckError) { done = true; });
    if (!QTest::qWaitFor([&] { return done; }, 6000))
        qWarning() << "no acknowledgement of" << event;
    return result;
}

qint64 Peer::join(const QString &slug)
{
    return call(u"room:join"_s, {{u"roomSlug"_s, slug}})[u"room"][u"id"].toInteger();
}

qint64 Peer::say(qint64 roomId, const QString &text, qint64 replyTo)
{
    JsonObject payload{{u"roomId"_s, roomId}, {u"message"_s, text}, {u"type"_s, u"text"_s}};
    if (replyTo > 0)
        payload.insert(u"replyTo"_s, replyTo);
    return call(u"message:send"_s, payload)[u"id"].toInteger();
}

bool Peer::edit(qint64 messageId, const QString &text)
{
    return call(u"message:edit"_s, {{u"id"_s, messageId}, {u"message"_s, text}})[u"ok"].toBool();
}

bool Peer::remove(qint64 messageId)
{
    return call(u"message:delete"_s, {{u"id"_s, messageId}})[u"ok"].toBool();
}

void Peer::startTyping(qint64 roomId)
{
    m_io->emitEvent(u"/"_s, u"typing:start"_s, {JsonObject{{u"roomId"_s, roomId}}});
}

JsonArray Peer::received(const QString &event) const
{
    JsonArray payloads;
    for (const auto &[name, payload] : m_events) {
        if (name == event)
            payloads.append(payload);
    }
    return payloads;
}

bool Peer::waitFor(const QString &event, const std::function<bool(const JsonValue &)> &test,
                   int timeoutMs)
{
    const auto found = [&] {
        for (const auto &[name, payload] : std::as_const(m_events)) {
            if (name == event && test(payload))
                return true;
        }
        return false;
    };
    return QTest::qWaitFor(found, timeoutMs);
}

} // namespace chat::apptest
