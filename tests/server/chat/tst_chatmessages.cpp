// SPDX-License-Identifier: MIT
// The message events of protocol.md §4 (message:send, message:edit, message:delete,
// message:history, room:read, typing:start/stop) with the C++ client against the real server
// (in this process, port 0, SQLite in a temporary folder).
#include "chattestkit.h"

#include <QtCore/QTimer>
#include <QtTest/QTest>

#include <memory>
#include <vector>

using namespace chat;
using namespace chat::test;
using namespace Qt::StringLiterals;

class tst_ChatMessages : public ChatServerTestCase
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void messageSend();
    void replyTo_data();
    void replyTo();
    void clientIdResend();
    void edit();
    void deleteMessage_data();
    void deleteMessage();
    void history();
    void roomRead();
    void typing();
    void typingShowAtMostEvery2sWhileTyping();
    void typingShowAtMostEvery2sAcrossStop();
    void nonMemberIsForbidden();
};

void tst_ChatMessages::init()
{
    QString error;
    QVERIFY2(startServer(&error), qPrintable(error));
}

void tst_ChatMessages::cleanup()
{
    QVERIFY(stopServer());
}

void tst_ChatMessages::messageSend()
{
    ChatClient *a = member(1);
    ChatClient *b = member(2);
    QVERIFY(a && b);
    CHAT_VERIFY_OK(a->join(u"general"_s));
    CHAT_VERIFY_OK(b->join(u"general"_s));

    const JsonValue ack = a->call(u"message:send"_s,
                                  JsonObject{{u"roomId"_s, JsonValue(m_general)},
                                             {u"message"_s, u"Hello <b>world</b> & all"_s},
                                             {u"type"_s, u"text"_s}});
    QVERIFY2(isOk(ack), dump(ack).constData());
    QCOMPARE(sortedKeys(ack), keyList({u"ok", u"id", u"created_at"}));
    QVERIFY(ack[u"id"_s].toInteger() > 0);
    QVERIFY2(isProtocolTime(ack[u"created_at"_s]), dump(ack).constData());

    const JsonValue expected = JsonObject{
            {u"id"_s, ack[u"id"_s]},       {u"roomId"_s, JsonValue(m_general)},
            {u"user"_s, memberObject(1)},  {u"message"_s, u"Hello <b>world</b> & all"_s},
            {u"type"_s, u"text"_s},        {u"replyTo"_s, JsonValue()},
            {u"clientId"_s, JsonValue()},  {u"created_at"_s, ack[u"created_at"_s]},
            {u"edited_at"_s, JsonValue()}, {u"deleted"_s, JsonValue(false)},
    };
    // Every member, the sender included, gets the stored message once.
    for (ChatClient *client : {a, b}) {
        QTRY_COMPARE(client->count(u"message:new"_s), 1);
        const JsonValue message = client->payloads(u"message:new"_s).at(0);
        QCOMPARE(sortedKeys(message), sortedKeys(expected));
        for (const auto &[key, value] : expected.toObject())
            QCOMPARE(toString(message[key]), toString(value));
    }
    // Stored as broadcast.
    const JsonArray stored = b->history(m_general);
    QCOMPARE(stored.size(), 1);
    QCOMPARE(toString(stored.at(0)), toString(a->payloads(u"message:new"_s).at(0)));

    // The other types; the type defaults to text.
    for (const QString &type : {u"image"_s, u"link"_s}) {
        const JsonValue typed = a->call(u"message:send"_s,
                                        JsonObject{{u"roomId"_s, JsonValue(m_general)},
                                                   {u"message"_s, u"https://example.test/x"_s},
                                                   {u"type"_s, JsonValue(type)}});
        QVERIFY2(isOk(typed), dump(typed).constData());
    }
    CHAT_VERIFY_OK(
            a->call(u"message:send"_s,
                    JsonObject{{u"roomId"_s, JsonValue(m_general)}, {u"message"_s, u"x"_s}}));
    QTRY_COMPARE(b->count(u"message:new"_s), 4);
    const JsonArray all = b->payloads(u"message:new"_s);
    QCOMPARE(all.at(1)[u"type"_s].toString(), u"image"_s);
    QCOMPARE(all.at(2)[u"type"_s].toString(), u"link"_s);
    QCOMPARE(all.at(3)[u"type"_s].toString(), u"text"_s);
}

void tst_ChatMessages::replyTo_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("a message of the room") << u"same room"_s << true;
    QTest::newRow("a message of another room") << u"other room"_s << false;
    QTest::newRow("no such message") << u"unknown"_s << false;
}

