// SPDX-License-Identifier: MIT
// History across a thousand messages: paged back with `before`, 100 at a time, over Socket.IO
// and over HTTP, with no gap, no duplicate and every page in ascending order; the catch-up of
// room:join with `since`. The newest messages are also kept in memory: joins near the newest
// are answered from there, older ones from the database, and both must agree.
#include "chattestkit.h"

#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>
#include <QtNetwork/QNetworkRequest>
#include <QtTest/QTest>

#include <memory>

using namespace chat;
using namespace chat::test;
using namespace Qt::StringLiterals;

namespace {

constexpr int MessageCount = 1000;
constexpr int PageSize = 100;

QString textOf(int index)
{
    return u"page test %1"_s.arg(index, 4, 10, QLatin1Char('0'));
}

} // namespace

class tst_ChatHistory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void pageBackOverSocketIo();
    void pageBackOverHttp();
    void joinShowsTheNewest50();
    void joinSinceCatchesUp();
    void joinSinceRecentCatchesUp();
    void joinShowsEditsAndDeletions();
    void joinShowsTheAuthorsCurrentName();

private:
    //! Checks one page read back from the newest: its size, its order, its place before the
    //! pages read so far; prepends its ids to \a seen.
    static void checkPage(const JsonArray &messages, bool hasMore, int pageIndex,
                          QList<qint64> *seen);

    std::unique_ptr<ChatServerFixture> m_fixture;
    std::unique_ptr<ChatClient> m_client;
    qint64 m_general = 0;
    //! The ids of general's messages in the order they were sent.
    QList<qint64> m_ids;
};

void tst_ChatHistory::initTestCase()
{
    m_fixture = std::make_unique<ChatServerFixture>();
    m_fixture->config().rateLimitPerMin = 0;
    QString error;
    QVERIFY2(m_fixture->start(&error), qPrintable(error));
    m_client = std::make_unique<ChatClient>(m_fixture->url());
    QVERIFY(m_client->signIn(memberToken(1)));
    m_general = m_client->roomId(u"general"_s);
    const qint64 aiTools = m_client->roomId(u"ai-tools"_s);
    QVERIFY(isOk(m_client->join(u"general"_s)));
    QVERIFY(isOk(m_client->join(u"ai-tools"_s)));

    // All requests at once; messages of another room in between leave gaps in general's ids.
    m_ids.fill(0, MessageCount);
    int acked = 0;
    int refused = 0;
    for (int i = 0; i < MessageCount; ++i) {
        m_client->io()->emitWithAck(u"/"_s, u"message:send"_s,
                                    {JsonObject{{u"roomId"_s, JsonValue(m_general)},
                                                {u"message"_s, textOf(i)},
                                                {u"type"_s, u"text"_s}}},
                                    [this, i, &acked, &refused](const JsonArray &args) {
                                        ++acked;
                                        if (isOk(args.value(0)))
                                            m_ids[i] = args.value(0)[u"id"_s].toInteger();
                                        else
                                            ++refused;
                                    });
        if (i % 10 == 0) {
            m_client->send(u"message:send"_s,
                           JsonObject{{u"roomId"_s, JsonValue(aiTools)},
                                      {u"message"_s, u"elsewhere"_s},
                                      {u"type"_s, u"text"_s}});
        }
    }
    QTRY_COMPARE_WITH_TIMEOUT(acked, MessageCount, 40000);
    QCOMPARE(refused, 0);
    for (int i = 1; i < MessageCount; ++i)
        QVERIFY2(m_ids.at(i) > m_ids.at(i - 1), qPrintable(u"message %1"_s.arg(i)));
    QCOMPARE(m_client->count(u"chat:error"_s), 0);
}

void tst_ChatHistory::cleanupTestCase()
{
    m_client.reset();
    QVERIFY(m_fixture->stop());
}

void tst_ChatHistory::checkPage(const JsonArray &messages, bool hasMore, int pageIndex,
                                QList<qint64> *seen)
{
    const int pages = MessageCount / PageSize;
    QCOMPARE(messages.size(), PageSize);
    QCOMPARE(hasMore, pageIndex < pages - 1);
    const QList<qint64> ids = idsOf(messages);
    for (qsizetype i = 1; i < ids.size(); ++i)
        QVERIFY2(ids.at(i) > ids.at(i - 1), qPrintable(u"page %1 at %2"_s.arg(pageIndex).arg(i)));
    if (!seen->isEmpty())
        QVERIFY2(ids.constLast() < seen->constFirst(),
                 qPrintable(u"page %1 overlaps the newer one"_s.arg(pageIndex)));
    // Page p (from the newest) holds the messages sent as numbers 1000 - 100 (p + 1) onwards.
    const int first = MessageCount - (pageIndex + 1) * PageSize;
    for (int i = 0; i < PageSize; ++i)
        QCOMPARE(messages.at(i)[u"message"_s].toString(), textOf(first + i));
    *seen = ids + *seen;
}

