// SPDX-License-Identifier: MIT
#include "chattestkit.h"

#include "auth/jwt.h"
#include "server.h"

#include <QtCore/QDateTime>
#include <QtCore/QRegularExpression>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>
#include <QtNetwork/QNetworkRequest>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <algorithm>
#include <memory>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace chat::test {

QByteArray testSecret()
{
    return QByteArrayLiteral("community-chat-test-secret-0123456789");
}

JsonValue json(QByteArrayView text)
{
    QString error;
    const std::optional<JsonValue> value = JsonValue::parse(text, &error);
    if (!value)
        return JsonValue(u"<invalid test JSON: "_s + error + u'>');
    return *value;
}

QByteArray dump(const JsonValue &value)
{
    return value.toJson();
}

QByteArray mintToken(const TestUser &user, QByteArrayView secret)
{
    auth::JwtClaims claims;
    claims.identity.userId = user.id;
    claims.identity.name = user.name;
    claims.identity.avatar = user.avatar;
    claims.identity.role = user.role;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    claims.issuedAt = now;
    claims.expiresAt = now + 3600;
    return auth::mintJwt(claims, secret);
}

QByteArray memberToken(qint64 userId)
{
    const JsonValue user = memberObject(userId);
    return mintToken({userId, user[u"name"_s].toString(), user[u"avatar"_s].toString()});
}

ChatServerFixture::ChatServerFixture()
{
    m_config.mode = app::ServerConfig::Mode::Embedded;
    m_config.dataDir = m_dir.path();
    m_config.jwtSecret = QString::fromLatin1(testSecret());
    m_config.host = u"127.0.0.1"_s;
    m_config.port = 0;
}

ChatServerFixture::~ChatServerFixture()
{
    stop();
}

bool ChatServerFixture::start(QString *error)
{
    if (!m_dir.isValid()) {
        *error = u"no temporary folder: "_s + m_dir.errorString();
        return false;
    }
    m_server = std::make_unique<app::Server>(m_config);
    return m_server->start(error);
}

bool ChatServerFixture::stop()
{
    if (!m_server)
        return true;
    QSignalSpy stopped(m_server.get(), &app::Server::stopped);
    m_server->shutdown();
    const bool ok = stopped.count() > 0 || stopped.wait(5000);
    m_server.reset();
    return ok;
}

int ChatServerFixture::connectionCount() const
{
    QNetworkAccessManager network;
    std::unique_ptr<QNetworkReply> reply(
            network.get(QNetworkRequest(url().resolved(QUrl(u"/metrics"_s)))));
    if (!QTest::qWaitFor([&reply] { return reply->isFinished(); }, 5000))
        return -1;
    static const QRegularExpression line(u"^chat_connections (\\d+)$"_s,
                                         QRegularExpression::MultilineOption);
    const QRegularExpressionMatch match = line.match(QString::fromUtf8(reply->readAll()));
    return match.hasMatch() ? match.captured(1).toInt() : -1;
}

QUrl ChatServerFixture::url() const
{
    return m_server ? QUrl(m_server->url()) : QUrl();
}

SocketIoOptions ChatClient::optionsFor(const QUrl &server)
{
    SocketIoOptions options;
    options.url = server;
    options.reconnection = false;
    options.connectTimeout = 5s;
    return options;
}

ChatClient::ChatClient(const QUrl &server, QObject *parent) : ChatClient(optionsFor(server), parent)
{ }

ChatClient::ChatClient(const SocketIoOptions &options, QObject *parent)
    : QObject(parent), m_io(new SocketIoClient(options, this))
{
    m_clock.start();
    connect(m_io, &SocketIoClient::eventReceived, this, &ChatClient::onEvent);
    connect(m_io, &SocketIoClient::connectError, this,
            [this](const QString &, const JsonValue &data) {
                m_refusal = data;
                m_refused = true;
            });
}

ChatClient::~ChatClient()
{
    m_io->close();
}

bool ChatClient::connectWith(const JsonValue &auth, int timeoutMs)
{
    m_refused = false;
    m_refusal = {};
    m_io->connectNamespace(u"/"_s, auth);
    return QTest::qWaitFor([this] { return m_io->isConnected() || m_refused; }, timeoutMs)
            && m_io->isConnected();
}

