// SPDX-License-Identifier: MIT
// Every error of protocol.md §3 that the community events of §4 can produce, asked for with and
// without an acknowledgement, against the real server: the answer's shape, the connection
// staying up, and nothing stored or broadcast for a refused request.
#include "chattestkit.h"

#include <QtTest/QTest>

#include <memory>

using namespace chat;
using namespace chat::test;
using namespace Qt::StringLiterals;

namespace {

//! The payload column's marker for "emit the event without any argument".
const QByteArray NoArgument = QByteArrayLiteral("<no argument>");

//! Events that a refused request must not cause anywhere.
const QStringList Broadcasts = {u"message:new"_s,   u"message:updated"_s, u"message:deleted"_s,
                                u"typing:show"_s,   u"typing:hide"_s,     u"room:read"_s,
                                u"room:presence"_s, u"room:history"_s,    u"room:users"_s};

} // namespace

class tst_ChatErrors : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void refused_data();
    void refused();
    void messageLengthLimit();
    void rateLimited();
    void refusedMessagesDoNotCountTowardsTheLimit();
    void unauthorizedAtConnect_data();
    void unauthorizedAtConnect();
    void tooManyConnections();

private:
    //! Adds the row twice: answered by an acknowledgement, and by chat:error.
    static void addRows(const char *name, const QString &event, const QByteArray &payload,
                        const QString &code);
    //! The payload text with $G (general), $X (ai-tools), $M (A's message), $O (B's message),
    //! $D (A's deleted message) and $LONG (2001 characters) replaced.
    QByteArray expand(QByteArray payload) const;
    //! A round trip on every connection and everything stored in general and ai-tools (as
    //! JSON text), all at once; "<no answer>" when a round trip failed.
    QString settle();

    std::unique_ptr<ChatServerFixture> m_fixture;
    //! User 1, member of general (author of $M and $D).
    std::unique_ptr<ChatClient> m_a;
    //! User 2, member of general (author of $O): sees general's broadcasts.
    std::unique_ptr<ChatClient> m_b;
    //! User 3, member of ai-tools: sees its broadcasts.
    std::unique_ptr<ChatClient> m_c;
    qint64 m_general = 0;
    qint64 m_aiTools = 0;
    qint64 m_mine = 0;
    qint64 m_others = 0;
    qint64 m_deleted = 0;
    //! What settle() gives while nothing has changed.
    QString m_state;
};

void tst_ChatErrors::initTestCase()
{
    m_fixture = std::make_unique<ChatServerFixture>();
    // The rows send hundreds of requests; rateLimited() has a server with the limit of its own.
    m_fixture->config().rateLimitPerMin = 0;
    QString error;
    QVERIFY2(m_fixture->start(&error), qPrintable(error));
    m_a = std::make_unique<ChatClient>(m_fixture->url());
    m_b = std::make_unique<ChatClient>(m_fixture->url());
    m_c = std::make_unique<ChatClient>(m_fixture->url());
    QVERIFY(m_a->signIn(memberToken(1)));
    QVERIFY(m_b->signIn(memberToken(2)));
    QVERIFY(m_c->signIn(memberToken(3)));
    m_general = m_a->roomId(u"general"_s);
    m_aiTools = m_a->roomId(u"ai-tools"_s);
    CHAT_VERIFY_OK(m_a->join(u"general"_s));
    CHAT_VERIFY_OK(m_b->join(u"general"_s));
    CHAT_VERIFY_OK(m_c->join(u"ai-tools"_s));
    m_mine = m_a->say(m_general, u"A's message"_s)[u"id"_s].toInteger();
    m_others = m_b->say(m_general, u"B's message"_s)[u"id"_s].toInteger();
    m_deleted = m_a->say(m_general, u"A's deleted message"_s)[u"id"_s].toInteger();
    CHAT_VERIFY_OK(m_a->call(u"message:delete"_s, JsonObject{{u"id"_s, JsonValue(m_deleted)}}));
    CHAT_VERIFY_OK(m_c->say(m_aiTools, u"C's message"_s));
    QVERIFY(m_mine > 0 && m_others > 0 && m_deleted > 0);
    // B's arrival is announced to A up to a second later: let it pass before the rows, which
    // check that nothing at all is announced.
    QTRY_VERIFY(presenceIds(m_a->payloads(u"room:presence"_s), u"joined"_s).contains(2));
    m_state = settle();
    QVERIFY(m_state.startsWith(u'['));
}