void tst_ChatMessages::replyTo()
{
    QFETCH(QString, target);
    QFETCH(bool, accepted);
    ChatClient *a = member(1);
    ChatClient *b = member(2);
    QVERIFY(a && b);
    CHAT_VERIFY_OK(a->join(u"general"_s));
    CHAT_VERIFY_OK(a->join(u"ai-tools"_s));
    CHAT_VERIFY_OK(b->join(u"general"_s));
    const qint64 here = a->say(m_general, u"original"_s)[u"id"_s].toInteger();
    const qint64 there = a->say(m_aiTools, u"elsewhere"_s)[u"id"_s].toInteger();
    QVERIFY(here > 0 && there > 0);
    const qint64 replyTo = target == u"same room"_s ? here
            : target == u"other room"_s             ? there
                                                    : there + 1000;
    QTRY_COMPARE(b->count(u"message:new"_s), 1);
    const JsonArray before = b->history(m_general);

    const JsonValue ack = b->call(u"message:send"_s,
                                  JsonObject{{u"roomId"_s, JsonValue(m_general)},
                                             {u"message"_s, u"a reply"_s},
                                             {u"type"_s, u"text"_s},
                                             {u"replyTo"_s, JsonValue(replyTo)}});
    QVERIFY(a->sync());
    QVERIFY(b->sync());
    if (accepted) {
        QVERIFY2(isOk(ack), dump(ack).constData());
        QCOMPARE(b->count(u"message:new"_s), 2);
        QCOMPARE(b->payloads(u"message:new"_s).at(1)[u"replyTo"_s].toInteger(), here);
        QCOMPARE(b->history(m_general).constLast()[u"replyTo"_s].toInteger(), here);
    } else {
        QVERIFY2(!isOk(ack) && !errorCode(ack).isEmpty(), dump(ack).constData());
        QCOMPARE(b->count(u"message:new"_s), 1);
        QCOMPARE(toString(b->history(m_general)), toString(before));
    }
}

void tst_ChatMessages::clientIdResend()
{
    ChatClient *a = member(1);
    ChatClient *b = member(2);
    QVERIFY(a && b);
    CHAT_VERIFY_OK(a->join(u"general"_s));
    CHAT_VERIFY_OK(b->join(u"general"_s));
    const JsonObject payload{{u"roomId"_s, JsonValue(m_general)},
                             {u"message"_s, u"sent twice"_s},
                             {u"type"_s, u"text"_s},
                             {u"clientId"_s, u"c-7f3a"_s}};
    const JsonValue first = a->call(u"message:send"_s, payload);
    QVERIFY2(isOk(first), dump(first).constData());
    // As a client does after losing the ack: the same request again.
    const JsonValue second = a->call(u"message:send"_s, payload);
    QVERIFY2(isOk(second), dump(second).constData());
    QCOMPARE(second[u"id"_s].toInteger(), first[u"id"_s].toInteger());
    QCOMPARE(second[u"created_at"_s].toString(), first[u"created_at"_s].toString());

    // The same clientId of another user is another message.
    const JsonValue other = b->call(u"message:send"_s, payload);
    QVERIFY2(isOk(other), dump(other).constData());
    QVERIFY(other[u"id"_s].toInteger() != first[u"id"_s].toInteger());

    CHAT_VERIFY_OK(a->say(m_general, u"marker"_s));
    for (ChatClient *client : {a, b}) {
        QTRY_COMPARE(client->count(u"message:new"_s), 3);
        QVERIFY(client->sync());
        const JsonArray received = client->payloads(u"message:new"_s);
        QCOMPARE(received.size(), 3);
        QCOMPARE(received.at(0)[u"id"_s].toInteger(), first[u"id"_s].toInteger());
        QCOMPARE(received.at(0)[u"clientId"_s].toString(), u"c-7f3a"_s);
        QCOMPARE(received.at(1)[u"id"_s].toInteger(), other[u"id"_s].toInteger());
        QCOMPARE(received.at(2)[u"message"_s].toString(), u"marker"_s);
    }
    const JsonArray stored = a->history(m_general);
    QCOMPARE(idsOf(stored),
             (QList<qint64>{first[u"id"_s].toInteger(), other[u"id"_s].toInteger(),
                            a->payloads(u"message:new"_s).at(2)[u"id"_s].toInteger()}));
}