bool ChatClient::signIn(const QByteArray &token, int timeoutMs)
{
    return connectWith(JsonObject{{u"token"_s, JsonValue(QString::fromLatin1(token))}}, timeoutMs);
}

JsonValue ChatClient::refusalFor(const JsonValue &auth, int timeoutMs)
{
    if (connectWith(auth, timeoutMs))
        return {};
    return m_refusal;
}

void ChatClient::close()
{
    m_io->close();
}

PendingAckPtr ChatClient::start(const QString &event, const JsonArray &args, int timeoutMs)
{
    auto pending = std::make_shared<PendingAck>();
    m_io->emitWithAck(
            u"/"_s, event, args,
            [pending](const JsonArray &ackArgs) {
                pending->done = true;
                pending->value = ackArgs.value(0);
            },
            std::chrono::milliseconds(timeoutMs),
            [pending](SocketIoClient::AckError) { pending->done = true; });
    return pending;
}

JsonValue ChatClient::call(const QString &event, const JsonArray &args, int timeoutMs)
{
    const PendingAckPtr pending = start(event, args, timeoutMs);
    if (!QTest::qWaitFor([&pending] { return pending->done; }, timeoutMs + 1000))
        return {};
    return pending->value;
}

void ChatClient::send(const QString &event, const JsonArray &args)
{
    m_io->emitEvent(u"/"_s, event, args);
}

bool ChatClient::sync(int timeoutMs)
{
    // room:list touches nothing and always answers; the answer follows every event the server
    // wrote to this connection before handling it.
    return isOk(call(u"room:list"_s, JsonArray{}, timeoutMs));
}

JsonValue ChatClient::join(const QString &slug)
{
    return call(u"room:join"_s, JsonObject{{u"roomSlug"_s, JsonValue(slug)}});
}

JsonValue ChatClient::say(qint64 roomId, const QString &text)
{
    return call(u"message:send"_s,
                JsonObject{{u"roomId"_s, JsonValue(roomId)},
                           {u"message"_s, JsonValue(text)},
                           {u"type"_s, JsonValue(u"text"_s)}});
}

QList<qint64> ChatClient::sayAll(qint64 roomId, const QStringList &texts, int timeoutMs)
{
    auto ids = std::make_shared<QList<qint64>>(texts.size(), 0);
    auto answered = std::make_shared<qsizetype>(0);
    for (qsizetype i = 0; i < texts.size(); ++i) {
        m_io->emitWithAck(u"/"_s, u"message:send"_s,
                          {JsonObject{{u"roomId"_s, JsonValue(roomId)},
                                      {u"message"_s, texts.at(i)},
                                      {u"type"_s, u"text"_s}}},
                          [ids, answered, i](const JsonArray &args) {
                              ++*answered;
                              if (isOk(args.value(0)))
                                  (*ids)[i] = args.value(0)[u"id"_s].toInteger();
                          });
    }
    if (!QTest::qWaitFor([&] { return *answered == texts.size(); }, timeoutMs))
        return {};
    return *ids;
}

JsonArray ChatClient::history(qint64 roomId, int limit)
{
    const JsonValue ack
            = call(u"message:history"_s,
                   JsonObject{{u"roomId"_s, JsonValue(roomId)}, {u"limit"_s, JsonValue(limit)}});
    return ack[u"messages"_s].toArray();
}

qint64 ChatClient::roomId(const QString &slug)
{
    const JsonArray rooms = call(u"room:list"_s, JsonArray{})[u"rooms"_s].toArray();
    for (const JsonValue &room : rooms) {
        if (room[u"slug"_s].toString() == slug)
            return room[u"id"_s].toInteger();
    }
    return 0;
}

QList<Received> ChatClient::received(const QString &event) const
{
    QList<Received> result;
    for (const Received &item : m_received) {
        if (item.event == event)
            result.append(item);
    }
    return result;
}

JsonArray ChatClient::payloads(const QString &event) const
{
    JsonArray result;
    for (const Received &item : m_received) {
        if (item.event == event)
            result.append(item.payload());
    }
    return result;
}

