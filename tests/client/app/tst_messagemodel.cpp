// SPDX-License-Identifier: MIT
// MessageModel: placement by id, pending messages, day and grouping roles, replies; then the
// model as the app fills it from a real server.
#include "apptestkit.h"

#include "appcontext.h"
#include "community.h"
#include "messagemodel.h"
#include "session.h"

#include <QtCore/QTemporaryDir>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace chat;
using namespace chat::ui;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 Room = 7;
constexpr qint64 OtherRoom = 8;
constexpr qint64 Me = 1;

const QDateTime Noon = QDateTime(QDate(2026, 3, 4), QTime(12, 0), Qt::LocalTime).toUTC();

ChatMessage message(qint64 id, qint64 author = 2, qint64 minutes = 0, qint64 room = Room)
{
    ChatMessage m;
    m.id = id;
    m.roomId = room;
    m.author = {author, u"user%1"_s.arg(author), {}};
    m.text = u"message %1"_s.arg(id);
    m.createdAt = Noon.addSecs(minutes * 60);
    return m;
}

ChatMessage pending(const QString &clientId, qint64 room = Room)
{
    ChatMessage m = message(0, Me, 60, room);
    m.clientId = clientId;
    m.text = u"typed "_s + clientId;
    m.delivery = DeliveryState::Pending;
    return m;
}

//! Ids shown, row 0 first (newest first).
QList<qint64> rows(const MessageModel &model)
{
    QList<qint64> ids;
    for (int row = 0; row < model.rowCount(); ++row)
        ids.append(model.data(model.index(row), MessageModel::MessageIdRole).toLongLong());
    return ids;
}

QVariant role(const MessageModel &model, qint64 id, int role)
{
    const int row = model.rowOf(id);
    return row < 0 ? QVariant() : model.data(model.index(row), role);
}

} // namespace

class tst_MessageModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void placesById_data();
    void placesById();
    void duplicateReplacesInPlace();
    void otherRoomsAreKept();
    void pendingIsConfirmedByClientId_data();
    void pendingIsConfirmedByClientId();
    void failedAndDiscarded();
    void dayAndGroupingRoles_data();
    void dayAndGroupingRoles();
    void olderPageUpdatesTheOldestRow();
    void repliesFollowTheOriginal();
    void deletedAndEdited();
    void ownRoleFollowsTheUser();
    void roleNamesAreCamelCase();

    void fromServer_historyPagesAndLiveMessages();
    void fromServer_editAndDelete();

private:
    std::unique_ptr<MessageModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void tst_MessageModel::init()
{
    m_model = std::make_unique<MessageModel>();
    m_tester = std::make_unique<QAbstractItemModelTester>(
            m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_model->setLocalUserId(Me);
    m_model->setRoomId(Room);
}

void tst_MessageModel::cleanup()
{
    m_tester.reset();
    m_model.reset();
}

void tst_MessageModel::placesById_data()
{
    QTest::addColumn<QList<qint64>>("arrival");
    QTest::addColumn<QList<qint64>>("shown");

    QTest::newRow("in order") << QList<qint64>{1, 2, 3} << QList<qint64>{3, 2, 1};
    QTest::newRow("reversed") << QList<qint64>{3, 2, 1} << QList<qint64>{3, 2, 1};
    QTest::newRow("gap filled later") << QList<qint64>{10, 30, 20} << QList<qint64>{30, 20, 10};
    QTest::newRow("twice each") << QList<qint64>{5, 6, 5, 6, 7, 5} << QList<qint64>{7, 6, 5};
}

void tst_MessageModel::placesById()
{
    QFETCH(QList<qint64>, arrival);
    QFETCH(QList<qint64>, shown);
    for (const qint64 id : arrival)
        m_model->upsert(message(id));
    QCOMPARE(rows(*m_model), shown);
    QCOMPARE(m_model->newestId(Room), shown.first());
    QCOMPARE(m_model->oldestId(Room), shown.last());
}

void tst_MessageModel::duplicateReplacesInPlace()
{
    m_model->addMessages({message(1), message(2)});
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);

    m_model->upsert(message(2));
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(changed.size(), 0);

    ChatMessage renamed = message(2);
    renamed.author.name = u"new name"_s;
    m_model->upsert(renamed);
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(changed.size(), 1);
    QVERIFY(changed.first().at(2).value<QList<int>>().contains(MessageModel::AuthorNameRole));
    QCOMPARE(role(*m_model, 2, MessageModel::AuthorNameRole).toString(), u"new name"_s);
    QCOMPARE(m_model->rowCount(), 2);
}

