// SPDX-License-Identifier: MIT
// The community room events of protocol.md §4 about rooms and who is in them (room:list,
// room:join, room:history, room:users, room:presence, room:leave, room:members) with the C++
// client against the real server (in this process, port 0, SQLite in a temporary folder).
#include "chattestkit.h"

#include <QtTest/QTest>

#include <algorithm>
#include <memory>
#include <vector>

using namespace chat;
using namespace chat::test;
using namespace Qt::StringLiterals;

class tst_ChatRooms : public ChatServerTestCase
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void roomList();
    void roomListUnread();
    void join_data();
    void join();
    void joinHistoryIsTheNewest50();
    void joinSince();
    void presenceIsCoalesced();
    void presenceCountsUsersNotConnections();
    void presenceIsNotSentToTheJoiner();
    void leave();
    void members();
    void eventsReachOnlyMembers();
    void nameAndAvatarRefreshedOnConnect();
};

void tst_ChatRooms::init()
{
    QString error;
    QVERIFY2(startServer(&error), qPrintable(error));
}

void tst_ChatRooms::cleanup()
{
    QVERIFY(stopServer());
}

void tst_ChatRooms::roomList()
{
    ChatClient *a = member(1);
    QVERIFY(a);
    const JsonValue ack = a->call(u"room:list"_s, JsonArray{});
    QVERIFY2(isOk(ack), dump(ack).constData());
    QCOMPARE(sortedKeys(ack), keyList({u"ok", u"rooms"}));
    const JsonArray rooms = ack[u"rooms"_s].toArray();

    const QList<std::pair<QString, QString>> expected = {
            {u"general"_s, u"\U0001F4AC"_s},    {u"ai-tools"_s, u"\U0001F916"_s},
            {u"n8n-automation"_s, u"\u26A1"_s}, {u"vibe-coding"_s, u"\U0001F4BB"_s},
            {u"blockchain"_s, u"\U0001F517"_s}, {u"help"_s, u"\U0001F198"_s},
    };
    QCOMPARE(rooms.size(), expected.size());
    for (qsizetype i = 0; i < rooms.size(); ++i) {
        const JsonValue room = rooms.at(i);
        QCOMPARE(sortedKeys(room),
                 keyList({u"id", u"slug", u"name", u"description", u"icon", u"type", u"online",
                          u"unread"}));
        QCOMPARE(room[u"slug"_s].toString(), expected.at(i).first);
        QCOMPARE(room[u"icon"_s].toString(), expected.at(i).second);
        QCOMPARE(room[u"type"_s].toString(), u"community"_s);
        QVERIFY(room[u"id"_s].isInteger());
        QVERIFY(!room[u"name"_s].toString().isEmpty());
        QVERIFY(room[u"description"_s].isString());
        QCOMPARE(room[u"online"_s].toInteger(-1), 0);
        QCOMPARE(room[u"unread"_s].toInteger(-1), 0);
    }

    // online counts users, not connections.
    ChatClient *b = member(2);
    ChatClient *b2 = member(2);
    QVERIFY(b && b2);
    CHAT_VERIFY_OK(b->join(u"general"_s));
    CHAT_VERIFY_OK(b2->join(u"general"_s));
    CHAT_VERIFY_OK(a->join(u"general"_s));
    CHAT_VERIFY_OK(a->join(u"ai-tools"_s));
    const JsonArray after = a->call(u"room:list"_s, JsonArray{})[u"rooms"_s].toArray();
    QCOMPARE(after.size(), expected.size());
    for (const JsonValue &room : after) {
        const QString slug = room[u"slug"_s].toString();
        const qint64 online = slug == u"general"_s ? 2 : slug == u"ai-tools"_s ? 1 : 0;
        QCOMPARE(room[u"online"_s].toInteger(-1), online);
    }
}