void tst_ChatHistory::pageBackOverSocketIo()
{
    QList<qint64> seen;
    qint64 before = 0;
    for (int page = 0; page < MessageCount / PageSize; ++page) {
        JsonObject payload{{u"roomId"_s, JsonValue(m_general)}, {u"limit"_s, JsonValue(PageSize)}};
        if (before > 0)
            payload.insert(u"before"_s, JsonValue(before));
        const JsonValue ack = m_client->call(u"message:history"_s, payload);
        QVERIFY2(isOk(ack), dump(ack).left(300).constData());
        const JsonArray messages = ack[u"messages"_s].toArray();
        checkPage(messages, ack[u"hasMore"_s].toBool(), page, &seen);
        if (QTest::currentTestFailed())
            return;
        before = seen.constFirst();
    }
    // Exactly what was sent, in order: no gap, no duplicate, nothing of the other room.
    QCOMPARE(seen, m_ids);
    // Nothing before the oldest.
    const JsonValue last = m_client->call(
            u"message:history"_s,
            JsonObject{{u"roomId"_s, JsonValue(m_general)}, {u"before"_s, JsonValue(before)}});
    QVERIFY(isOk(last));
    QCOMPARE(last[u"messages"_s].toArray().size(), 0);
    QCOMPARE(toString(last[u"hasMore"_s]), u"false"_s);

    // The texts follow the ids.
    const JsonArray oldest
            = m_client->call(u"message:history"_s,
                             JsonObject{{u"roomId"_s, JsonValue(m_general)},
                                        {u"before"_s, JsonValue(m_ids.at(3))}})[u"messages"_s]
                      .toArray();
    QCOMPARE(oldest.size(), 3);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(oldest.at(i)[u"message"_s].toString(), textOf(i));
}

void tst_ChatHistory::pageBackOverHttp()
{
    QNetworkAccessManager network;
    const QByteArray authorization = "Bearer " + memberToken(1);
    QList<qint64> seen;
    qint64 before = 0;
    for (int page = 0; page < MessageCount / PageSize; ++page) {
        QString path = u"/api/v1/rooms/%1/messages?limit=%2"_s.arg(m_general).arg(PageSize);
        if (before > 0)
            path += u"&before=%1"_s.arg(before);
        QNetworkRequest request(m_fixture->url().resolved(QUrl(path)));
        request.setRawHeader(QByteArrayLiteral("Authorization"), authorization);
        std::unique_ptr<QNetworkReply> reply(network.get(request));
        QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 10000);
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        const JsonValue body = json(reply->readAll());
        checkPage(body[u"messages"_s].toArray(), body[u"hasMore"_s].toBool(), page, &seen);
        if (QTest::currentTestFailed())
            return;
        before = seen.constFirst();
    }
    QCOMPARE(seen, m_ids);
}

void tst_ChatHistory::joinShowsTheNewest50()
{
    ChatClient late(m_fixture->url());
    QVERIFY(late.signIn(memberToken(2)));
    QVERIFY(isOk(late.join(u"general"_s)));
    QTRY_COMPARE(late.count(u"room:history"_s), 1);
    const JsonValue history = late.payloads(u"room:history"_s).at(0);
    QCOMPARE(idsOf(history[u"messages"_s].toArray()), m_ids.mid(MessageCount - 50));
    QCOMPARE(toString(history[u"hasMore"_s]), u"true"_s);
}

void tst_ChatHistory::joinSinceCatchesUp()
{
    ChatClient returning(m_fixture->url());
    QVERIFY(returning.signIn(memberToken(3)));
    QVERIFY(isOk(
            returning.call(u"room:join"_s,
                           JsonObject{{u"roomId"_s, JsonValue(m_general)},
                                      {u"since"_s, JsonValue(m_ids.at(MessageCount - 301))}})));
    QTRY_COMPARE(returning.count(u"room:history"_s), 1);
    const JsonValue history = returning.payloads(u"room:history"_s).at(0);
    QCOMPARE(idsOf(history[u"messages"_s].toArray()), m_ids.mid(MessageCount - 300));
    QCOMPARE(toString(history[u"hasMore"_s]), u"false"_s);
}