void tst_MessageModel::otherRoomsAreKept()
{
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    m_model->upsert(message(1, 2, 0, OtherRoom));
    m_model->upsert(message(2, 2, 0, OtherRoom));
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(m_model->rowCount(), 0);

    m_model->setRoomId(OtherRoom);
    QCOMPARE(rows(*m_model), (QList<qint64>{2, 1}));
    m_model->setRoomId(Room);
    QCOMPARE(m_model->rowCount(), 0);
}

void tst_MessageModel::pendingIsConfirmedByClientId_data()
{
    QTest::addColumn<qint64>("storedId");
    QTest::addColumn<QList<qint64>>("shown");

    // The server stored it after everything known: it stays in its row.
    QTest::newRow("newest") << qint64(50) << QList<qint64>{0, 50, 20, 10};
    // Someone else's message was stored after it and came first: it moves below that one.
    QTest::newRow("before a later one") << qint64(15) << QList<qint64>{0, 20, 15, 10};
}

void tst_MessageModel::pendingIsConfirmedByClientId()
{
    QFETCH(qint64, storedId);
    QFETCH(QList<qint64>, shown);

    m_model->addMessages({message(10), message(20)});
    m_model->addPending(pending(u"a"_s));
    m_model->addPending(pending(u"b"_s));
    QCOMPARE(rows(*m_model), (QList<qint64>{0, 0, 20, 10}));
    QCOMPARE(role(*m_model, 20, MessageModel::DeliveryRole).toInt(), int(MessageModel::Sent));
    QCOMPARE(m_model->data(m_model->index(0), MessageModel::DeliveryRole).toInt(),
             int(MessageModel::Pending));
    QCOMPARE(m_model->newestId(Room), 20);

    ChatMessage stored = pending(u"a"_s);
    stored.id = storedId;
    stored.delivery = DeliveryState::Sent;
    m_model->upsert(stored);
    // A second copy of the stored message (message:new after the acknowledgement) is the same.
    m_model->upsert(stored);

    QCOMPARE(rows(*m_model), shown);
    QCOMPARE(role(*m_model, storedId, MessageModel::ClientIdRole).toString(), u"a"_s);
    QCOMPARE(role(*m_model, storedId, MessageModel::OwnRole).toBool(), true);
    QVERIFY(!m_model->findPending(Room, u"a"_s));
    QVERIFY(m_model->findPending(Room, u"b"_s));
}

void tst_MessageModel::failedAndDiscarded()
{
    m_model->addPending(pending(u"x"_s));
    QVERIFY(m_model->setDelivery(Room, u"x"_s, DeliveryState::Failed, u"too fast"_s));
    QCOMPARE(m_model->data(m_model->index(0), MessageModel::DeliveryRole).toInt(),
             int(MessageModel::Failed));
    QCOMPARE(m_model->data(m_model->index(0), MessageModel::FailureRole).toString(), u"too fast"_s);
    QVERIFY(m_model->setDelivery(Room, u"x"_s, DeliveryState::Pending));
    QCOMPARE(m_model->data(m_model->index(0), MessageModel::FailureRole).toString(), QString());
    QVERIFY(m_model->removePending(Room, u"x"_s));
    QCOMPARE(m_model->rowCount(), 0);
    QVERIFY(!m_model->removePending(Room, u"x"_s));
}

void tst_MessageModel::dayAndGroupingRoles_data()
{
    QTest::addColumn<qint64>("author");
    QTest::addColumn<qint64>("minutesLater");
    QTest::addColumn<bool>("firstOfDay");
    QTest::addColumn<bool>("continuation");

    QTest::newRow("same author, soon after") << qint64(2) << qint64(1) << false << true;
    QTest::newRow("same author, much later") << qint64(2) << qint64(30) << false << false;
    QTest::newRow("other author") << qint64(3) << qint64(1) << false << false;
    QTest::newRow("next day") << qint64(2) << qint64(24 * 60) << true << false;
}