void tst_ChatErrors::cleanupTestCase()
{
    m_a.reset();
    m_b.reset();
    m_c.reset();
    QVERIFY(m_fixture->stop());
}

void tst_ChatErrors::addRows(const char *name, const QString &event, const QByteArray &payload,
                             const QString &code)
{
    QTest::addRow("%s: %s/ack", qPrintable(event), name) << event << payload << code << true;
    QTest::addRow("%s: %s/chat:error", qPrintable(event), name)
            << event << payload << code << false;
}

QByteArray tst_ChatErrors::expand(QByteArray payload) const
{
    return payload.replace("$LONG", QByteArray(2001, 'a'))
            .replace("$G", QByteArray::number(m_general))
            .replace("$X", QByteArray::number(m_aiTools))
            .replace("$M", QByteArray::number(m_mine))
            .replace("$O", QByteArray::number(m_others))
            .replace("$D", QByteArray::number(m_deleted));
}

QString tst_ChatErrors::settle()
{
    const JsonValue everything = JsonObject{{u"limit"_s, JsonValue(100)}};
    const QList<PendingAckPtr> syncs{m_a->start(u"room:list"_s, {}), m_b->start(u"room:list"_s, {}),
                                     m_c->start(u"room:list"_s, {})};
    const PendingAckPtr general
            = m_a->start(u"message:history"_s, {roomPayload(m_general, everything.toObject())});
    const PendingAckPtr aiTools
            = m_c->start(u"message:history"_s, {roomPayload(m_aiTools, everything.toObject())});
    if (!waitAll(syncs + QList<PendingAckPtr>{general, aiTools}))
        return u"<no answer>"_s;
    for (const PendingAckPtr &ack : syncs + QList<PendingAckPtr>{general, aiTools}) {
        if (!isOk(ack->value))
            return u"<no answer>"_s;
    }
    return toString(JsonArray{general->value[u"messages"_s], aiTools->value[u"messages"_s]});
}