void tst_ChatRooms::roomListUnread()
{
    ChatClient *a = member(1);
    ChatClient *b = member(2);
    QVERIFY(a && b);
    CHAT_VERIFY_OK(a->join(u"general"_s));
    CHAT_VERIFY_OK(b->join(u"general"_s));
    CHAT_VERIFY_OK(b->join(u"ai-tools"_s));
    QList<qint64> ids;
    for (int i = 0; i < 3; ++i) {
        const JsonValue ack = b->say(m_general, u"unread %1"_s.arg(i));
        QVERIFY2(isOk(ack), dump(ack).constData());
        ids.append(ack[u"id"_s].toInteger());
    }
    CHAT_VERIFY_OK(b->say(m_aiTools, u"elsewhere"_s));
    // A's own messages are never unread for A.
    CHAT_VERIFY_OK(a->say(m_general, u"mine"_s));

    const auto unread = [a](const QString &slug) -> qint64 {
        const JsonArray rooms = a->call(u"room:list"_s, JsonArray{})[u"rooms"_s].toArray();
        for (const JsonValue &room : rooms) {
            if (room[u"slug"_s].toString() == slug)
                return room[u"unread"_s].toInteger(-1);
        }
        return -2;
    };
    QCOMPARE(unread(u"general"_s), 3);
    // A never joined ai-tools: nothing is unread there for A.
    QCOMPARE(unread(u"ai-tools"_s), 0);

    CHAT_VERIFY_OK(a->call(u"room:read"_s,
                           roomPayload(m_general, {{u"messageId"_s, JsonValue(ids.at(1))}})));
    QCOMPARE(unread(u"general"_s), 1);
    CHAT_VERIFY_OK(a->call(u"room:read"_s,
                           roomPayload(m_general, {{u"messageId"_s, JsonValue(ids.at(2))}})));
    QCOMPARE(unread(u"general"_s), 0);
}

void tst_ChatRooms::join_data()
{
    QTest::addColumn<bool>("bySlug");
    QTest::newRow("by slug") << true;
    QTest::newRow("by id") << false;
}

void tst_ChatRooms::join()
{
    QFETCH(bool, bySlug);
    ChatClient *a = member(1);
    ChatClient *b = member(2);
    QVERIFY(a && b);
    CHAT_VERIFY_OK(a->join(u"general"_s));
    CHAT_VERIFY_OK(a->say(m_general, u"before b"_s));
    a->clear();

    const JsonValue payload = bySlug ? JsonValue(JsonObject{{u"roomSlug"_s, u"general"_s}})
                                     : roomPayload(m_general);
    const JsonValue ack = b->call(u"room:join"_s, payload);
    QVERIFY2(isOk(ack), dump(ack).constData());
    QCOMPARE(sortedKeys(ack), keyList({u"ok", u"room"}));
    const JsonValue room = ack[u"room"_s];
    QCOMPARE(room[u"id"_s].toInteger(), m_general);
    QCOMPARE(room[u"slug"_s].toString(), u"general"_s);
    QCOMPARE(room[u"type"_s].toString(), u"community"_s);
    QCOMPARE(room[u"icon"_s].toString(), u"\U0001F4AC"_s);

    // The joiner gets the history and the users.
    QTRY_COMPARE(b->count(u"room:history"_s), 1);
    const JsonValue history = b->payloads(u"room:history"_s).at(0);
    QCOMPARE(sortedKeys(history), keyList({u"roomId", u"messages", u"hasMore"}));
    QCOMPARE(history[u"roomId"_s].toInteger(), m_general);
    QCOMPARE(toString(history[u"hasMore"_s]), u"false"_s);
    const JsonArray messages = history[u"messages"_s].toArray();
    QCOMPARE(messages.size(), 1);
    QCOMPARE(messages.at(0)[u"message"_s].toString(), u"before b"_s);
    QCOMPARE(toString(messages.at(0)[u"user"_s]), toString(memberObject(1)));

    QTRY_COMPARE(b->count(u"room:users"_s), 1);
    const JsonValue users = b->payloads(u"room:users"_s).at(0);
    QCOMPARE(sortedKeys(users), keyList({u"roomId", u"users", u"total"}));
    QCOMPARE(users[u"roomId"_s].toInteger(), m_general);
    QCOMPARE(users[u"total"_s].toInteger(), 2);
    QCOMPARE(toString(users[u"users"_s]), toString(JsonArray{memberObject(1), memberObject(2)}));

    // The others get room:presence with the joiner.
    QTRY_VERIFY(presenceIds(a->payloads(u"room:presence"_s), u"joined"_s).contains(2));
    const JsonValue presence = a->payloads(u"room:presence"_s).constLast();
    QCOMPARE(sortedKeys(presence), keyList({u"roomId", u"joined", u"left", u"total"}));
    QCOMPARE(presence[u"roomId"_s].toInteger(), m_general);
    QCOMPARE(toString(presence[u"joined"_s]), toString(JsonArray{memberObject(2)}));
    QCOMPARE(toString(presence[u"left"_s]), toString(JsonArray{}));
    QCOMPARE(presence[u"total"_s].toInteger(), 2);

    // Joining again is harmless: same room, no second presence for the others.
    CHAT_VERIFY_OK(b->call(u"room:join"_s, payload));
    QVERIFY(b->sync());
    QVERIFY(a->sync());
    QCOMPARE(presenceIds(a->payloads(u"room:presence"_s), u"joined"_s), QList<qint64>{2});
}