void tst_MessageModel::dayAndGroupingRoles()
{
    QFETCH(qint64, author);
    QFETCH(qint64, minutesLater);
    QFETCH(bool, firstOfDay);
    QFETCH(bool, continuation);

    m_model->addMessages({message(1, 2, 0), message(2, author, minutesLater)});
    QCOMPARE(role(*m_model, 1, MessageModel::FirstOfDayRole).toBool(), true);
    QCOMPARE(role(*m_model, 1, MessageModel::ContinuationRole).toBool(), false);
    QCOMPARE(role(*m_model, 2, MessageModel::FirstOfDayRole).toBool(), firstOfDay);
    QCOMPARE(role(*m_model, 2, MessageModel::ContinuationRole).toBool(), continuation);
}

void tst_MessageModel::olderPageUpdatesTheOldestRow()
{
    m_model->addMessages({message(10, 2, 10), message(11, 2, 11)});
    QCOMPARE(role(*m_model, 10, MessageModel::FirstOfDayRole).toBool(), true);

    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    m_model->addMessages({message(9, 2, 9)});
    QCOMPARE(rows(*m_model), (QList<qint64>{11, 10, 9}));
    // Message 10 now has an older neighbour of the same day and author.
    QCOMPARE(role(*m_model, 10, MessageModel::FirstOfDayRole).toBool(), false);
    QCOMPARE(role(*m_model, 10, MessageModel::ContinuationRole).toBool(), true);
    bool announced = false;
    for (const QList<QVariant> &args : std::as_const(changed)) {
        const auto index = args.at(0).value<QModelIndex>();
        announced = announced
                || (index.row() == m_model->rowOf(10)
                    && args.at(2).value<QList<int>>().contains(MessageModel::FirstOfDayRole));
    }
    QVERIFY(announced);
}

void tst_MessageModel::repliesFollowTheOriginal()
{
    ChatMessage answer = message(20, 3, 5);
    answer.replyTo = 10;
    m_model->upsert(answer);
    QCOMPARE(role(*m_model, 20, MessageModel::ReplyToRole).toLongLong(), 10);
    QCOMPARE(role(*m_model, 20, MessageModel::ReplyAuthorNameRole).toString(), QString());

    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    m_model->upsert(message(10));
    QCOMPARE(role(*m_model, 20, MessageModel::ReplyAuthorNameRole).toString(), u"user2"_s);
    QCOMPARE(role(*m_model, 20, MessageModel::ReplyTextRole).toString(), u"message 10"_s);
    QVERIFY(!changed.isEmpty());

    QVERIFY(m_model->markDeleted(Room, 10));
    QCOMPARE(role(*m_model, 20, MessageModel::ReplyDeletedRole).toBool(), true);
    QCOMPARE(role(*m_model, 20, MessageModel::ReplyTextRole).toString(), QString());
}

void tst_MessageModel::deletedAndEdited()
{
    m_model->upsert(message(1, Me));
    QCOMPARE(m_model->lastEditableId(), 1);
    ChatMessage edited = message(1, Me);
    edited.text = u"better"_s;
    edited.editedAt = Noon.addSecs(30);
    m_model->upsert(edited);
    QCOMPARE(role(*m_model, 1, MessageModel::TextRole).toString(), u"better"_s);
    QCOMPARE(role(*m_model, 1, MessageModel::EditedRole).toBool(), true);

    QVERIFY(m_model->markDeleted(Room, 1));
    QCOMPARE(role(*m_model, 1, MessageModel::DeletedRole).toBool(), true);
    QCOMPARE(role(*m_model, 1, MessageModel::TextRole).toString(), QString());
    QCOMPARE(role(*m_model, 1, MessageModel::EditedRole).toBool(), false);
    QCOMPARE(m_model->lastEditableId(), 0);
    QVERIFY(!m_model->markDeleted(Room, 99));
}

void tst_MessageModel::ownRoleFollowsTheUser()
{
    m_model->addMessages({message(1, Me), message(2, 2)});
    QCOMPARE(role(*m_model, 1, MessageModel::OwnRole).toBool(), true);
    QCOMPARE(role(*m_model, 2, MessageModel::OwnRole).toBool(), false);
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    m_model->setLocalUserId(2);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(role(*m_model, 1, MessageModel::OwnRole).toBool(), false);
    QCOMPARE(role(*m_model, 2, MessageModel::OwnRole).toBool(), true);
}

void tst_MessageModel::roleNamesAreCamelCase()
{
    const QHash<int, QByteArray> names = m_model->roleNames();
    QCOMPARE(names.value(MessageModel::MessageIdRole), QByteArrayLiteral("messageId"));
    QCOMPARE(names.value(MessageModel::ReplyAuthorNameRole), QByteArrayLiteral("replyAuthorName"));
    QCOMPARE(names.value(MessageModel::FirstOfDayRole), QByteArrayLiteral("firstOfDay"));
    for (const QByteArray &name : names)
        QVERIFY2(name.at(0) >= 'a' && name.at(0) <= 'z', name.constData());
}