void tst_ChatErrors::refused_data()
{
    QTest::addColumn<QString>("event");
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QString>("code");
    QTest::addColumn<bool>("withAck");

    const QString invalid = u"invalid_payload"_s;
    const QString send = u"message:send"_s;
    addRows("payload a string", send, R"("hello")", invalid);
    addRows("payload a number", send, "42", invalid);
    addRows("payload an array", send, R"([{"roomId":$G,"message":"x","type":"text"}])", invalid);
    addRows("payload null", send, "null", invalid);
    addRows("no payload", send, NoArgument, invalid);
    addRows("missing roomId", send, R"({"message":"x","type":"text"})", invalid);
    addRows("missing message", send, R"({"roomId":$G,"type":"text"})", invalid);
    addRows("roomId a string", send, R"({"roomId":"$G","message":"x","type":"text"})", invalid);
    addRows("roomId a float", send, R"({"roomId":1.5,"message":"x","type":"text"})", invalid);
    addRows("roomId negative", send, R"({"roomId":-$G,"message":"x","type":"text"})", invalid);
    addRows("roomId zero", send, R"({"roomId":0,"message":"x","type":"text"})", invalid);
    addRows("roomId 2^53", send, R"({"roomId":9007199254740992,"message":"x","type":"text"})",
            invalid);
    addRows("roomId 1e300", send, R"({"roomId":1e300,"message":"x","type":"text"})", invalid);
    addRows("roomId a bool", send, R"({"roomId":true,"message":"x","type":"text"})", invalid);
    addRows("roomId an object", send, R"({"roomId":{"id":$G},"message":"x"})", invalid);
    addRows("message null", send, R"({"roomId":$G,"message":null,"type":"text"})", invalid);
    addRows("message a number", send, R"({"roomId":$G,"message":42,"type":"text"})", invalid);
    addRows("message an object", send, R"({"roomId":$G,"message":{},"type":"text"})", invalid);
    addRows("message an array", send, R"({"roomId":$G,"message":["x"],"type":"text"})", invalid);
    addRows("message empty", send, R"({"roomId":$G,"message":"","type":"text"})", invalid);
    addRows("message white space only", send,
            R"({"roomId":$G,"message":" \n\t \u00a0 ","type":"text"})", invalid);
    addRows("type unknown", send, R"({"roomId":$G,"message":"x","type":"video"})", invalid);
    addRows("type empty", send, R"({"roomId":$G,"message":"x","type":""})", invalid);
    addRows("type a number", send, R"({"roomId":$G,"message":"x","type":1})", invalid);
    addRows("type in capitals", send, R"({"roomId":$G,"message":"x","type":"TEXT"})", invalid);
    addRows("replyTo a string", send, R"({"roomId":$G,"message":"x","replyTo":"$M"})", invalid);
    addRows("replyTo a float", send, R"({"roomId":$G,"message":"x","replyTo":1.5})", invalid);
    addRows("replyTo negative", send, R"({"roomId":$G,"message":"x","replyTo":-1})", invalid);
    addRows("clientId a number", send, R"({"roomId":$G,"message":"x","clientId":7})", invalid);

    const QString join = u"room:join"_s;
    addRows("payload a string", join, R"("general")", invalid);
    addRows("neither slug nor id", join, "{}", invalid);
    addRows("roomSlug a number", join, R"({"roomSlug":5})", invalid);
    addRows("roomId a string", join, R"({"roomId":"$G"})", invalid);
    addRows("roomId a float", join, R"({"roomId":1.5})", invalid);
    addRows("roomId 2^53", join, R"({"roomId":9007199254740992})", invalid);
    addRows("since a string", join, R"({"roomSlug":"general","since":"5"})", invalid);
    addRows("since negative", join, R"({"roomSlug":"general","since":-1})", invalid);
    addRows("since a float", join, R"({"roomSlug":"general","since":2.5})", invalid);

    const QString leave = u"room:leave"_s;
    addRows("missing roomId", leave, "{}", invalid);
    addRows("roomId a string", leave, R"({"roomId":"$G"})", invalid);
    addRows("roomId negative", leave, R"({"roomId":-1})", invalid);

    const QString members = u"room:members"_s;
    addRows("missing roomId", members, "{}", invalid);
    addRows("limit 101", members, R"({"roomId":$G,"limit":101})", invalid);
    addRows("limit 0", members, R"({"roomId":$G,"limit":0})", invalid);
    addRows("limit a string", members, R"({"roomId":$G,"limit":"10"})", invalid);
    addRows("offset negative", members, R"({"roomId":$G,"offset":-1})", invalid);
    addRows("offset a float", members, R"({"roomId":$G,"offset":1.5})", invalid);

    const QString edit = u"message:edit"_s;
    addRows("missing message", edit, R"({"id":$M})", invalid);
    addRows("missing id", edit, R"({"message":"x"})", invalid);
    addRows("id a string", edit, R"({"id":"$M","message":"x"})", invalid);
    addRows("id a float", edit, R"({"id":1.5,"message":"x"})", invalid);
    addRows("message empty", edit, R"({"id":$M,"message":""})", invalid);
    addRows("message white space only", edit, R"({"id":$M,"message":"   "})", invalid);
    addRows("message a number", edit, R"({"id":$M,"message":5})", invalid);

    const QString remove = u"message:delete"_s;
    addRows("missing id", remove, "{}", invalid);
    addRows("id a string", remove, R"({"id":"$M"})", invalid);
    addRows("id negative", remove, R"({"id":-1})", invalid);
    addRows("id a float", remove, R"({"id":1.5})", invalid);
    addRows("id 2^53", remove, R"({"id":9007199254740992})", invalid);
    addRows("payload an array", remove, "[$M]", invalid);

    const QString history = u"message:history"_s;
    addRows("missing roomId", history, "{}", invalid);
    addRows("roomId a string", history, R"({"roomId":"$G"})", invalid);
    addRows("limit 101", history, R"({"roomId":$G,"limit":101})", invalid);
    addRows("limit 0", history, R"({"roomId":$G,"limit":0})", invalid);
    addRows("before a string", history, R"({"roomId":$G,"before":"x"})", invalid);
    addRows("before negative", history, R"({"roomId":$G,"before":-1})", invalid);

    const QString read = u"room:read"_s;
    addRows("missing messageId", read, R"({"roomId":$G})", invalid);
    addRows("messageId a string", read, R"({"roomId":$G,"messageId":"$M"})", invalid);
    addRows("roomId a float", read, R"({"roomId":1.5,"messageId":$M})", invalid);

    addRows("missing roomId", u"typing:start"_s, "{}", invalid);
    addRows("roomId a string", u"typing:start"_s, R"({"roomId":"$G"})", invalid);
    addRows("payload a number", u"typing:start"_s, "7", invalid);
    addRows("roomId null", u"typing:stop"_s, R"({"roomId":null})", invalid);
    addRows("unknown event", u"room:explode"_s, R"({"roomId":$G})", invalid);

    const QString tooLong = u"message_too_long"_s;
    addRows("2001 characters", send, R"({"roomId":$G,"message":"$LONG","type":"text"})", tooLong);
    addRows("2001 characters", edit, R"({"id":$M,"message":"$LONG"})", tooLong);

    const QString forbidden = u"forbidden"_s;
    addRows("to a room not joined", send, R"({"roomId":$X,"message":"x","type":"text"})",
            forbidden);
    addRows("to a room that does not exist", send,
            R"({"roomId":999999,"message":"x","type":"text"})", forbidden);
    addRows("a system message", send, R"({"roomId":$G,"message":"x","type":"system"})", forbidden);
    addRows("another user's message", edit, R"({"id":$O,"message":"mine now"})", forbidden);
    addRows("another user's message", remove, R"({"id":$O})", forbidden);
    addRows("in a room not joined", u"typing:start"_s, R"({"roomId":$X})", forbidden);
    addRows("in a room not joined", u"typing:stop"_s, R"({"roomId":$X})", forbidden);
    addRows("of a room not joined", history, R"({"roomId":$X})", forbidden);

    const QString notFound = u"not_found"_s;
    addRows("unknown slug", join, R"({"roomSlug":"no-such-room"})", notFound);
    addRows("unknown id", join, R"({"roomId":999999})", notFound);
    addRows("unknown message", edit, R"({"id":999999,"message":"x"})", notFound);
    addRows("a deleted message", edit, R"({"id":$D,"message":"back"})", notFound);
    addRows("unknown message", remove, R"({"id":999999})", notFound);
    addRows("a room not joined", leave, R"({"roomId":$X})", notFound);
    addRows("unknown message", read, R"({"roomId":$G,"messageId":999999})", notFound);
}

