// SPDX-License-Identifier: MIT
// The HTTP side of the chat server (protocol.md §2 standalone accounts, §9): health, metrics,
// rooms, room history with its bearer token and membership check, presence, register/login.
#include "chattestkit.h"

#include <QtCore/QDir>
#include <QtCore/QDirIterator>
#include <QtCore/QFile>
#include <QtCore/QHash>
#include <QtCore/QRegularExpression>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>
#include <QtNetwork/QNetworkRequest>
#include <QtTest/QTest>

#include <memory>

using namespace chat;
using namespace chat::test;
using namespace Qt::StringLiterals;

namespace {

struct HttpReply
{
    int status = 0;
    QByteArray contentType;
    QByteArray body;

    JsonValue json() const { return test::json(body); }
    QByteArray describe() const { return QByteArray::number(status) + ' ' + body.left(300); }
};

//! Prometheus samples by "name{labels}".
QHash<QString, double> parseMetrics(const QByteArray &text, QStringList *problems)
{
    static const QRegularExpression sample(
            u"^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\""
            u"(?:,[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\")*\\})?) (-?[0-9.eE+-]+|\\+Inf|NaN)$"_s);
    static const QRegularExpression comment(u"^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$"_s);
    QHash<QString, double> samples;
    const QStringList lines = QString::fromUtf8(text).split(u'\n', Qt::SkipEmptyParts);
    for (const QString &line : lines) {
        if (line.startsWith(u'#')) {
            if (!comment.match(line).hasMatch())
                problems->append(line);
            continue;
        }
        const QRegularExpressionMatch match = sample.match(line);
        if (!match.hasMatch()) {
            problems->append(line);
            continue;
        }
        samples.insert(match.captured(1), match.captured(2).toDouble());
    }
    return samples;
}

} // namespace

class tst_ChatHttp : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void healthz();
    void metrics();
    void rooms();
    void roomMessages();
    void roomMessagesRefused_data();
    void roomMessagesRefused();
    void presence();
    void registerAndLogin();
    void registerRefused_data();
    void registerRefused();
    void accountsOnlyInStandaloneMode_data();
    void accountsOnlyInStandaloneMode();

private:
    HttpReply request(const QUrl &base, const QByteArray &method, const QString &path,
                      const QByteArray &body = {}, const QByteArray &authorization = {});
    HttpReply get(const QString &path, const QByteArray &bearer = {})
    {
        return request(m_fixture->url(), "GET", path, {},
                       bearer.isEmpty() ? QByteArray() : QByteArray("Bearer " + bearer));
    }
    HttpReply post(const QString &path, const QByteArray &body)
    {
        return request(m_fixture->url(), "POST", path, body);
    }

    QNetworkAccessManager m_network;
    std::unique_ptr<ChatServerFixture> m_fixture;
    //! User 1, joined general with five messages.
    std::unique_ptr<ChatClient> m_member;
    qint64 m_general = 0;
};

void tst_ChatHttp::initTestCase()
{
    m_fixture = std::make_unique<ChatServerFixture>();
    QString error;
    QVERIFY2(m_fixture->start(&error), qPrintable(error));
    m_member = std::make_unique<ChatClient>(m_fixture->url());
    QVERIFY(m_member->signIn(memberToken(1)));
    m_general = m_member->roomId(u"general"_s);
    QVERIFY(isOk(m_member->join(u"general"_s)));
    for (int i = 1; i <= 5; ++i)
        QVERIFY(isOk(m_member->say(m_general, u"rest %1"_s.arg(i))));
}

void tst_ChatHttp::cleanupTestCase()
{
    m_member.reset();
    QVERIFY(m_fixture->stop());
}

HttpReply tst_ChatHttp::request(const QUrl &base, const QByteArray &method, const QString &path,
                                const QByteArray &body, const QByteArray &authorization)
{
    QNetworkRequest request(base.resolved(QUrl(path)));
    if (!body.isNull())
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
    if (!authorization.isEmpty())
        request.setRawHeader(QByteArrayLiteral("Authorization"), authorization);
    QNetworkReply *reply = m_network.sendCustomRequest(request, method, body);
    HttpReply result;
    if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 10000)) {
        reply->abort();
        reply->deleteLater();
        return result;
    }
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    result.body = reply->readAll();
    reply->deleteLater();
    return result;
}