void tst_MessageModel::fromServer_historyPagesAndLiveMessages()
{
    apptest::TestServer server;
    QVERIFY(server.start());
    apptest::Peer peer(server.url());
    QVERIFY(peer.signIn(apptest::mintToken(200, u"Peer"_s)));
    const qint64 general = peer.join(u"general"_s);
    QVERIFY(general > 0);
    QList<qint64> sent;
    for (int i = 0; i < 120; ++i)
        sent.append(peer.say(general, u"history %1"_s.arg(i)));
    QVERIFY(!sent.contains(0));

    QTemporaryDir dir;
    AppContext context(dir.filePath(u"settings.ini"_s));
    MessageModel *model = context.community()->messages();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    context.session()->signInWithToken(server.url(), apptest::mintToken(201, u"Me"_s));
    QTRY_COMPARE(context.session()->status(), Session::Status::SignedIn);

    // The first page: the newest 50, and more to load.
    QTRY_VERIFY(model->loaded());
    QCOMPARE(model->roomId(), general);
    QCOMPARE(model->rowCount(), 50);
    QVERIFY(model->hasMore());
    QCOMPARE(model->newestId(general), sent.last());

    context.community()->loadOlder();
    QTRY_COMPARE(model->rowCount(), 100);
    QVERIFY(model->hasMore());
    context.community()->loadOlder();
    QTRY_COMPARE(model->rowCount(), 120);
    QTRY_VERIFY(!model->hasMore());
    QCOMPARE(model->oldestId(general), sent.first());

    // Newest first, each once.
    QList<qint64> shown = rows(*model);
    QList<qint64> expected(sent.crbegin(), sent.crend());
    QCOMPARE(shown, expected);

    const qint64 live = peer.say(general, u"live one"_s);
    QTRY_COMPARE(model->rowCount(), 121);
    QCOMPARE(role(*model, live, MessageModel::TextRole).toString(), u"live one"_s);
    QCOMPARE(model->data(model->index(0), MessageModel::MessageIdRole).toLongLong(), live);
}

void tst_MessageModel::fromServer_editAndDelete()
{
    apptest::TestServer server;
    QVERIFY(server.start());
    apptest::Peer peer(server.url());
    QVERIFY(peer.signIn(apptest::mintToken(300, u"Peer"_s)));
    const qint64 general = peer.join(u"general"_s);
    const qint64 first = peer.say(general, u"first"_s);

    QTemporaryDir dir;
    AppContext context(dir.filePath(u"settings.ini"_s));
    MessageModel *model = context.community()->messages();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    context.session()->signInWithToken(server.url(), apptest::mintToken(301, u"Me"_s));
    QTRY_VERIFY(model->loaded() && model->rowOf(first) >= 0);

    QVERIFY(context.community()->sendMessage(u"mine"_s, first));
    QTRY_VERIFY(model->lastEditableId() > 0);
    const qint64 mine = model->lastEditableId();
    QCOMPARE(role(*model, mine, MessageModel::ReplyTextRole).toString(), u"first"_s);

    QVERIFY(context.community()->editMessage(mine, u"mine, edited"_s));
    QTRY_COMPARE(role(*model, mine, MessageModel::TextRole).toString(), u"mine, edited"_s);
    QVERIFY(role(*model, mine, MessageModel::EditedRole).toBool());
    QVERIFY(peer.waitFor(u"message:updated"_s,
                         [&](const JsonValue &m) { return m[u"id"].toInteger() == mine; }));

    QVERIFY(peer.edit(first, u"first, edited"_s));
    QTRY_COMPARE(role(*model, mine, MessageModel::ReplyTextRole).toString(), u"first, edited"_s);
    QVERIFY(peer.remove(first));
    QTRY_VERIFY(role(*model, first, MessageModel::DeletedRole).toBool());
    QVERIFY(role(*model, mine, MessageModel::ReplyDeletedRole).toBool());

    QVERIFY(context.community()->deleteMessage(mine));
    QTRY_VERIFY(role(*model, mine, MessageModel::DeletedRole).toBool());
    QCOMPARE(model->rowCount(), 2);
}

QTEST_MAIN(tst_MessageModel)
#include "tst_messagemodel.moc"