void tst_ChatErrors::refused()
{
    QFETCH(QString, event);
    QFETCH(QByteArray, payload);
    QFETCH(QString, code);
    QFETCH(bool, withAck);

    JsonArray args;
    if (payload != NoArgument) {
        const JsonValue value = json(expand(payload));
        QVERIFY2(!value.toString().startsWith(u"<invalid test JSON"_s), payload.constData());
        args.append(value);
    }
    m_a->clear();
    m_b->clear();
    m_c->clear();

    if (withAck) {
        const JsonValue ack = m_a->call(event, args);
        QVERIFY2(ack.isObject(), "no acknowledgement");
        QCOMPARE(sortedKeys(ack), (QStringList{u"error"_s, u"ok"_s}));
        QCOMPARE(toString(ack[u"ok"_s]), u"false"_s);
        QCOMPARE(sortedKeys(ack[u"error"_s]), (QStringList{u"code"_s, u"message"_s}));
        QCOMPARE(errorCode(ack), code);
        QVERIFY(!ack[u"error"_s][u"message"_s].toString().isEmpty());
    } else {
        m_a->send(event, args);
        QVERIFY(m_a->waitFor(u"chat:error"_s));
        const JsonValue error = m_a->payloads(u"chat:error"_s).at(0);
        QCOMPARE(sortedKeys(error), (QStringList{u"code"_s, u"event"_s, u"message"_s}));
        QCOMPARE(error[u"code"_s].toString(), code);
        QCOMPARE(error[u"event"_s].toString(), event);
        QVERIFY(!error[u"message"_s].toString().isEmpty());
    }

    // The connection stays up and usable, nothing was stored, nothing was announced.
    QCOMPARE(settle(), m_state);
    QVERIFY(m_a->isConnected());
    QCOMPARE(m_a->count(u"chat:error"_s), withAck ? 0 : 1);
    for (const QString &broadcast : Broadcasts) {
        QVERIFY2(m_a->count(broadcast) == 0, qPrintable(broadcast));
        QVERIFY2(m_b->count(broadcast) == 0, qPrintable(broadcast));
        QVERIFY2(m_c->count(broadcast) == 0, qPrintable(broadcast));
    }
}

