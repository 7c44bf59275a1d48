// SPDX-License-Identifier: MIT
// Fan-out under concurrency: 50 clients in one room each send 20 messages at once; every client
// receives all 1000 message:new exactly once, all in the same order, which is the order of the
// ids, with each sender's messages in the order it sent them. And a room of more than 100 users,
// where presence shrinks to a count (protocol.md §4).
#include "chattestkit.h"

#include <QtCore/QSet>
#include <QtTest/QTest>

#include <algorithm>
#include <memory>
#include <vector>

using namespace chat;
using namespace chat::test;
using namespace Qt::StringLiterals;

namespace {

constexpr int ClientCount = 50;
constexpr int MessagesEach = 20;
constexpr int Total = ClientCount * MessagesEach;

} // namespace

class tst_ChatFanout : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fiftyClientsSendAtOnce();
    void presenceInARoomOfMoreThan100();
};

void tst_ChatFanout::fiftyClientsSendAtOnce()
{
    ChatServerFixture fixture;
    fixture.config().rateLimitPerMin = 0;
    QString error;
    QVERIFY2(fixture.start(&error), qPrintable(error));

    std::vector<std::unique_ptr<ChatClient>> clients;
    for (int i = 0; i < ClientCount; ++i) {
        clients.push_back(std::make_unique<ChatClient>(fixture.url()));
        QVERIFY2(clients.back()->signIn(memberToken(i + 1)), qPrintable(u"client %1"_s.arg(i)));
    }
    const qint64 general = clients.front()->roomId(u"general"_s);
    int joined = 0;
    for (const auto &client : clients) {
        client->io()->emitWithAck(u"/"_s, u"room:join"_s,
                                  {JsonObject{{u"roomSlug"_s, u"general"_s}}},
                                  [&joined](const JsonArray &args) {
                                      if (isOk(args.value(0)))
                                          ++joined;
                                  });
    }
    QTRY_COMPARE_WITH_TIMEOUT(joined, ClientCount, 20000);
    for (const auto &client : clients)
        client->clear();

    // Everyone at once: every request is written before any answer is read.
    QSet<qint64> ackedIds;
    int refused = 0;
    for (int k = 0; k < MessagesEach; ++k) {
        for (int i = 0; i < ClientCount; ++i) {
            clients.at(i)->io()->emitWithAck(u"/"_s, u"message:send"_s,
                                             {JsonObject{{u"roomId"_s, JsonValue(general)},
                                                         {u"message"_s, u"c%1 m%2"_s.arg(i).arg(k)},
                                                         {u"type"_s, u"text"_s}}},
                                             [&ackedIds, &refused](const JsonArray &args) {
                                                 if (isOk(args.value(0)))
                                                     ackedIds.insert(
                                                             args.value(0)[u"id"_s].toInteger());
                                                 else
                                                     ++refused;
                                             });
        }
    }
    QTRY_COMPARE_WITH_TIMEOUT(ackedIds.size() + refused, Total, 40000);
    QCOMPARE(refused, 0);
    for (const auto &client : clients)
        QTRY_VERIFY_WITH_TIMEOUT(client->count(u"message:new"_s) >= Total, 40000);
    for (const auto &client : clients)
        QVERIFY(client->sync(10000));

    const QList<qint64> reference = idsOf(clients.front()->payloads(u"message:new"_s));
    QCOMPARE(reference.size(), Total);
    QCOMPARE(QSet<qint64>(reference.cbegin(), reference.cend()), ackedIds);
    // The room's order is the order of the ids.
    for (qsizetype n = 1; n < reference.size(); ++n)
        QVERIFY2(reference.at(n) > reference.at(n - 1), qPrintable(u"at %1"_s.arg(n)));

    for (int i = 0; i < ClientCount; ++i) {
        const JsonArray received = clients.at(i)->payloads(u"message:new"_s);
        QCOMPARE(received.size(), Total);
        QVERIFY2(idsOf(received) == reference, qPrintable(u"client %1's order"_s.arg(i)));
        // Each sender's messages in the order it sent them.
        QList<int> next(ClientCount, 0);
        for (const JsonValue &message : received) {
            const qint64 sender = message[u"user"_s][u"id"_s].toInteger() - 1;
            QVERIFY(sender >= 0 && sender < ClientCount);
            QCOMPARE(message[u"message"_s].toString(),
                     u"c%1 m%2"_s.arg(sender).arg(next[sender]++));
        }
        QCOMPARE(next, QList<int>(ClientCount, MessagesEach));
    }

    // What was delivered is what was stored.
    QList<qint64> stored;
    qint64 before = 0;
    for (;;) {
        JsonObject payload{{u"roomId"_s, JsonValue(general)}, {u"limit"_s, JsonValue(100)}};
        if (before > 0)
            payload.insert(u"before"_s, JsonValue(before));
        const JsonValue page = clients.front()->call(u"message:history"_s, payload);
        QVERIFY(isOk(page));
        const QList<qint64> ids = idsOf(page[u"messages"_s].toArray());
        stored = ids + stored;
        if (!page[u"hasMore"_s].toBool() || ids.isEmpty())
            break;
        before = ids.constFirst();
    }
    QCOMPARE(stored, reference);
}