void tst_ChatRooms::joinHistoryIsTheNewest50()
{
    ChatClient *a = member(1);
    ChatClient *b = member(2);
    QVERIFY(a && b);
    CHAT_VERIFY_OK(a->join(u"general"_s));
    QStringList texts;
    for (int i = 1; i <= 60; ++i)
        texts.append(u"m%1"_s.arg(i));
    const QList<qint64> ids = a->sayAll(m_general, texts);
    QCOMPARE(ids.size(), 60);
    QVERIFY(!ids.contains(0));
    CHAT_VERIFY_OK(b->join(u"general"_s));
    QTRY_COMPARE(b->count(u"room:history"_s), 1);
    const JsonValue history = b->payloads(u"room:history"_s).at(0);
    QCOMPARE(toString(history[u"hasMore"_s]), u"true"_s);
    const JsonArray messages = history[u"messages"_s].toArray();
    QCOMPARE(idsOf(messages), ids.mid(10));
    QCOMPARE(messages.constFirst()[u"message"_s].toString(), u"m11"_s);
    QCOMPARE(messages.constLast()[u"message"_s].toString(), u"m60"_s);
}

void tst_ChatRooms::joinSince()
{
    ChatClient *a = member(1);
    QVERIFY(a);
    CHAT_VERIFY_OK(a->join(u"general"_s));
    QStringList texts;
    for (int i = 1; i <= 60; ++i)
        texts.append(u"m%1"_s.arg(i));
    const QList<qint64> ids = a->sayAll(m_general, texts);
    QCOMPARE(ids.size(), 60);
    QVERIFY(!ids.contains(0));
    // A message of another room between them must not leak into the catch-up.
    CHAT_VERIFY_OK(a->join(u"ai-tools"_s));
    CHAT_VERIFY_OK(a->say(m_aiTools, u"other room"_s));

    ChatClient *b = member(2);
    QVERIFY(b);
    CHAT_VERIFY_OK(b->call(
            u"room:join"_s,
            JsonObject{{u"roomSlug"_s, u"general"_s}, {u"since"_s, JsonValue(ids.at(39))}}));
    QTRY_COMPARE(b->count(u"room:history"_s), 1);
    const JsonValue history = b->payloads(u"room:history"_s).at(0);
    QCOMPARE(idsOf(history[u"messages"_s].toArray()), ids.mid(40));
    QCOMPARE(toString(history[u"hasMore"_s]), u"false"_s);

    // Up to date: nothing to catch up.
    ChatClient *c = member(3);
    QVERIFY(c);
    CHAT_VERIFY_OK(
            c->call(u"room:join"_s, roomPayload(m_general, {{u"since"_s, ids.constLast()}})));
    QTRY_COMPARE(c->count(u"room:history"_s), 1);
    QCOMPARE(c->payloads(u"room:history"_s).at(0)[u"messages"_s].toArray().size(), 0);
}

