// SPDX-License-Identifier: MIT
// RoomListModel: updates in place, unread and online counts; then the room list of a real
// server with unread counts that follow what the user reads.
#include "apptestkit.h"

#include "appcontext.h"
#include "community.h"
#include "roomlistmodel.h"
#include "session.h"

#include <QtCore/QTemporaryDir>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace chat;
using namespace chat::ui;
using namespace Qt::StringLiterals;

namespace {

ChatRoom room(qint64 id, const QString &slug, qint64 unread = 0, qint64 online = 0)
{
    return {id, slug, slug.toUpper(), u"about "_s + slug, QString(), online, unread};
}

QVariant role(const RoomListModel &model, qint64 roomId, int role)
{
    const int row = model.rowOf(roomId);
    return row < 0 ? QVariant() : model.data(model.index(row), role);
}

} // namespace

class tst_RoomListModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void sameRoomsUpdateInPlace();
    void otherRoomsReset();
    void counts_data();
    void counts();
    void currentRoom();
    void iconFallsBackToTheInitial_data();
    void iconFallsBackToTheInitial();

    void fromServer_roomsAndUnread();

private:
    std::unique_ptr<RoomListModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void tst_RoomListModel::init()
{
    m_model = std::make_unique<RoomListModel>();
    m_tester = std::make_unique<QAbstractItemModelTester>(
            m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_model->setRooms({room(1, u"general"_s), room(2, u"help"_s, 3)});
}

void tst_RoomListModel::cleanup()
{
    m_tester.reset();
    m_model.reset();
}

void tst_RoomListModel::sameRoomsUpdateInPlace()
{
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    m_model->setRooms({room(1, u"general"_s, 0, 5), room(2, u"help"_s, 3)});
    QCOMPARE(reset.size(), 0);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().at(0).value<QModelIndex>().row(), 0);
    QCOMPARE(role(*m_model, 1, RoomListModel::OnlineRole).toLongLong(), 5);
}

void tst_RoomListModel::otherRoomsReset()
{
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    m_model->setRooms({room(3, u"random"_s)});
    QCOMPARE(reset.size(), 1);
    QCOMPARE(m_model->count(), 1);
    QCOMPARE(m_model->idForSlug(u"random"_s), 3);
    QCOMPARE(m_model->idForSlug(u"general"_s), 0);
}

void tst_RoomListModel::counts_data()
{
    QTest::addColumn<qint64>("online");
    QTest::addColumn<qint64>("added");
    QTest::addColumn<qint64>("unread");

    QTest::newRow("none") << qint64(0) << qint64(0) << qint64(3);
    QTest::newRow("one more") << qint64(2) << qint64(1) << qint64(4);
    QTest::newRow("many more") << qint64(40) << qint64(97) << qint64(100);
}

void tst_RoomListModel::counts()
{
    QFETCH(qint64, online);
    QFETCH(qint64, added);
    QFETCH(qint64, unread);

    QSignalSpy otherUnread(m_model.get(), &RoomListModel::otherUnreadChanged);
    m_model->setOnline(2, online);
    if (added > 0)
        m_model->addUnread(2, added);
    QCOMPARE(role(*m_model, 2, RoomListModel::OnlineRole).toLongLong(), online);
    QCOMPARE(role(*m_model, 2, RoomListModel::UnreadRole).toLongLong(), unread);
    QCOMPARE(m_model->otherUnread(), int(unread));
    QCOMPARE(otherUnread.size(), added > 0 ? 1 : 0);
    m_model->setUnread(2, 0);
    QCOMPARE(m_model->otherUnread(), 0);
}

void tst_RoomListModel::currentRoom()
{
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    m_model->setCurrentRoomId(2);
    QCOMPARE(role(*m_model, 2, RoomListModel::CurrentRole).toBool(), true);
    QCOMPARE(role(*m_model, 1, RoomListModel::CurrentRole).toBool(), false);
    // The open room's unread messages are not "other".
    QCOMPARE(m_model->otherUnread(), 0);
    m_model->setCurrentRoomId(1);
    QCOMPARE(changed.size(), 3);
    QCOMPARE(m_model->otherUnread(), 3);
}

