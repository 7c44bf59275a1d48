// SPDX-License-Identifier: MIT
// UserListModel: sorted users per room and presence changes; then the online users of a
// room on a real server as members come and go.
#include "apptestkit.h"

#include "appcontext.h"
#include "community.h"
#include "session.h"
#include "userlistmodel.h"

#include <QtCore/QTemporaryDir>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace chat;
using namespace chat::ui;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 Room = 3;

QStringList names(const UserListModel &model)
{
    QStringList list;
    for (int row = 0; row < model.rowCount(); ++row)
        list.append(model.data(model.index(row), UserListModel::NameRole).toString());
    return list;
}

ChatUser user(qint64 id, const QString &name)
{
    return {id, name, {}};
}

} // namespace

class tst_UserListModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void sortedByName_data();
    void sortedByName();
    void presence_data();
    void presence();
    void roomsAreSeparate();
    void ownRole();

    void fromServer_comingAndGoing();

private:
    std::unique_ptr<UserListModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void tst_UserListModel::init()
{
    m_model = std::make_unique<UserListModel>();
    m_tester = std::make_unique<QAbstractItemModelTester>(
            m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_model->setRoomId(Room);
}

void tst_UserListModel::cleanup()
{
    m_tester.reset();
    m_model.reset();
}

void tst_UserListModel::sortedByName_data()
{
    QTest::addColumn<QList<ChatUser>>("users");
    QTest::addColumn<QStringList>("shown");

    QTest::newRow("case-insensitive") << QList<ChatUser>{user(1, u"bao"_s), user(2, u"An"_s)}
                                      << QStringList{u"An"_s, u"bao"_s};
    QTest::newRow("duplicates once")
            << QList<ChatUser>{user(1, u"Lan"_s), user(1, u"Lan"_s)} << QStringList{u"Lan"_s};
    QTest::newRow("empty") << QList<ChatUser>{} << QStringList{};
}

void tst_UserListModel::sortedByName()
{
    QFETCH(QList<ChatUser>, users);
    QFETCH(QStringList, shown);
    m_model->setUsers(Room, users, shown.size());
    QCOMPARE(names(*m_model), shown);
    QCOMPARE(m_model->total(), int(shown.size()));
}

void tst_UserListModel::presence_data()
{
    QTest::addColumn<QList<ChatUser>>("joined");
    QTest::addColumn<QList<qint64>>("left");
    QTest::addColumn<qint64>("total");
    QTest::addColumn<QStringList>("shown");
    QTest::addColumn<qint64>("expectedTotal");

    QTest::newRow("one joins") << QList<ChatUser>{user(4, u"Binh"_s)} << QList<qint64>{}
                               << qint64(3) << QStringList{u"An"_s, u"Binh"_s, u"Chi"_s}
                               << qint64(3);
    QTest::newRow("one leaves") << QList<ChatUser>{} << QList<qint64>{1} << qint64(1)
                                << QStringList{u"Chi"_s} << qint64(1);
    QTest::newRow("renamed moves") << QList<ChatUser>{user(1, u"Zung"_s)} << QList<qint64>{}
                                   << qint64(2) << QStringList{u"Chi"_s, u"Zung"_s} << qint64(2);
    // A big room sends the count only.
    QTest::newRow("count only") << QList<ChatUser>{} << QList<qint64>{} << qint64(250)
                                << QStringList{u"An"_s, u"Chi"_s} << qint64(250);
}

void tst_UserListModel::presence()
{
    QFETCH(QList<ChatUser>, joined);
    QFETCH(QList<qint64>, left);
    QFETCH(qint64, total);
    QFETCH(QStringList, shown);
    QFETCH(qint64, expectedTotal);

    m_model->setUsers(Room, {user(1, u"An"_s), user(2, u"Chi"_s)}, 2);
    QSignalSpy totals(m_model.get(), &UserListModel::roomTotalChanged);
    m_model->applyPresence(Room, joined, left, total);
    QCOMPARE(names(*m_model), shown);
    QCOMPARE(m_model->total(), int(expectedTotal));
    QCOMPARE(totals.size(), expectedTotal == 2 ? 0 : 1);
}

void tst_UserListModel::roomsAreSeparate()
{
    m_model->setUsers(Room, {user(1, u"An"_s)}, 1);
    m_model->setUsers(Room + 1, {user(2, u"Chi"_s), user(3, u"Dung"_s)}, 2);
    QCOMPARE(names(*m_model), QStringList{u"An"_s});
    m_model->setRoomId(Room + 1);
    QCOMPARE(names(*m_model), (QStringList{u"Chi"_s, u"Dung"_s}));
    QCOMPARE(m_model->total(), 2);
    QCOMPARE(m_model->nameOf(Room, 1), u"An"_s);
    m_model->forget(Room + 1);
    QCOMPARE(m_model->rowCount(), 0);
}

void tst_UserListModel::ownRole()
{
    m_model->setUsers(Room, {user(1, u"An"_s), user(2, u"Chi"_s)}, 2);
    m_model->setLocalUserId(2);
    QCOMPARE(m_model->data(m_model->index(1), UserListModel::OwnRole).toBool(), true);
    QCOMPARE(m_model->data(m_model->index(0), UserListModel::OwnRole).toBool(), false);
}

void tst_UserListModel::fromServer_comingAndGoing()
{
    apptest::TestServer server;
    QVERIFY(server.start());

    QTemporaryDir dir;
    AppContext context(dir.filePath(u"settings.ini"_s));
    UserListModel *model = context.community()->users();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    context.session()->signInWithToken(server.url(), apptest::mintToken(500, u"Me"_s));
    QTRY_VERIFY(context.community()->currentRoomId() != 0);
    QTRY_COMPARE(names(*model), QStringList{u"Me"_s});
    QCOMPARE(model->data(model->index(0), UserListModel::OwnRole).toBool(), true);

    apptest::Peer anh(server.url());
    QVERIFY(anh.signIn(apptest::mintToken(501, u"Anh"_s)));
    QVERIFY(anh.join(u"general"_s) > 0);
    apptest::Peer zung(server.url());
    QVERIFY(zung.signIn(apptest::mintToken(502, u"Zung"_s)));
    QVERIFY(zung.join(u"general"_s) > 0);
    QTRY_COMPARE(names(*model), (QStringList{u"Anh"_s, u"Me"_s, u"Zung"_s}));
    QCOMPARE(model->total(), 3);
    QTRY_COMPARE(context.community()->rooms()->room(context.community()->currentRoomId())->online,
                 3);

    anh.close();
    QTRY_COMPARE(names(*model), (QStringList{u"Me"_s, u"Zung"_s}));
    QCOMPARE(model->total(), 2);
}

QTEST_MAIN(tst_UserListModel)
#include "tst_userlistmodel.moc"