void tst_ChatHttp::healthz()
{
    const HttpReply reply = get(u"/healthz"_s);
    QCOMPARE(reply.status, 200);
    QVERIFY2(reply.contentType.startsWith("application/json"), reply.contentType.constData());
    const JsonValue body = reply.json();
    QCOMPARE(sortedKeys(body), (QStringList{u"broker"_s, u"status"_s, u"storage"_s}));
    QCOMPARE(body[u"status"_s].toString(), u"ok"_s);
    QCOMPARE(body[u"storage"_s].toString(), u"ok"_s);
    QVERIFY(!body[u"broker"_s].toString().isEmpty());
}

void tst_ChatHttp::metrics()
{
    // A server of its own, so that every figure is known.
    ChatServerFixture fixture;
    QString error;
    QVERIFY2(fixture.start(&error), qPrintable(error));
    ChatClient a(fixture.url());
    ChatClient a2(fixture.url());
    ChatClient b(fixture.url());
    QVERIFY(a.signIn(memberToken(1)));
    QVERIFY(a2.signIn(memberToken(1)));
    QVERIFY(b.signIn(memberToken(2)));
    const qint64 general = a.roomId(u"general"_s);
    QVERIFY(isOk(a.join(u"general"_s)));
    QVERIFY(isOk(b.join(u"general"_s)));
    QVERIFY(isOk(a.say(general, u"one"_s)));
    QVERIFY(isOk(a.say(general, u"two"_s)));
    QCOMPARE(errorCode(a.say(general, u"   "_s)), u"invalid_payload"_s);
    QCOMPARE(errorCode(a.say(general + 1, u"not joined"_s)), u"forbidden"_s);
    ChatClient intruder(fixture.url());
    QVERIFY(!intruder.connectWith(JsonObject{{u"token"_s, u"bad"_s}}));
    QTRY_COMPARE(b.count(u"message:new"_s), 2);

    const HttpReply reply = request(fixture.url(), "GET", u"/metrics"_s);
    QCOMPARE(reply.status, 200);
    QVERIFY2(reply.contentType.startsWith("text/plain"), reply.contentType.constData());
    QStringList problems;
    const QHash<QString, double> samples = parseMetrics(reply.body, &problems);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
    for (const char *family :
         {"chat_connections", "chat_users_online", "chat_messages_in_total",
          "chat_messages_out_total", "chat_errors_total", "chat_message_latency_ms"}) {
        QVERIFY2(reply.body.contains(QByteArray("# TYPE " + QByteArray(family) + ' ')), family);
    }
    QCOMPARE(samples.value(u"chat_connections"_s, -1), 3.0);
    QCOMPARE(samples.value(u"chat_users_online"_s, -1), 2.0);
    // Four message:send requests came in; two messages went out to two connections each.
    QCOMPARE(samples.value(u"chat_messages_in_total"_s, -1), 4.0);
    QCOMPARE(samples.value(u"chat_messages_out_total"_s, -1), 4.0);
    QCOMPARE(samples.value(u"chat_errors_total{code=\"invalid_payload\"}"_s, -1), 1.0);
    QCOMPARE(samples.value(u"chat_errors_total{code=\"forbidden\"}"_s, -1), 1.0);
    for (const char *code : {"unauthorized", "not_found", "message_too_long", "rate_limited",
                             "too_many_connections", "server_error"}) {
        QVERIFY2(samples.contains(u"chat_errors_total{code=\"%1\"}"_s.arg(QLatin1StringView(code))),
                 code);
    }
    // The latency histogram saw both stored messages.
    QCOMPARE(samples.value(u"chat_message_latency_ms_count"_s, -1), 2.0);
    QCOMPARE(samples.value(u"chat_message_latency_ms_bucket{le=\"+Inf\"}"_s, -1), 2.0);
    QVERIFY(samples.contains(u"chat_message_latency_ms_sum"_s));
    int buckets = 0;
    for (auto it = samples.cbegin(); it != samples.cend(); ++it) {
        if (it.key().startsWith(u"chat_message_latency_ms_bucket"_s)) {
            ++buckets;
            QVERIFY(it.value() <= 2.0);
        }
    }
    QVERIFY(buckets >= 2);

    // Connections are a gauge: they go down again.
    a2.close();
    b.close();
    QTRY_COMPARE(parseMetrics(request(fixture.url(), "GET", u"/metrics"_s).body, &problems)
                         .value(u"chat_connections"_s, -1),
                 1.0);
    QCOMPARE(parseMetrics(request(fixture.url(), "GET", u"/metrics"_s).body, &problems)
                     .value(u"chat_users_online"_s, -1),
             1.0);
}