void tst_ChatMessages::edit()
{
    ChatClient *a = member(1);
    ChatClient *b = member(2);
    QVERIFY(a && b);
    CHAT_VERIFY_OK(a->join(u"general"_s));
    CHAT_VERIFY_OK(b->join(u"general"_s));
    const JsonValue sent = a->say(m_general, u"first version"_s);
    QVERIFY2(isOk(sent), dump(sent).constData());
    const qint64 id = sent[u"id"_s].toInteger();

    // Not B's message.
    CHAT_VERIFY_REFUSED(
            b->call(u"message:edit"_s,
                    JsonObject{{u"id"_s, JsonValue(id)}, {u"message"_s, u"hijacked"_s}}),
            u"forbidden"_s);
    QVERIFY(a->sync());
    QCOMPARE(a->count(u"message:updated"_s), 0);
    QCOMPARE(a->history(m_general).at(0)[u"message"_s].toString(), u"first version"_s);

    CHAT_VERIFY_OK(
            a->call(u"message:edit"_s,
                    JsonObject{{u"id"_s, JsonValue(id)}, {u"message"_s, u"second version"_s}}));
    for (ChatClient *client : {a, b}) {
        QTRY_COMPARE(client->count(u"message:updated"_s), 1);
        const JsonValue updated = client->payloads(u"message:updated"_s).at(0);
        QCOMPARE(updated[u"id"_s].toInteger(), id);
        QCOMPARE(updated[u"roomId"_s].toInteger(), m_general);
        QCOMPARE(updated[u"message"_s].toString(), u"second version"_s);
        QCOMPARE(toString(updated[u"user"_s]), toString(memberObject(1)));
        QCOMPARE(updated[u"created_at"_s].toString(), sent[u"created_at"_s].toString());
        QVERIFY2(isProtocolTime(updated[u"edited_at"_s]), dump(updated).constData());
        QCOMPARE(toString(updated[u"deleted"_s]), u"false"_s);
    }
    const JsonValue stored = a->history(m_general).at(0);
    QCOMPARE(stored[u"message"_s].toString(), u"second version"_s);
    QVERIFY(isProtocolTime(stored[u"edited_at"_s]));

    CHAT_VERIFY_REFUSED(a->call(u"message:edit"_s,
                                JsonObject{{u"id"_s, JsonValue(id + 100)}, {u"message"_s, u"x"_s}}),
                        u"not_found"_s);
}

void tst_ChatMessages::deleteMessage_data()
{
    QTest::addColumn<qint64>("deleter");
    QTest::addColumn<int>("role");
    QTest::addColumn<bool>("allowed");
    QTest::newRow("the author") << qint64(1) << int(auth::Role::Member) << true;
    QTest::newRow("a moderator") << qint64(3) << int(auth::Role::Moderator) << true;
    QTest::newRow("an admin") << qint64(3) << int(auth::Role::Admin) << true;
    QTest::newRow("another member") << qint64(3) << int(auth::Role::Member) << false;
}

void tst_ChatMessages::deleteMessage()
{
    QFETCH(qint64, deleter);
    QFETCH(int, role);
    QFETCH(bool, allowed);
    ChatClient *author = member(1);
    ChatClient *witness = member(2);
    QVERIFY(author && witness);
    ChatClient *actor = deleter == 1
            ? author
            : signedIn(mintToken({deleter, u"user3"_s, u"https://example.test/avatars/3.png"_s,
                                  auth::Role(role)}));
    QVERIFY(actor);
    CHAT_VERIFY_OK(author->join(u"general"_s));
    CHAT_VERIFY_OK(witness->join(u"general"_s));
    if (actor != author)
        CHAT_VERIFY_OK(actor->join(u"general"_s));
    const qint64 id = author->say(m_general, u"to be deleted"_s)[u"id"_s].toInteger();
    CHAT_VERIFY_OK(author->say(m_general, u"stays"_s));
    QVERIFY(id > 0);

    const JsonValue ack = actor->call(u"message:delete"_s, JsonObject{{u"id"_s, JsonValue(id)}});
    QVERIFY(author->sync());
    QVERIFY(witness->sync());
    const JsonArray stored = witness->history(m_general);
    QCOMPARE(stored.size(), 2);
    if (allowed) {
        QVERIFY2(isOk(ack), dump(ack).constData());
        const JsonValue expected
                = JsonObject{{u"id"_s, JsonValue(id)}, {u"roomId"_s, JsonValue(m_general)}};
        for (ChatClient *client : {author, witness, actor}) {
            QTRY_COMPARE(client->count(u"message:deleted"_s), 1);
            QCOMPARE(toString(client->payloads(u"message:deleted"_s).at(0)), toString(expected));
        }
        QCOMPARE(toString(stored.at(0)[u"deleted"_s]), u"true"_s);
    } else {
        QVERIFY2(!isOk(ack) && errorCode(ack) == u"forbidden"_s, dump(ack).constData());
        QCOMPARE(witness->count(u"message:deleted"_s), 0);
        QCOMPARE(toString(stored.at(0)[u"deleted"_s]), u"false"_s);
        QCOMPARE(stored.at(0)[u"message"_s].toString(), u"to be deleted"_s);
    }
    QCOMPARE(toString(stored.at(1)[u"deleted"_s]), u"false"_s);
}