void tst_ChatRooms::presenceIsCoalesced()
{
    ChatClient *observer = member(100);
    QVERIFY(observer);
    CHAT_VERIFY_OK(observer->join(u"general"_s));

    QList<ChatClient *> joiners;
    for (qint64 id = 101; id <= 105; ++id) {
        ChatClient *client = member(id);
        QVERIFY(client);
        joiners.append(client);
    }
    observer->clear();
    // Five joins in one burst, well within a second.
    int acks = 0;
    for (ChatClient *client : std::as_const(joiners)) {
        client->io()->emitWithAck(u"/"_s, u"room:join"_s,
                                  {JsonObject{{u"roomSlug"_s, u"general"_s}}},
                                  [&acks](const JsonArray &args) {
                                      if (isOk(args.value(0)))
                                          ++acks;
                                  });
    }
    QTRY_COMPARE(acks, 5);
    const QList<qint64> expected{101, 102, 103, 104, 105};
    // The presence events about the joiners (the observer may still hear of its own arrival).
    const auto aboutJoiners = [&] {
        QList<Received> events;
        for (const Received &event : observer->received(u"room:presence"_s)) {
            const QList<qint64> ids = presenceIds({event.payload()}, u"joined"_s)
                    + presenceIds({event.payload()}, u"left"_s);
            if (std::any_of(ids.cbegin(), ids.cend(), [](qint64 id) { return id > 100; }))
                events.append(event);
        }
        return events;
    };
    const auto joinedSoFar = [&] {
        JsonArray payloads;
        for (const Received &event : aboutJoiners())
            payloads.append(event.payload());
        QList<qint64> ids = presenceIds(payloads, u"joined"_s);
        ids.removeAll(100);
        std::sort(ids.begin(), ids.end());
        return ids;
    };
    QTRY_COMPARE_WITH_TIMEOUT(joinedSoFar(), expected, 5000);
    QVERIFY(observer->sync());

    // Every joiner announced exactly once, in at most two events (the first join after a quiet
    // second may go out at once), and never two events within a second.
    const QList<Received> events = aboutJoiners();
    QVERIFY2(events.size() <= 2, dump(observer->payloads(u"room:presence"_s)).constData());
    if (events.size() == 2)
        QVERIFY2(events.at(1).atMs - events.at(0).atMs >= 800,
                 qPrintable(u"presence events %1 ms apart"_s.arg(events.at(1).atMs
                                                                 - events.at(0).atMs)));
    QCOMPARE(joinedSoFar(), expected);
    QCOMPARE(presenceIds(observer->payloads(u"room:presence"_s), u"left"_s), QList<qint64>{});
    QCOMPARE(events.constLast().payload()[u"total"_s].toInteger(), 6);

    // Two leave (one by room:leave, one by disconnecting): announced as left, total 4.
    observer->clear();
    CHAT_VERIFY_OK(joiners.at(0)->call(u"room:leave"_s, roomPayload(m_general)));
    joiners.at(1)->close();
    const auto leftSoFar = [&] {
        QList<qint64> ids = presenceIds(observer->payloads(u"room:presence"_s), u"left"_s);
        std::sort(ids.begin(), ids.end());
        return ids;
    };
    QTRY_COMPARE_WITH_TIMEOUT(leftSoFar(), (QList<qint64>{101, 102}), 5000);
    QVERIFY(observer->sync());
    QCOMPARE(leftSoFar(), (QList<qint64>{101, 102}));
    QVERIFY(observer->count(u"room:presence"_s) <= 2);
    QCOMPARE(observer->payloads(u"room:presence"_s).constLast()[u"total"_s].toInteger(), 4);
    QCOMPARE(presenceIds(observer->payloads(u"room:presence"_s), u"joined"_s), QList<qint64>{});
}

void tst_ChatRooms::presenceCountsUsersNotConnections()
{
    ChatClient *observer = member(1);
    ChatClient *first = member(2);
    ChatClient *second = member(2);
    QVERIFY(observer && first && second);
    CHAT_VERIFY_OK(observer->join(u"general"_s));
    CHAT_VERIFY_OK(first->join(u"general"_s));
    CHAT_VERIFY_OK(second->join(u"general"_s));
    QTRY_VERIFY(presenceIds(observer->payloads(u"room:presence"_s), u"joined"_s).contains(2));
    QTRY_COMPARE(observer->payloads(u"room:presence"_s).constLast()[u"total"_s].toInteger(), 2);
    // The user came once, though with two connections (the observer may hear of itself).
    QList<qint64> joined = presenceIds(observer->payloads(u"room:presence"_s), u"joined"_s);
    joined.removeAll(1);
    QCOMPARE(joined, QList<qint64>{2});

    // One of the user's two connections leaves: the user is still online in the room.
    const JsonValue members = observer->call(u"room:members"_s, roomPayload(m_general));
    QCOMPARE(members[u"total"_s].toInteger(), 2);
    first->close();
    QTRY_COMPARE(m_fixture->connectionCount(), 2);
    QCOMPARE(observer->call(u"room:members"_s, roomPayload(m_general))[u"total"_s].toInteger(), 2);
    QVERIFY(observer->sync());
    QCOMPARE(presenceIds(observer->payloads(u"room:presence"_s), u"left"_s), QList<qint64>{});
    // The last one leaves: now the user is gone.
    CHAT_VERIFY_OK(second->call(u"room:leave"_s, roomPayload(m_general)));
    QTRY_VERIFY(presenceIds(observer->payloads(u"room:presence"_s), u"left"_s).contains(2));
    QCOMPARE(presenceIds(observer->payloads(u"room:presence"_s), u"left"_s), QList<qint64>{2});
    QCOMPARE(observer->call(u"room:members"_s, roomPayload(m_general))[u"total"_s].toInteger(), 1);
}