void tst_ChatHttp::rooms()
{
    const HttpReply reply = get(u"/api/v1/rooms"_s);
    QCOMPARE(reply.status, 200);
    const JsonValue body = reply.json();
    QCOMPARE(sortedKeys(body), QStringList{u"rooms"_s});
    const JsonArray rooms = body[u"rooms"_s].toArray();
    QCOMPARE(rooms.size(), 6);
    QStringList slugs;
    for (const JsonValue &room : rooms) {
        QCOMPARE(sortedKeys(room),
                 (QStringList{u"description"_s, u"icon"_s, u"id"_s, u"name"_s, u"online"_s,
                              u"slug"_s, u"type"_s}));
        QCOMPARE(room[u"type"_s].toString(), u"community"_s);
        slugs.append(room[u"slug"_s].toString());
        QCOMPARE(room[u"online"_s].toInteger(-1), room[u"id"_s].toInteger() == m_general ? 1 : 0);
    }
    QCOMPARE(slugs,
             (QStringList{u"general"_s, u"ai-tools"_s, u"n8n-automation"_s, u"vibe-coding"_s,
                          u"blockchain"_s, u"help"_s}));
    // The same list as room:list.
    const JsonArray listed = m_member->call(u"room:list"_s, JsonArray{})[u"rooms"_s].toArray();
    QCOMPARE(listed.size(), rooms.size());
    for (qsizetype i = 0; i < rooms.size(); ++i) {
        for (const QString &key : {u"id"_s, u"slug"_s, u"name"_s, u"description"_s, u"icon"_s})
            QCOMPARE(toString(rooms.at(i)[key]), toString(listed.at(i)[key]));
    }
}

void tst_ChatHttp::roomMessages()
{
    const QByteArray token = memberToken(1);
    const JsonArray viaSocket = m_member->history(m_general);
    QCOMPARE(viaSocket.size(), 5);
    const QList<qint64> ids = idsOf(viaSocket);

    HttpReply reply = get(u"/api/v1/rooms/%1/messages"_s.arg(m_general), token);
    QCOMPARE(reply.status, 200);
    JsonValue body = reply.json();
    QCOMPARE(sortedKeys(body), (QStringList{u"hasMore"_s, u"messages"_s}));
    QCOMPARE(toString(body[u"messages"_s]), toString(viaSocket));
    QCOMPARE(toString(body[u"hasMore"_s]), u"false"_s);

    reply = get(u"/api/v1/rooms/%1/messages?limit=2"_s.arg(m_general), token);
    QCOMPARE(reply.status, 200);
    QCOMPARE(idsOf(reply.json()[u"messages"_s].toArray()), ids.mid(3));
    QCOMPARE(toString(reply.json()[u"hasMore"_s]), u"true"_s);

    reply = get(u"/api/v1/rooms/%1/messages?before=%2&limit=2"_s.arg(m_general).arg(ids.at(3)),
                token);
    QCOMPARE(reply.status, 200);
    QCOMPARE(idsOf(reply.json()[u"messages"_s].toArray()), ids.mid(1, 2));
    QCOMPARE(toString(reply.json()[u"hasMore"_s]), u"true"_s);

    reply = get(u"/api/v1/rooms/%1/messages?before=%2&limit=100"_s.arg(m_general).arg(ids.at(1)),
                token);
    QCOMPARE(reply.status, 200);
    QCOMPARE(idsOf(reply.json()[u"messages"_s].toArray()), ids.mid(0, 1));
    QCOMPARE(toString(reply.json()[u"hasMore"_s]), u"false"_s);
}