void tst_ChatMessages::history()
{
    ChatClient *a = member(1);
    QVERIFY(a);
    CHAT_VERIFY_OK(a->join(u"general"_s));
    QStringList texts;
    for (int i = 1; i <= 25; ++i)
        texts.append(u"h%1"_s.arg(i));
    const QList<qint64> ids = a->sayAll(m_general, texts);
    QCOMPARE(ids.size(), 25);
    QVERIFY(!ids.contains(0));
    const auto page = [&](const JsonObject &extra) {
        return a->call(u"message:history"_s, roomPayload(m_general, extra));
    };
    JsonValue ack = page({{u"limit"_s, JsonValue(10)}});
    QVERIFY2(isOk(ack), dump(ack).constData());
    QCOMPARE(sortedKeys(ack), keyList({u"ok", u"messages", u"hasMore"}));
    QCOMPARE(idsOf(ack[u"messages"_s].toArray()), ids.mid(15));
    QCOMPARE(toString(ack[u"hasMore"_s]), u"true"_s);

    ack = page({{u"limit"_s, JsonValue(10)}, {u"before"_s, JsonValue(ids.at(15))}});
    QCOMPARE(idsOf(ack[u"messages"_s].toArray()), ids.mid(5, 10));
    QCOMPARE(toString(ack[u"hasMore"_s]), u"true"_s);

    ack = page({{u"limit"_s, JsonValue(10)}, {u"before"_s, JsonValue(ids.at(5))}});
    QCOMPARE(idsOf(ack[u"messages"_s].toArray()), ids.mid(0, 5));
    QCOMPARE(toString(ack[u"hasMore"_s]), u"false"_s);

    // Without a limit: a page of 50, here everything.
    ack = page({});
    QCOMPARE(idsOf(ack[u"messages"_s].toArray()), ids);
    QCOMPARE(toString(ack[u"hasMore"_s]), u"false"_s);
    ack = page({{u"limit"_s, JsonValue(100)}});
    QCOMPARE(idsOf(ack[u"messages"_s].toArray()), ids);
    CHAT_VERIFY_REFUSED(page({{u"limit"_s, JsonValue(101)}}), u"invalid_payload"_s);

    // A member who is not online in the room may read it too; a stranger may not.
    ChatClient *b = member(2);
    QVERIFY(b);
    CHAT_VERIFY_OK(b->join(u"general"_s));
    CHAT_VERIFY_OK(b->call(u"room:leave"_s, roomPayload(m_general)));
    QCOMPARE(idsOf(b->history(m_general)), ids);
    ChatClient *stranger = member(3);
    QVERIFY(stranger);
    CHAT_VERIFY_REFUSED(stranger->call(u"message:history"_s, roomPayload(m_general)),
                        u"forbidden"_s);
}

void tst_ChatMessages::roomRead()
{
    ChatClient *a = member(1);
    ChatClient *b = member(2);
    QVERIFY(a && b);
    CHAT_VERIFY_OK(a->join(u"general"_s));
    CHAT_VERIFY_OK(b->join(u"general"_s));
    QList<qint64> ids;
    for (int i = 0; i < 3; ++i)
        ids.append(b->say(m_general, u"r%1"_s.arg(i))[u"id"_s].toInteger());

    CHAT_VERIFY_OK(a->call(u"room:read"_s,
                           roomPayload(m_general, {{u"messageId"_s, JsonValue(ids.at(1))}})));
    QTRY_COMPARE(b->count(u"room:read"_s), 1);
    QCOMPARE(toString(b->payloads(u"room:read"_s).at(0)),
             toString(JsonObject{{u"roomId"_s, JsonValue(m_general)},
                                 {u"userId"_s, JsonValue(1)},
                                 {u"messageId"_s, JsonValue(ids.at(1))}}));
    // Not to the reader.
    QVERIFY(a->sync());
    QCOMPARE(a->count(u"room:read"_s), 0);
}

