// SPDX-License-Identifier: MIT
#include "protocol/events.h"

#include <QtCore/QSet>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
namespace events = chat::events;

class tst_Events : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void clientEvents();
    void serverEvents();
    void errorCodes();
    void unknownNames_data();
    void unknownNames();
};

void tst_Events::clientEvents()
{
    QSet<QString> seen;
    int count = 0;
#define CHAT_CHECK(enumerator, wire) \
    QCOMPARE(events::name(events::ClientEvent::enumerator), QStringLiteral(wire)); \
    QVERIFY(events::clientEventFromName(u"" wire) == events::ClientEvent::enumerator); \
    seen.insert(QStringLiteral(wire)); \
    ++count;
    CHAT_CLIENT_EVENTS(CHAT_CHECK)
#undef CHAT_CHECK
    // Wire names are unique, or a name would dispatch to the wrong handler.
    QCOMPARE(seen.size(), count);
    QCOMPARE(events::name(events::ClientEvent::MessageSend), u"message:send"_s);
    QVERIFY(events::clientEventFromName(u"room:join") == events::ClientEvent::RoomJoin);
    QVERIFY(events::clientEventFromName(u"stats") == events::ClientEvent::Stats);
}

void tst_Events::serverEvents()
{
    QSet<QString> seen;
    int count = 0;
#define CHAT_CHECK(enumerator, wire) \
    QCOMPARE(events::name(events::ServerEvent::enumerator), QStringLiteral(wire)); \
    seen.insert(QStringLiteral(wire)); \
    ++count;
    CHAT_SERVER_EVENTS(CHAT_CHECK)
#undef CHAT_CHECK
    QCOMPARE(seen.size(), count);
    QCOMPARE(events::name(events::ServerEvent::ChatError), u"chat:error"_s);
    QCOMPARE(events::name(events::ServerEvent::RoomReadReceipt), u"room:read"_s);
}

void tst_Events::errorCodes()
{
    QSet<QString> seen;
    int count = 0;
#define CHAT_CHECK(enumerator, wire) \
    QCOMPARE(events::name(events::ErrorCode::enumerator), QStringLiteral(wire)); \
    QVERIFY(events::errorCodeFromName(u"" wire) == events::ErrorCode::enumerator); \
    seen.insert(QStringLiteral(wire)); \
    ++count;
    CHAT_ERROR_CODES(CHAT_CHECK)
#undef CHAT_CHECK
    QCOMPARE(seen.size(), count);
    QCOMPARE(count, 10);
    QVERIFY(events::errorCodeFromName(u"rate_limited") == events::ErrorCode::RateLimited);
}

void tst_Events::unknownNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("empty") << QString();
    QTest::newRow("unknown") << u"room:explode"_s;
    QTest::newRow("case differs") << u"Room:List"_s;
    QTest::newRow("prefix") << u"room:"_s;
    QTest::newRow("longer") << u"room:listx"_s;
    QTest::newRow("trailing space") << u"stats "_s;
    QTest::newRow("server-only event") << u"message:new"_s;
    QTest::newRow("enumerator name") << u"RoomList"_s;
}

void tst_Events::unknownNames()
{
    QFETCH(QString, name);
    QVERIFY(!events::clientEventFromName(name));
    QVERIFY(!events::errorCodeFromName(name));
}

QTEST_APPLESS_MAIN(tst_Events)
#include "tst_events.moc"