void tst_ChatHttp::roomMessagesRefused_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("authorization");
    QTest::addColumn<int>("status");
    const QByteArray member = "Bearer " + memberToken(1);
    const QString messages = u"/api/v1/rooms/$G/messages"_s;
    QTest::newRow("no token") << messages << QByteArray() << 401;
    QTest::newRow("bad token") << messages << QByteArray("Bearer abc.def.ghi") << 401;
    QTest::newRow("token of another secret")
            << messages
            << QByteArray("Bearer "
                          + mintToken({1, u"user1"_s, {}, auth::Role::Member}, "wrong secret"))
            << 401;
    QTest::newRow("token without Bearer") << messages << memberToken(1) << 401;
    QTest::newRow("Basic scheme") << messages << QByteArray("Basic dXNlcjpwYXNz") << 401;
    QTest::newRow("not a member") << messages << QByteArray("Bearer " + memberToken(2)) << 403;
    QTest::newRow("limit 101") << messages + u"?limit=101"_s << member << 400;
    QTest::newRow("limit 0") << messages + u"?limit=0"_s << member << 400;
    QTest::newRow("limit not a number") << messages + u"?limit=ten"_s << member << 400;
    QTest::newRow("before not a number") << messages + u"?before=abc"_s << member << 400;
    QTest::newRow("before negative") << messages + u"?before=-3"_s << member << 400;
    QTest::newRow("room id not a number") << u"/api/v1/rooms/abc/messages"_s << member << 400;
}

void tst_ChatHttp::roomMessagesRefused()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, authorization);
    QFETCH(int, status);
    const HttpReply reply
            = request(m_fixture->url(), "GET", path.replace(u"$G"_s, QString::number(m_general)),
                      {}, authorization);
    QVERIFY2(reply.status == status, reply.describe().constData());
    const JsonValue body = reply.json();
    QVERIFY2(!body.toObject().contains(u"messages"_s), reply.describe().constData());
    QVERIFY2(!body[u"error"_s][u"code"_s].toString().isEmpty(), reply.describe().constData());
}

void tst_ChatHttp::presence()
{
    const HttpReply refused = get(u"/api/v1/presence?ids=1"_s);
    QCOMPARE(refused.status, 401);
    const HttpReply reply = get(u"/api/v1/presence?ids=1,2"_s, memberToken(2));
    QCOMPARE(reply.status, 200);
    const JsonArray users = reply.json()[u"users"_s].toArray();
    QCOMPARE(users.size(), 2);
    QCOMPARE(users.at(0)[u"id"_s].toInteger(), 1);
    QCOMPARE(toString(users.at(0)[u"online"_s]), u"true"_s);
    QCOMPARE(users.at(1)[u"id"_s].toInteger(), 2);
    QCOMPARE(toString(users.at(1)[u"online"_s]), u"false"_s);
}

void tst_ChatHttp::registerAndLogin()
{
    const QByteArray password = QByteArrayLiteral("correct horse battery staple");
    HttpReply reply = post(u"/api/v1/auth/register"_s,
                           R"({"username":"Alice_W","password":")" + password
                                   + R"(","name":"Alice Wonder"})");
    QVERIFY2(reply.status == 201, reply.describe().constData());
    const JsonValue registered = reply.json();
    const QString token = registered[u"token"_s].toString();
    QVERIFY(!token.isEmpty());
    const qint64 userId = registered[u"user"_s][u"id"_s].toInteger();
    QVERIFY(userId > 0);
    QCOMPARE(registered[u"user"_s][u"name"_s].toString(), u"Alice Wonder"_s);

    // The token signs in to the chat as that user.
    {
        ChatClient alice(m_fixture->url());
        QVERIFY(alice.signIn(token.toLatin1()));
        QVERIFY(isOk(alice.join(u"general"_s)));
        QVERIFY(isOk(alice.say(m_general, u"hi from Alice"_s)));
        QTRY_COMPARE(alice.count(u"message:new"_s), 1);
        const JsonValue user = alice.payloads(u"message:new"_s).at(0)[u"user"_s];
        QCOMPARE(user[u"id"_s].toInteger(), userId);
        QCOMPARE(user[u"name"_s].toString(), u"Alice Wonder"_s);
    }

    // Usernames are unique whatever their case.
    for (const char *taken : {"Alice_W", "alice_w", "ALICE_W"}) {
        reply = post(u"/api/v1/auth/register"_s,
                     R"({"username":")" + QByteArray(taken)
                             + R"(","password":"another password","name":"Mallory"})");
        QVERIFY2(reply.status == 409, reply.describe().constData());
        QVERIFY(!reply.json().toObject().contains(u"token"_s));
    }

    // Login is case-insensitive on the username too.
    for (const char *spelling : {"Alice_W", "alice_w"}) {
        reply = post(u"/api/v1/auth/login"_s,
                     R"({"username":")" + QByteArray(spelling) + R"(","password":")" + password
                             + R"("})");
        QVERIFY2(reply.status == 200, reply.describe().constData());
        QCOMPARE(reply.json()[u"user"_s][u"id"_s].toInteger(), userId);
        ChatClient again(m_fixture->url());
        QVERIFY(again.signIn(reply.json()[u"token"_s].toString().toLatin1()));
    }

    // A wrong password and an unknown user get the same answer.
    const HttpReply wrongPassword = post(u"/api/v1/auth/login"_s,
                                         R"({"username":"Alice_W","password":"wrong password"})");
    const HttpReply unknownUser = post(u"/api/v1/auth/login"_s,
                                       R"({"username":"Nobody_Here","password":"wrong password"})");
    QCOMPARE(wrongPassword.status, 401);
    QCOMPARE(unknownUser.status, 401);
    QCOMPARE(unknownUser.body, wrongPassword.body);
    QCOMPARE(unknownUser.contentType, wrongPassword.contentType);
    QVERIFY(!wrongPassword.json().toObject().contains(u"token"_s));
    QCOMPARE(wrongPassword.json()[u"error"_s][u"code"_s].toString(), u"unauthorized"_s);

    // The password is kept only as a hash: it appears in none of the server's files.
    QDirIterator files(m_fixture->dataDir(), QDir::Files, QDirIterator::Subdirectories);
    int scanned = 0;
    while (files.hasNext()) {
        QFile file(files.next());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY2(!file.readAll().contains(password), qPrintable(file.fileName()));
        ++scanned;
    }
    QVERIFY(scanned > 0);
}