void tst_ChatErrors::messageLengthLimit()
{
    const QString longest(2000, u'\u00e9');
    const JsonValue ack = m_a->say(m_general, longest);
    QVERIFY2(isOk(ack), dump(ack).left(200).constData());
    QTRY_VERIFY(m_b->count(u"message:new"_s) >= 1);
    QCOMPARE(m_b->payloads(u"message:new"_s).constLast()[u"message"_s].toString(), longest);

    // The limit counts after trimming.
    const QString padded = u"  \n"_s + QString(2000, u'x') + u"\t  "_s;
    const JsonValue paddedAck = m_a->say(m_general, padded);
    QVERIFY2(isOk(paddedAck), dump(paddedAck).left(200).constData());
    QTRY_VERIFY(m_b->count(u"message:new"_s) >= 2);
    QCOMPARE(m_b->payloads(u"message:new"_s).constLast()[u"message"_s].toString().trimmed(),
             QString(2000, u'x'));

    const QString before = settle();
    const JsonValue refused = m_a->say(m_general, QString(2001, u'\u00e9'));
    QCOMPARE(errorCode(refused), u"message_too_long"_s);
    QCOMPARE(settle(), before);
    m_state = before;
}

void tst_ChatErrors::rateLimited()
{
    ChatServerFixture fixture;
    QCOMPARE(fixture.config().rateLimitPerMin, 30);
    QString error;
    QVERIFY2(fixture.start(&error), qPrintable(error));
    ChatClient a(fixture.url());
    ChatClient a2(fixture.url());
    ChatClient b(fixture.url());
    QVERIFY(a.signIn(memberToken(1)));
    QVERIFY(a2.signIn(memberToken(1)));
    QVERIFY(b.signIn(memberToken(2)));
    const qint64 general = a.roomId(u"general"_s);
    CHAT_VERIFY_OK(a.join(u"general"_s));
    CHAT_VERIFY_OK(a2.join(u"general"_s));
    CHAT_VERIFY_OK(b.join(u"general"_s));

    QList<qint64> ids;
    for (int i = 1; i <= 30; ++i) {
        const JsonValue ack = a.say(general, u"burst %1"_s.arg(i));
        QVERIFY2(isOk(ack), qPrintable(u"message %1: "_s.arg(i) + toString(ack)));
        ids.append(ack[u"id"_s].toInteger());
    }
    // The 31st within the minute, with an ack.
    const JsonValue refused = a.say(general, u"one too many"_s);
    QCOMPARE(errorCode(refused), u"rate_limited"_s);
    QCOMPARE(toString(refused[u"ok"_s]), u"false"_s);
    // Without an ack: chat:error.
    a.send(u"message:send"_s,
           JsonObject{{u"roomId"_s, JsonValue(general)},
                      {u"message"_s, u"still too many"_s},
                      {u"type"_s, u"text"_s}});
    QVERIFY(a.waitFor(u"chat:error"_s));
    const JsonValue chatError = a.payloads(u"chat:error"_s).at(0);
    QCOMPARE(chatError[u"code"_s].toString(), u"rate_limited"_s);
    QCOMPARE(chatError[u"event"_s].toString(), u"message:send"_s);
    // Per user, across the user's connections.
    QCOMPARE(errorCode(a2.say(general, u"from my other tab"_s)), u"rate_limited"_s);

    // Only the 30 were stored and broadcast; the connection is fine.
    QVERIFY(a.isConnected());
    QCOMPARE(idsOf(b.history(general)), ids);
    QVERIFY(b.sync());
    QCOMPARE(b.count(u"message:new"_s), 30);
    // Another user is not limited by A's messages.
    CHAT_VERIFY_OK(b.say(general, u"my first"_s));
    QTRY_COMPARE(b.count(u"message:new"_s), 31);
}