void tst_ChatMessages::typing()
{
    ChatClient *a = member(1);
    ChatClient *b = member(2);
    QVERIFY(a && b);
    CHAT_VERIFY_OK(a->join(u"general"_s));
    CHAT_VERIFY_OK(b->join(u"general"_s));

    for (int i = 0; i < 3; ++i)
        CHAT_VERIFY_OK(a->call(u"typing:start"_s, roomPayload(m_general)));
    QVERIFY(b->sync());
    QCOMPARE(b->count(u"typing:show"_s), 1);
    const JsonValue expected
            = JsonObject{{u"roomId"_s, JsonValue(m_general)}, {u"user"_s, memberObject(1)}};
    QCOMPARE(toString(b->payloads(u"typing:show"_s).at(0)), toString(expected));

    CHAT_VERIFY_OK(a->call(u"typing:stop"_s, roomPayload(m_general)));
    QTRY_COMPARE(b->count(u"typing:hide"_s), 1);
    QCOMPARE(toString(b->payloads(u"typing:hide"_s).at(0)), toString(expected));

    // Never to the typist.
    QVERIFY(a->sync());
    QCOMPARE(a->count(u"typing:show"_s), 0);
    QCOMPARE(a->count(u"typing:hide"_s), 0);
}

void tst_ChatMessages::typingShowAtMostEvery2sWhileTyping()
{
    ChatClient *a = member(1);
    ChatClient *b = member(2);
    QVERIFY(a && b);
    CHAT_VERIFY_OK(a->join(u"general"_s));
    CHAT_VERIFY_OK(b->join(u"general"_s));

    // A keeps typing for 4.6 s, as a client repeating typing:start on every key does.
    QElapsedTimer typed;
    typed.start();
    QTimer keys;
    keys.setInterval(100);
    connect(&keys, &QTimer::timeout, a, [&] {
        if (typed.elapsed() < 4600)
            a->send(u"typing:start"_s, roomPayload(m_general));
    });
    a->send(u"typing:start"_s, roomPayload(m_general));
    keys.start();
    QTRY_VERIFY_WITH_TIMEOUT(typed.elapsed() >= 4700, 6000);
    keys.stop();
    QVERIFY(a->sync());
    QVERIFY(b->sync());

    const QList<Received> shows = b->received(u"typing:show"_s);
    // At t = 0, 2 and 4 s: never more, and the indicator is renewed while typing goes on.
    QVERIFY2(shows.size() >= 2 && shows.size() <= 3,
             qPrintable(u"%1 typing:show in 4.6 s"_s.arg(shows.size())));
    for (qsizetype i = 1; i < shows.size(); ++i) {
        const qint64 gap = shows.at(i).atMs - shows.at(i - 1).atMs;
        QVERIFY2(gap >= 1800, qPrintable(u"typing:show %1 ms after the previous one"_s.arg(gap)));
    }
}

void tst_ChatMessages::typingShowAtMostEvery2sAcrossStop()
{
    ChatClient *a = member(1);
    ChatClient *b = member(2);
    QVERIFY(a && b);
    CHAT_VERIFY_OK(a->join(u"general"_s));
    CHAT_VERIFY_OK(b->join(u"general"_s));
    QElapsedTimer burst;
    burst.start();
    for (int i = 0; i < 5; ++i) {
        CHAT_VERIFY_OK(a->call(u"typing:start"_s, roomPayload(m_general)));
        CHAT_VERIFY_OK(a->call(u"typing:stop"_s, roomPayload(m_general)));
    }
    QVERIFY(b->sync());
    QVERIFY2(burst.elapsed() < 2000, "the burst took longer than the throttle interval");
    QCOMPARE(b->count(u"typing:show"_s), 1);
}

void tst_ChatMessages::nonMemberIsForbidden()
{
    ChatClient *a = member(1);
    ChatClient *stranger = member(2);
    QVERIFY(a && stranger);
    CHAT_VERIFY_OK(a->join(u"general"_s));
    CHAT_VERIFY_OK(a->say(m_general, u"members only"_s));
    const JsonArray before = a->history(m_general);

    CHAT_VERIFY_REFUSED(stranger->say(m_general, u"let me in"_s), u"forbidden"_s);
    CHAT_VERIFY_REFUSED(stranger->call(u"typing:start"_s, roomPayload(m_general)), u"forbidden"_s);
    CHAT_VERIFY_REFUSED(stranger->call(u"message:history"_s, roomPayload(m_general)),
                        u"forbidden"_s);
    QVERIFY(a->sync());
    QCOMPARE(a->count(u"message:new"_s), 1);
    QCOMPARE(a->count(u"typing:show"_s), 0);
    QCOMPARE(toString(a->history(m_general)), toString(before));
    QVERIFY(stranger->isConnected());
}

QTEST_GUILESS_MAIN(tst_ChatMessages)
#include "tst_chatmessages.moc"