void tst_ChatHttp::registerRefused_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("not JSON") << QByteArray("username=bob&password=12345678");
    QTest::newRow("an array") << QByteArray(R"(["bob","password1"])");
    QTest::newRow("empty") << QByteArray("");
    QTest::newRow("no password") << QByteArray(R"({"username":"bob_b"})");
    QTest::newRow("password too short")
            << QByteArray(R"({"username":"bob_b","password":"1234567"})");
    QTest::newRow("password a number")
            << QByteArray(R"({"username":"bob_b","password":123456789})");
    QTest::newRow("no username") << QByteArray(R"({"password":"long enough"})");
    QTest::newRow("username too short")
            << QByteArray(R"({"username":"bo","password":"long enough"})");
    QTest::newRow("username with a space")
            << QByteArray(R"({"username":"bob b","password":"long enough"})");
    QTest::newRow("username too long") << QByteArray(R"({"username":")" + QByteArray(33, 'b')
                                                     + R"(","password":"long enough"})");
}

void tst_ChatHttp::registerRefused()
{
    QFETCH(QByteArray, body);
    const HttpReply reply = post(u"/api/v1/auth/register"_s, body);
    QVERIFY2(reply.status == 400, reply.describe().constData());
    QVERIFY(!reply.json().toObject().contains(u"token"_s));
    QCOMPARE(reply.json()[u"error"_s][u"code"_s].toString(), u"invalid_payload"_s);
}

void tst_ChatHttp::accountsOnlyInStandaloneMode_data()
{
    QTest::addColumn<bool>("production");
    QTest::addColumn<int>("standalone"); // -1: not set
    QTest::addColumn<int>("status");
    QTest::newRow("embedded, standalone off") << false << 0 << 404;
    QTest::newRow("production") << true << -1 << 404;
    QTest::newRow("production, standalone on") << true << 1 << 201;
}

void tst_ChatHttp::accountsOnlyInStandaloneMode()
{
    QFETCH(bool, production);
    QFETCH(int, standalone);
    QFETCH(int, status);
    ChatServerFixture fixture;
    if (production)
        fixture.config().mode = app::ServerConfig::Mode::Production;
    if (standalone >= 0)
        fixture.config().standalone = standalone == 1;
    QString error;
    QVERIFY2(fixture.start(&error), qPrintable(error));
    const HttpReply registered
            = request(fixture.url(), "POST", u"/api/v1/auth/register"_s,
                      R"({"username":"carol","password":"long enough","name":"Carol"})");
    QVERIFY2(registered.status == status, registered.describe().constData());
    const HttpReply login = request(fixture.url(), "POST", u"/api/v1/auth/login"_s,
                                    R"({"username":"carol","password":"long enough"})");
    QVERIFY2(login.status == (status == 404 ? 404 : 200), login.describe().constData());
    QCOMPARE(login.json().toObject().contains(u"token"_s), status != 404);
}

QTEST_GUILESS_MAIN(tst_ChatHttp)
#include "tst_chathttp.moc"