void tst_ChatFanout::presenceInARoomOfMoreThan100()
{
    ChatServerFixture fixture;
    QString error;
    QVERIFY2(fixture.start(&error), qPrintable(error));
    ChatClient observer(fixture.url());
    QVERIFY(observer.signIn(memberToken(1)));
    const qint64 general = observer.roomId(u"general"_s);
    CHAT_VERIFY_OK(observer.join(u"general"_s));

    // 101 more users arrive together: 102 online.
    constexpr int Crowd = 101;
    std::vector<std::unique_ptr<ChatClient>> crowd;
    for (int i = 0; i < Crowd; ++i) {
        crowd.push_back(std::make_unique<ChatClient>(fixture.url()));
        crowd.back()->io()->connectNamespace(
                u"/"_s,
                JsonObject{{u"token"_s, JsonValue(QString::fromLatin1(memberToken(100 + i)))}});
    }
    const auto connected = [&crowd] {
        return std::all_of(crowd.cbegin(), crowd.cend(),
                           [](const auto &client) { return client->isConnected(); });
    };
    QTRY_VERIFY_WITH_TIMEOUT(connected(), 20000);
    QList<PendingAckPtr> joins;
    for (const auto &client : crowd)
        joins.append(
                client->start(u"room:join"_s, {JsonObject{{u"roomSlug"_s, u"general"_s}}}, 20000));
    QVERIFY(waitAll(joins, 25000));
    for (const PendingAckPtr &join : std::as_const(joins))
        QVERIFY2(isOk(join->value), dump(join->value).constData());

    const auto lastTotal = [&observer] {
        const JsonArray presence = observer.payloads(u"room:presence"_s);
        return presence.isEmpty() ? qint64(0) : presence.constLast()[u"total"_s].toInteger();
    };
    QTRY_COMPARE_WITH_TIMEOUT(lastTotal(), qint64(Crowd + 1), 10000);
    // Above 100 online, only the count: the list is read with room:members.
    for (const JsonValue &presence : observer.payloads(u"room:presence"_s)) {
        if (presence[u"total"_s].toInteger() > 100)
            QCOMPARE(sortedKeys(presence), (QStringList{u"roomId"_s, u"total"_s}));
    }

    // room:users lists the first 100 with the true total.
    ChatClient late(fixture.url());
    QVERIFY(late.signIn(memberToken(999)));
    CHAT_VERIFY_OK(late.join(u"general"_s));
    QTRY_COMPARE(late.count(u"room:users"_s), 1);
    const JsonValue users = late.payloads(u"room:users"_s).at(0);
    QCOMPARE(users[u"total"_s].toInteger(), Crowd + 2);
    QCOMPARE(users[u"users"_s].toArray().size(), 100);
    QCOMPARE(users[u"users"_s].toArray().at(0)[u"id"_s].toInteger(), 1);

    // room:members pages through all of them.
    QList<qint64> everyone;
    for (int offset = 0; offset < Crowd + 2; offset += 100) {
        const JsonValue page = late.call(
                u"room:members"_s,
                roomPayload(general,
                            {{u"offset"_s, JsonValue(offset)}, {u"limit"_s, JsonValue(100)}}));
        QVERIFY2(isOk(page), dump(page).constData());
        QCOMPARE(page[u"total"_s].toInteger(), Crowd + 2);
        everyone += idsOf(page[u"users"_s].toArray());
    }
    QCOMPARE(everyone.size(), Crowd + 2);
    QCOMPARE(QSet<qint64>(everyone.cbegin(), everyone.cend()).size(), Crowd + 2);
    QCOMPARE(everyone.constFirst(), 1);
    QCOMPARE(everyone.constLast(), 999);
}

QTEST_GUILESS_MAIN(tst_ChatFanout)
#include "tst_chatfanout.moc"