void tst_RoomListModel::iconFallsBackToTheInitial_data()
{
    QTest::addColumn<QString>("icon");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<bool>("emoji");

    QTest::newRow("letter icon") << u"A"_s << u"anything"_s << u"A"_s << true;
    QTest::newRow("no icon") << QString() << u"vibe coding"_s << u"V"_s << false;
    // A private-use character: no font draws it.
    QTest::newRow("undrawable") << u"\U000F0001"_s << u"ai tools"_s << u"A"_s << false;
    QTest::newRow("no letters") << QString() << u"--"_s << u"#"_s << false;
}

void tst_RoomListModel::iconFallsBackToTheInitial()
{
    QFETCH(QString, icon);
    QFETCH(QString, name);
    QFETCH(QString, expected);
    QFETCH(bool, emoji);

    ChatRoom r = room(9, u"x"_s);
    r.name = name;
    r.icon = icon;
    m_model->setRooms({r});
    QCOMPARE(role(*m_model, 9, RoomListModel::IconTextRole).toString(), expected);
    QCOMPARE(role(*m_model, 9, RoomListModel::IconIsEmojiRole).toBool(), emoji);
}

void tst_RoomListModel::fromServer_roomsAndUnread()
{
    apptest::TestServer server;
    QVERIFY(server.start());
    apptest::Peer peer(server.url());
    QVERIFY(peer.signIn(apptest::mintToken(400, u"Peer"_s)));
    const qint64 help = peer.join(u"help"_s);

    QTemporaryDir dir;
    AppContext context(dir.filePath(u"settings.ini"_s));
    RoomListModel *model = context.community()->rooms();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    context.session()->signInWithToken(server.url(), apptest::mintToken(401, u"Me"_s));

    // The six default rooms, with their names, descriptions and icons; #general opens.
    QTRY_COMPARE(model->count(), 6);
    const QStringList slugs = {u"general"_s,     u"ai-tools"_s,   u"n8n-automation"_s,
                               u"vibe-coding"_s, u"blockchain"_s, u"help"_s};
    for (const QString &slug : slugs) {
        const std::optional<ChatRoom> r = model->room(model->idForSlug(slug));
        QVERIFY2(r, qPrintable(slug));
        QVERIFY(!r->name.isEmpty() && !r->description.isEmpty() && !r->icon.isEmpty());
    }
    const qint64 general = model->idForSlug(u"general"_s);
    QTRY_COMPARE(context.community()->currentRoomId(), general);
    QCOMPARE(role(*model, general, RoomListModel::CurrentRole).toBool(), true);
    QTRY_VERIFY(context.community()->isJoined(general));
    QCOMPARE(role(*model, help, RoomListModel::OnlineRole).toLongLong(), 1);

    // The user joins #help, goes back to #general; what is posted in #help is unread.
    context.community()->openRoom(help);
    QTRY_VERIFY(context.community()->isJoined(help));
    QTRY_COMPARE(role(*model, help, RoomListModel::OnlineRole).toLongLong(), 2);
    context.community()->openRoom(general);
    QVERIFY(peer.say(help, u"one"_s) > 0);
    QVERIFY(peer.say(help, u"two"_s) > 0);
    QTRY_COMPARE(role(*model, help, RoomListModel::UnreadRole).toLongLong(), 2);
    QCOMPARE(model->otherUnread(), 2);
    QCOMPARE(role(*model, general, RoomListModel::UnreadRole).toLongLong(), 0);

    // Reading it clears the count here and on the server (room:read).
    context.community()->openRoom(help);
    QCOMPARE(role(*model, help, RoomListModel::UnreadRole).toLongLong(), 0);
    QVERIFY(peer.waitFor(u"room:read"_s, [&](const JsonValue &read) {
        return read[u"roomId"].toInteger() == help && read[u"userId"].toInteger() == 401;
    }));
    apptest::Peer again(server.url());
    QVERIFY(again.signIn(apptest::mintToken(401, u"Me"_s)));
    const JsonValue list = again.call(u"room:list"_s, {});
    bool checked = false;
    for (const JsonValue &r : list[u"rooms"].toArray()) {
        if (r[u"id"].toInteger() == help) {
            QCOMPARE(r[u"unread"].toInteger(), 0);
            checked = true;
        }
    }
    QVERIFY(checked);
}

QTEST_MAIN(tst_RoomListModel)
#include "tst_roomlistmodel.moc"