void tst_ChatErrors::refusedMessagesDoNotCountTowardsTheLimit()
{
    ChatServerFixture fixture;
    QString error;
    QVERIFY2(fixture.start(&error), qPrintable(error));
    ChatClient a(fixture.url());
    QVERIFY(a.signIn(memberToken(1)));
    const qint64 general = a.roomId(u"general"_s);
    const qint64 aiTools = a.roomId(u"ai-tools"_s);
    CHAT_VERIFY_OK(a.join(u"general"_s));
    CHAT_VERIFY_OK(a.join(u"ai-tools"_s));
    const qint64 elsewhere = a.say(aiTools, u"in another room"_s)[u"id"_s].toInteger();
    QVERIFY(elsewhere > 0);
    for (int i = 0; i < 30; ++i) {
        const JsonValue refused = a.call(u"message:send"_s,
                                         JsonObject{{u"roomId"_s, JsonValue(general)},
                                                    {u"message"_s, u"bad reply"_s},
                                                    {u"type"_s, u"text"_s},
                                                    {u"replyTo"_s, JsonValue(elsewhere)}});
        QCOMPARE(errorCode(refused), u"invalid_payload"_s);
    }
    CHAT_VERIFY_OK(a.say(general, u"a real message"_s));
}

void tst_ChatErrors::unauthorizedAtConnect_data()
{
    QTest::addColumn<QByteArray>("auth");
    QTest::newRow("no auth payload") << QByteArray("null");
    QTest::newRow("no token") << QByteArray("{}");
    QTest::newRow("empty token") << QByteArray(R"({"token":""})");
    QTest::newRow("token a number") << QByteArray(R"({"token":42})");
    QTest::newRow("garbage") << QByteArray(R"({"token":"not.a.jwt"})");
    QTest::newRow("another secret") << QByteArray(
            R"({"token":")" + mintToken({1, u"user1"_s, {}, auth::Role::Member}, "another secret")
            + R"("})");
}

void tst_ChatErrors::unauthorizedAtConnect()
{
    QFETCH(QByteArray, auth);
    ChatClient client(m_fixture->url());
    const JsonValue refusal = client.refusalFor(json(auth));
    QCOMPARE(toString(refusal), u"{\"message\":\"unauthorized\"}"_s);
    QVERIFY(!client.isConnected());
}

void tst_ChatErrors::tooManyConnections()
{
    QList<std::shared_ptr<ChatClient>> tabs;
    for (int i = 0; i < 3; ++i) {
        tabs.append(std::make_shared<ChatClient>(m_fixture->url()));
        QVERIFY2(tabs.last()->signIn(memberToken(50)), qPrintable(u"connection %1"_s.arg(i + 1)));
    }
    ChatClient fourth(m_fixture->url());
    QCOMPARE(toString(fourth.refusalFor(
                     JsonObject{{u"token"_s, JsonValue(QString::fromLatin1(memberToken(50)))}})),
             u"{\"message\":\"too_many_connections\"}"_s);
    QVERIFY(!fourth.isConnected());
    // The three are unharmed, and other users are not concerned.
    for (const auto &tab : std::as_const(tabs))
        QVERIFY(tab->sync());
    ChatClient other(m_fixture->url());
    QVERIFY(other.signIn(memberToken(51)));

    // A refused attempt took no slot; a closed connection frees one.
    tabs.first()->close();
    ChatClient replacement(m_fixture->url());
    QTRY_VERIFY(replacement.signIn(memberToken(50), 1000));
    QVERIFY(replacement.sync());
    ChatClient fifth(m_fixture->url());
    QCOMPARE(toString(fifth.refusalFor(
                     JsonObject{{u"token"_s, JsonValue(QString::fromLatin1(memberToken(50)))}})),
             u"{\"message\":\"too_many_connections\"}"_s);
}

QTEST_GUILESS_MAIN(tst_ChatErrors)
#include "tst_chaterrors.moc"