void tst_ChatHistory::joinSinceRecentCatchesUp()
{
    ChatClient returning(m_fixture->url());
    QVERIFY(returning.signIn(memberToken(4)));
    for (const int missed : {0, 1, 10, 150}) {
        const qint64 since = m_ids.at(MessageCount - 1 - missed);
        QVERIFY(isOk(returning.call(
                u"room:join"_s,
                JsonObject{{u"roomId"_s, JsonValue(m_general)}, {u"since"_s, JsonValue(since)}})));
        QTRY_COMPARE(returning.count(u"room:history"_s), 1);
        const JsonValue history = returning.payloads(u"room:history"_s).at(0);
        const JsonArray messages = history[u"messages"_s].toArray();
        QCOMPARE(idsOf(messages), m_ids.mid(MessageCount - missed));
        for (int i = 0; i < missed; ++i)
            QCOMPARE(messages.at(i)[u"message"_s].toString(), textOf(MessageCount - missed + i));
        QCOMPARE(toString(history[u"hasMore"_s]), u"false"_s);
        QVERIFY(isOk(
                returning.call(u"room:leave"_s, JsonObject{{u"roomId"_s, JsonValue(m_general)}})));
        returning.clear();
    }
}

void tst_ChatHistory::joinShowsEditsAndDeletions()
{
    const qint64 edited = m_ids.at(MessageCount - 1);
    const qint64 deleted = m_ids.at(MessageCount - 2);
    QVERIFY(isOk(m_client->call(
            u"message:edit"_s,
            JsonObject{{u"id"_s, JsonValue(edited)}, {u"message"_s, u"edited later"_s}})));
    QVERIFY(isOk(m_client->call(u"message:delete"_s, JsonObject{{u"id"_s, JsonValue(deleted)}})));

    const auto check = [&](const JsonArray &messages) {
        QCOMPARE(messages.constLast()[u"id"_s].toInteger(), edited);
        QCOMPARE(messages.constLast()[u"message"_s].toString(), u"edited later"_s);
        QVERIFY(!messages.constLast()[u"edited_at"_s].isNull());
        const JsonValue gone = messages.at(messages.size() - 2);
        QCOMPARE(gone[u"id"_s].toInteger(), deleted);
        QCOMPARE(toString(gone[u"deleted"_s]), u"true"_s);
        QCOMPARE(gone[u"message"_s].toString(), QString());
    };
    ChatClient late(m_fixture->url());
    QVERIFY(late.signIn(memberToken(5)));
    QVERIFY(isOk(late.join(u"general"_s)));
    QTRY_COMPARE(late.count(u"room:history"_s), 1);
    check(late.payloads(u"room:history"_s).at(0)[u"messages"_s].toArray());

    ChatClient returning(m_fixture->url());
    QVERIFY(returning.signIn(memberToken(6)));
    QVERIFY(isOk(returning.call(u"room:join"_s,
                                JsonObject{{u"roomId"_s, JsonValue(m_general)},
                                           {u"since"_s, JsonValue(m_ids.at(MessageCount - 3))}})));
    QTRY_COMPARE(returning.count(u"room:history"_s), 1);
    const JsonArray caughtUp = returning.payloads(u"room:history"_s).at(0)[u"messages"_s].toArray();
    QCOMPARE(caughtUp.size(), 2);
    check(caughtUp);
}

void tst_ChatHistory::joinShowsTheAuthorsCurrentName()
{
    // The author of every message here signs in again under a new name: history, from memory
    // or from the database, shows the name the users table now has.
    ChatClient renamed(m_fixture->url());
    QVERIFY(renamed.signIn(mintToken({1, u"Renamed One"_s, QString()})));
    ChatClient reader(m_fixture->url());
    QVERIFY(reader.signIn(memberToken(7)));
    QVERIFY(isOk(reader.join(u"general"_s)));
    QTRY_COMPARE(reader.count(u"room:history"_s), 1);
    const JsonArray messages = reader.payloads(u"room:history"_s).at(0)[u"messages"_s].toArray();
    QCOMPARE(messages.size(), 50);
    for (const JsonValue &message : messages)
        QCOMPARE(message[u"user"_s][u"name"_s].toString(), u"Renamed One"_s);
}

QTEST_GUILESS_MAIN(tst_ChatHistory)
#include "tst_chathistory.moc"
