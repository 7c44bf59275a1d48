// SPDX-License-Identifier: MIT
// RecentMessages against a model of the store: whatever it answers must be what the store
// would answer.
#include "chat/recentmessages.h"

#include <QtTest/QTest>

#include <random>

using namespace Qt::StringLiterals;
using chat::domain::RecentMessages;
using chat::storage::Message;
using chat::storage::MessagePage;

namespace {

// The store's answers, from every message of one room, ascending.
MessagePage storeNewest(const QList<Message> &all, int limit)
{
    MessagePage page;
    const qsizetype start = std::max<qsizetype>(0, all.size() - limit);
    page.messages = all.sliced(start);
    page.hasMore = start > 0;
    return page;
}

MessagePage storeAfter(const QList<Message> &all, qint64 since, int limit)
{
    QList<Message> newer;
    for (const Message &m : all) {
        if (m.id > since)
            newer.append(m);
    }
    MessagePage page;
    page.messages = newer.first(std::min<qsizetype>(newer.size(), limit));
    page.hasMore = newer.size() > limit;
    return page;
}

Message message(qint64 room, qint64 id, const QString &text)
{
    Message m;
    m.id = id;
    m.roomId = room;
    m.author.id = 1;
    m.text = text;
    return m;
}

void compare(const MessagePage &actual, const MessagePage &expected)
{
    QCOMPARE(actual.hasMore, expected.hasMore);
    QCOMPARE(actual.messages.size(), expected.messages.size());
    for (qsizetype i = 0; i < actual.messages.size(); ++i) {
        QCOMPARE(actual.messages.at(i).id, expected.messages.at(i).id);
        QCOMPARE(actual.messages.at(i).text, expected.messages.at(i).text);
        QCOMPARE(actual.messages.at(i).deleted, expected.messages.at(i).deleted);
    }
}

} // namespace

class tst_RecentMessages : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void disabledKeepsNothing();
    void unknownRoomIsNotAnswered();
    void wholeSmallRoom();
    void windowOfABigRoom();
    void editsAndDeletesAreKept();
    void outOfOrderDropsTheWindow();
    void seededByACatchUp();
    void matchesTheStore_data();
    void matchesTheStore();
};

void tst_RecentMessages::disabledKeepsNothing()
{
    RecentMessages recent;
    QVERIFY(!recent.isEnabled());
    recent.seed(1, {{message(1, 1, u"a"_s)}, false});
    QVERIFY(!recent.newest(1, 50));
    QVERIFY(!recent.after(1, 0, 50));
}

void tst_RecentMessages::unknownRoomIsNotAnswered()
{
    RecentMessages recent(10);
    recent.append(message(1, 5, u"not seeded"_s));
    QVERIFY(!recent.newest(1, 50));
    QVERIFY(!recent.after(1, 4, 50));
}

void tst_RecentMessages::wholeSmallRoom()
{
    RecentMessages recent(10);
    // An empty room without older messages is a whole (empty) room.
    recent.seed(1, {{}, false});
    QVERIFY(recent.newest(1, 50));
    QCOMPARE(recent.newest(1, 50)->messages.size(), 0);
    recent.append(message(1, 7, u"first"_s));
    recent.append(message(1, 9, u"second"_s));
    compare(*recent.newest(1, 50),
            {{message(1, 7, u"first"_s), message(1, 9, u"second"_s)}, false});
    compare(*recent.newest(1, 1), {{message(1, 9, u"second"_s)}, true});
    compare(*recent.after(1, 7, 50), {{message(1, 9, u"second"_s)}, false});
    compare(*recent.after(1, 0, 1), {{message(1, 7, u"first"_s)}, true});
    compare(*recent.after(1, 9, 50), {{}, false});
    // A second seed does not replace what the window has followed since.
    recent.seed(1, {{message(1, 7, u"first"_s)}, false});
    QCOMPARE(recent.newest(1, 50)->messages.size(), 2);
}

void tst_RecentMessages::windowOfABigRoom()
{
    RecentMessages recent(3);
    // The newest page of a room with older messages: ids 10, 11, 12 of many.
    recent.seed(1,
                {{message(1, 10, u"a"_s), message(1, 11, u"b"_s), message(1, 12, u"c"_s)}, true});
    compare(*recent.newest(1, 2), {{message(1, 11, u"b"_s), message(1, 12, u"c"_s)}, true});
    // Asking for more than the window holds needs the store.
    QVERIFY(!recent.newest(1, 3 + 1));
    QVERIFY(!recent.after(1, 8, 50));
    QVERIFY(recent.after(1, 9, 50));
    recent.append(message(1, 13, u"d"_s)); // 10 leaves the window
    QVERIFY(!recent.after(1, 9, 50));
    compare(*recent.after(1, 10, 50),
            {{message(1, 11, u"b"_s), message(1, 12, u"c"_s), message(1, 13, u"d"_s)}, false});
    // An empty newest page with older messages says nothing.
    recent.seed(2, {{}, true});
    QVERIFY(!recent.newest(2, 1));
}

void tst_RecentMessages::editsAndDeletesAreKept()
{
    RecentMessages recent(10);
    recent.seed(1, {{message(1, 1, u"a"_s), message(1, 2, u"b"_s)}, false});
    recent.update(message(1, 2, u"b, edited"_s));
    Message gone = message(1, 1, QString());
    gone.deleted = true;
    recent.update(gone);
    recent.update(message(1, 99, u"not in the window"_s));
    const MessagePage page = *recent.newest(1, 50);
    QCOMPARE(page.messages.size(), 2);
    QVERIFY(page.messages.at(0).deleted);
    QCOMPARE(page.messages.at(1).text, u"b, edited"_s);
}