void tst_ChatRooms::presenceIsNotSentToTheJoiner()
{
    ChatClient *observer = member(1);
    ChatClient *joiner = member(2);
    QVERIFY(observer && joiner);
    CHAT_VERIFY_OK(observer->join(u"general"_s));
    CHAT_VERIFY_OK(joiner->join(u"general"_s));
    QTRY_VERIFY(presenceIds(observer->payloads(u"room:presence"_s), u"joined"_s).contains(2));
    QVERIFY(joiner->sync());
    QVERIFY2(!presenceIds(joiner->payloads(u"room:presence"_s), u"joined"_s).contains(2),
             dump(joiner->payloads(u"room:presence"_s)).constData());
    QVERIFY2(!presenceIds(observer->payloads(u"room:presence"_s), u"joined"_s).contains(1),
             dump(observer->payloads(u"room:presence"_s)).constData());
}

void tst_ChatRooms::leave()
{
    ChatClient *a = member(1);
    ChatClient *b = member(2);
    QVERIFY(a && b);
    CHAT_VERIFY_OK(a->join(u"general"_s));
    CHAT_VERIFY_OK(b->join(u"general"_s));
    // Wait for B's arrival to be announced: a join and a leave within one presence interval
    // cancel out and are never announced.
    QTRY_VERIFY(presenceIds(a->payloads(u"room:presence"_s), u"joined"_s).contains(2));

    CHAT_VERIFY_OK(b->call(u"room:leave"_s, roomPayload(m_general)));
    QTRY_VERIFY(presenceIds(a->payloads(u"room:presence"_s), u"left"_s).contains(2));
    const JsonValue presence = a->payloads(u"room:presence"_s).constLast();
    QCOMPARE(toString(presence[u"left"_s]), toString(JsonArray{JsonValue(2)}));
    QCOMPARE(presence[u"total"_s].toInteger(), 1);

    // B gets nothing more from the room and may not send to it.
    b->clear();
    CHAT_VERIFY_OK(a->say(m_general, u"after b left"_s));
    CHAT_VERIFY_OK(a->call(u"typing:start"_s, roomPayload(m_general)));
    QVERIFY(b->sync());
    QCOMPARE(b->count(u"message:new"_s), 0);
    QCOMPARE(b->count(u"typing:show"_s), 0);
    CHAT_VERIFY_REFUSED(b->say(m_general, u"not a member any more"_s), u"forbidden"_s);
    QCOMPARE(a->history(m_general).size(), 1);
}

void tst_ChatRooms::members()
{
    for (qint64 id = 11; id <= 15; ++id) {
        ChatClient *client = member(id);
        QVERIFY(client);
        CHAT_VERIFY_OK(client->join(u"general"_s));
    }
    // Someone online elsewhere is not listed.
    ChatClient *elsewhere = member(16);
    QVERIFY(elsewhere);
    CHAT_VERIFY_OK(elsewhere->join(u"ai-tools"_s));

    // Pages of the online users in the order they came.
    const QList<std::tuple<const char *, QByteArray, QList<qint64>>> pages = {
            {"defaults", "{}", {11, 12, 13, 14, 15}},
            {"first page", R"({"offset":0,"limit":2})", {11, 12}},
            {"second page", R"({"offset":2,"limit":2})", {13, 14}},
            {"last page", R"({"offset":4,"limit":2})", {15}},
            {"past the end", R"({"offset":10,"limit":2})", {}},
            {"limit 100", R"({"limit":100})", {11, 12, 13, 14, 15}},
            {"limit 1", R"({"offset":1,"limit":1})", {12}},
    };
    for (const auto &[name, paging, expected] : pages) {
        JsonObject payload = json(paging).toObject();
        payload.insert(u"roomId"_s, JsonValue(m_general));
        const JsonValue ack = m_clients.front()->call(u"room:members"_s, payload);
        QVERIFY2(isOk(ack), name);
        QCOMPARE(sortedKeys(ack), keyList({u"ok", u"users", u"total"}));
        QCOMPARE(ack[u"total"_s].toInteger(), 5);
        const JsonArray users = ack[u"users"_s].toArray();
        QVERIFY2(idsOf(users) == expected, name);
        for (const JsonValue &user : users)
            QCOMPARE(toString(user), toString(memberObject(user[u"id"_s].toInteger())));
    }

    const JsonValue tooMany
            = roomPayload(m_general, {{u"offset"_s, JsonValue(0)}, {u"limit"_s, JsonValue(101)}});
    CHAT_VERIFY_REFUSED(m_clients.front()->call(u"room:members"_s, tooMany), u"invalid_payload"_s);
}