bool ChatClient::waitFor(const QString &event, qsizetype n, int timeoutMs)
{
    return QTest::qWaitFor([this, &event, n] { return count(event) >= n; }, timeoutMs);
}

void ChatClient::clear()
{
    m_received.clear();
    m_counts.clear();
}

void ChatClient::onEvent(const QString &nsp, const QString &event, const JsonArray &args, qint64)
{
    if (nsp != u"/"_s)
        return;
    m_received.append({event, args, m_clock.elapsed()});
    ++m_counts[event];
}

JsonValue memberObject(qint64 userId)
{
    return JsonObject{
            {u"id"_s, JsonValue(userId)},
            {u"name"_s, JsonValue(u"user%1"_s.arg(userId))},
            {u"avatar"_s, JsonValue(u"https://example.test/avatars/%1.png"_s.arg(userId))}};
}

JsonValue roomPayload(qint64 roomId, const JsonObject &extra)
{
    JsonObject payload{{u"roomId"_s, JsonValue(roomId)}};
    for (const auto &[key, value] : extra)
        payload.insert(key, value);
    return payload;
}

QStringList sortedKeys(const JsonValue &object)
{
    QStringList keys = object.toObject().keys();
    keys.sort();
    return keys;
}

QList<qint64> presenceIds(const JsonArray &payloads, const QString &list)
{
    QList<qint64> ids;
    for (const JsonValue &payload : payloads) {
        const JsonArray entries = payload[list].toArray();
        for (const JsonValue &entry : entries)
            ids.append(entry.isObject() ? entry[u"id"_s].toInteger() : entry.toInteger());
    }
    return ids;
}

bool waitAll(const QList<PendingAckPtr> &acks, int timeoutMs)
{
    return QTest::qWaitFor(
            [&acks] {
                return std::all_of(acks.cbegin(), acks.cend(),
                                   [](const PendingAckPtr &ack) { return ack->done; });
            },
            timeoutMs);
}

bool isProtocolTime(const JsonValue &text)
{
    static const QRegularExpression pattern(
            u"^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$"_s);
    return text.isString() && pattern.match(text.toString()).hasMatch();
}

bool isOk(const JsonValue &ack)
{
    return ack[u"ok"_s].isBool() && ack[u"ok"_s].toBool();
}

QString errorCode(const JsonValue &ack)
{
    return ack[u"error"_s][u"code"_s].toString();
}

QList<qint64> idsOf(const JsonArray &messages)
{
    QList<qint64> ids;
    ids.reserve(messages.size());
    for (const JsonValue &message : messages)
        ids.append(message[u"id"_s].toInteger());
    return ids;
}

QStringList keyList(std::initializer_list<const char16_t *> keys)
{
    QStringList list;
    for (const char16_t *key : keys)
        list.append(QString::fromUtf16(key));
    list.sort();
    return list;
}

bool ChatServerTestCase::startServer(QString *error)
{
    m_fixture = std::make_unique<ChatServerFixture>();
    m_fixture->config().rateLimitPerMin = 0;
    if (!m_fixture->start(error))
        return false;
    ChatClient probe(m_fixture->url());
    if (!probe.signIn(memberToken(999))) {
        *error = u"the probe client could not sign in"_s;
        return false;
    }
    m_general = probe.roomId(u"general"_s);
    m_aiTools = probe.roomId(u"ai-tools"_s);
    if (m_general <= 0 || m_aiTools <= 0) {
        *error = u"room:list has no #general or #ai-tools"_s;
        return false;
    }
    return true;
}

bool ChatServerTestCase::stopServer()
{
    m_clients.clear();
    const bool stopped = !m_fixture || m_fixture->stop();
    m_fixture.reset();
    return stopped;
}

ChatClient *ChatServerTestCase::signedIn(const QByteArray &token)
{
    auto client = std::make_unique<ChatClient>(m_fixture->url());
    if (!client->signIn(token))
        return nullptr;
    m_clients.push_back(std::move(client));
    return m_clients.back().get();
}

} // namespace chat::test