void tst_RecentMessages::outOfOrderDropsTheWindow()
{
    RecentMessages recent(10);
    recent.seed(1, {{message(1, 5, u"a"_s)}, false});
    recent.append(message(1, 4, u"older than the newest"_s));
    QVERIFY(!recent.newest(1, 50));
    recent.clear();
    recent.seed(1, {{message(1, 5, u"a"_s)}, false});
    QVERIFY(recent.newest(1, 50));
    recent.clear();
    QVERIFY(!recent.newest(1, 50));
}

void tst_RecentMessages::seededByACatchUp()
{
    RecentMessages recent(10);
    // A page that does not reach the newest message, or an empty one, seeds nothing.
    recent.seedAfter(1, 4, {{message(1, 5, u"a"_s)}, true});
    QVERIFY(!recent.after(1, 4, 50));
    recent.seedAfter(1, 99, {{}, false});
    QVERIFY(!recent.after(1, 99, 50));
    // Every message after 4 is 5 and 7: catch-ups from 4 on are answered, older ones are not.
    recent.seedAfter(1, 4, {{message(1, 5, u"a"_s), message(1, 7, u"b"_s)}, false});
    compare(*recent.after(1, 5, 50), {{message(1, 7, u"b"_s)}, false});
    compare(*recent.after(1, 4, 1), {{message(1, 5, u"a"_s)}, true});
    QVERIFY(!recent.after(1, 3, 50));
    QVERIFY(!recent.newest(1, 50));
    compare(*recent.newest(1, 1), {{message(1, 7, u"b"_s)}, true});
    // Not replaced by a later seed.
    recent.seedAfter(1, 6, {{message(1, 7, u"b"_s)}, false});
    QVERIFY(recent.after(1, 4, 50));
}

void tst_RecentMessages::matchesTheStore_data()
{
    QTest::addColumn<int>("capacity");
    QTest::addColumn<int>("seedAfter");
    QTest::addColumn<int>("minAnswered");
    QTest::addColumn<bool>("seedByCatchUp");
    QTest::newRow("window of 20, seeded when empty") << 20 << 0 << 300 << false;
    QTest::newRow("window of 20, seeded after 55") << 20 << 55 << 300 << false;
    QTest::newRow("window of 200, seeded after 3") << 200 << 3 << 500 << false;
    QTest::newRow("window of 1, seeded after 10") << 1 << 10 << 10 << false;
    QTest::newRow("window of 20, seeded by a catch-up after 55") << 20 << 55 << 300 << true;
    QTest::newRow("window of 200, seeded by a catch-up after 400") << 200 << 400 << 300 << true;
}

void tst_RecentMessages::matchesTheStore()
{
    QFETCH(int, capacity);
    QFETCH(int, seedAfter);
    QFETCH(int, minAnswered);
    QFETCH(bool, seedByCatchUp);
    constexpr int PageSize = 7;
    std::mt19937 random(20261122);
    RecentMessages recent(capacity);
    QList<Message> store; // room 1, every message
    qint64 nextId = 1;
    int answered = 0;
    for (int step = 0; step < 3000; ++step) {
        if (step == seedAfter && !seedByCatchUp)
            recent.seed(1, storeNewest(store, PageSize));
        if (step >= seedAfter && seedByCatchUp) {
            // A client that missed the last few messages; seeds once, when its page is whole.
            const qint64 since = store.size() > 5 ? store.at(store.size() - 6).id : 0;
            recent.seedAfter(1, since, storeAfter(store, since, 1000));
        }
        const int action = int(random() % 10);
        if (action < 5) {
            nextId += 1 + random() % 3; // other rooms take ids too
            store.append(message(1, nextId, u"m%1"_s.arg(nextId)));
            recent.append(store.constLast());
        } else if (action < 6 && !store.isEmpty()) {
            Message &m = store[qsizetype(random() % store.size())];
            m.text = u"edited %1"_s.arg(step);
            recent.update(m);
        } else if (action < 7 && !store.isEmpty()) {
            Message &m = store[qsizetype(random() % store.size())];
            m.deleted = true;
            m.text.clear();
            recent.update(m);
        } else if (action < 8) {
            const int limit = 1 + int(random() % 30);
            if (const auto page = recent.newest(1, limit)) {
                compare(*page, storeNewest(store, limit));
                ++answered;
            }
        } else {
            // Mostly what a reconnecting client has seen: one of the newest ids.
            const qint64 since = random() % 4 == 0 ? qint64(random() % quint64(nextId + 2))
                                                   : std::max<qint64>(0, nextId - random() % 60);
            const int limit = 1 + int(random() % 30);
            if (const auto page = recent.after(1, since, limit)) {
                compare(*page, storeAfter(store, since, limit));
                ++answered;
            }
        }
        if (QTest::currentTestFailed())
            return;
    }
    // Questions about recent messages are answered from memory, not just refused.
    QVERIFY2(answered >= minAnswered, qPrintable(u"answered %1"_s.arg(answered)));
}

QTEST_APPLESS_MAIN(tst_RecentMessages)
#include "tst_recentmessages.moc"