void tst_ChatRooms::eventsReachOnlyMembers()
{
    ChatClient *a = member(1);
    ChatClient *outsider = member(2);
    ChatClient *both = member(3);
    QVERIFY(a && outsider && both);
    CHAT_VERIFY_OK(outsider->join(u"ai-tools"_s));
    CHAT_VERIFY_OK(both->join(u"ai-tools"_s));
    CHAT_VERIFY_OK(both->join(u"general"_s));
    CHAT_VERIFY_OK(a->join(u"general"_s));
    outsider->clear();

    // Everything that can happen in general.
    const qint64 id = a->say(m_general, u"general only"_s)[u"id"_s].toInteger();
    QVERIFY(id > 0);
    CHAT_VERIFY_OK(a->call(u"message:edit"_s,
                           JsonObject{{u"id"_s, JsonValue(id)}, {u"message"_s, u"edited"_s}}));
    CHAT_VERIFY_OK(a->call(u"typing:start"_s, roomPayload(m_general)));
    CHAT_VERIFY_OK(a->call(u"typing:stop"_s, roomPayload(m_general)));
    CHAT_VERIFY_OK(a->call(u"room:read"_s, roomPayload(m_general, {{u"messageId"_s, id}})));
    CHAT_VERIFY_OK(a->call(u"message:delete"_s, JsonObject{{u"id"_s, JsonValue(id)}}));
    ChatClient *late = member(4);
    QVERIFY(late);
    CHAT_VERIFY_OK(late->join(u"general"_s));
    // The member of both rooms sees it all (so the outsider had the chance to).
    for (const QString &event : {u"message:new"_s, u"message:updated"_s, u"typing:show"_s,
                                 u"typing:hide"_s, u"room:read"_s, u"message:deleted"_s})
        QTRY_VERIFY2(both->count(event) >= 1, qPrintable(event));
    QTRY_VERIFY(presenceIds(both->payloads(u"room:presence"_s), u"joined"_s).contains(4));

    QVERIFY(outsider->sync());
    for (const Received &event : outsider->received())
        QVERIFY2(event.payload()[u"roomId"_s].toInteger() != m_general,
                 qPrintable(event.event + u' ' + toString(event.payload())));
    // Its own room still works.
    CHAT_VERIFY_OK(both->say(m_aiTools, u"ai"_s));
    QTRY_COMPARE(outsider->count(u"message:new"_s), 1);
}

void tst_ChatRooms::nameAndAvatarRefreshedOnConnect()
{
    ChatClient *witness = member(2);
    QVERIFY(witness);
    CHAT_VERIFY_OK(witness->join(u"general"_s));
    {
        ChatClient old(m_fixture->url());
        QVERIFY(old.signIn(mintToken({7, u"Old Name"_s, u"https://example.test/old.png"_s})));
        CHAT_VERIFY_OK(old.join(u"general"_s));
        CHAT_VERIFY_OK(old.say(m_general, u"said before"_s));
    }
    ChatClient *renamed
            = signedIn(mintToken({7, u"New Name"_s, u"https://example.test/new.png"_s}));
    QVERIFY(renamed);
    CHAT_VERIFY_OK(renamed->join(u"general"_s));
    const JsonValue expected = JsonObject{{u"id"_s, JsonValue(7)},
                                          {u"name"_s, u"New Name"_s},
                                          {u"avatar"_s, u"https://example.test/new.png"_s}};
    QTRY_COMPARE(renamed->count(u"room:users"_s), 1);
    const JsonArray users = renamed->payloads(u"room:users"_s).at(0)[u"users"_s].toArray();
    QVERIFY(users.contains(expected));
    CHAT_VERIFY_OK(renamed->say(m_general, u"said after"_s));
    QTRY_COMPARE(witness->count(u"message:new"_s), 2);
    QCOMPARE(toString(witness->payloads(u"message:new"_s).at(1)[u"user"_s]), toString(expected));
    const JsonArray stored = witness->history(m_general);
    QCOMPARE(stored.size(), 2);
    QCOMPARE(toString(stored.at(0)[u"user"_s]), toString(expected));
}

QTEST_GUILESS_MAIN(tst_ChatRooms)
#include "tst_chatrooms.moc"
