// SPDX-License-Identifier: MIT
// Community against a real server: chatting with a browser user, catching up after a server
// restart without loss or duplicates, the outbox, and the errors a user is shown.
#include "apptestkit.h"

#include "appcontext.h"
#include "community.h"
#include "messagemodel.h"
#include "session.h"

#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace chat;
using namespace chat::ui;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

using ErrorKind = Community::ErrorKind;

Q_DECLARE_METATYPE(chat::ui::Community::ErrorKind)

namespace {

constexpr qint64 AppUser = 601;
constexpr qint64 BrowserUser = 600;

//! The texts of \a messages (message objects), oldest first.
QStringList textsOf(const JsonArray &messages)
{
    QStringList texts;
    for (const JsonValue &m : messages)
        texts.append(m[u"message"].toString());
    return texts;
}

QList<qint64> idsOf(const JsonArray &messages)
{
    QList<qint64> ids;
    for (const JsonValue &m : messages)
        ids.append(m[u"id"].toInteger());
    return ids;
}

} // namespace

class tst_Community : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void chatsWithABrowserUser();
    void hearsSomeoneWhoJoinsLater();
    void catchesUpAfterServerRestart();
    void messageLength_data();
    void messageLength();
    void rateLimitedMessageCanBeRetriedOrDiscarded();
    void editingNeedsTheConnection();

private:
    //! Starts the app signed in as AppUser with #general open, and a browser user there.
    bool startApp(int rateLimit = 1000);
    JsonArray serverHistory();
    QList<qint64> appStoredIds() const;

    std::unique_ptr<apptest::TestServer> m_server;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<AppContext> m_context;
    std::unique_ptr<apptest::Peer> m_browser;
    qint64 m_general = 0;
};

void tst_Community::init()
{
    qRegisterMetaType<ErrorKind>();
    m_server = std::make_unique<apptest::TestServer>();
    m_dir = std::make_unique<QTemporaryDir>();
}

void tst_Community::cleanup()
{
    m_context.reset();
    m_browser.reset();
    m_server.reset();
    m_dir.reset();
}

bool tst_Community::startApp(int rateLimit)
{
    m_server->setRateLimit(rateLimit);
    if (!m_server->start())
        return false;
    m_browser = std::make_unique<apptest::Peer>(m_server->url());
    if (!m_browser->signIn(apptest::mintToken(BrowserUser, u"Browser"_s)))
        return false;
    m_general = m_browser->join(u"general"_s);

    m_context = std::make_unique<AppContext>(m_dir->filePath(u"settings.ini"_s));
    m_context->session()->signInWithToken(m_server->url(),
                                          apptest::mintToken(AppUser, u"App User"_s));
    return QTest::qWaitFor(
            [this] {
                return m_context->community()->currentRoomId() == m_general
                        && m_context->community()->isJoined(m_general);
            },
            10000);
}

JsonArray tst_Community::serverHistory()
{
    apptest::Peer reader(m_server->url());
    if (!reader.signIn(apptest::mintToken(BrowserUser + 100, u"Reader"_s)))
        return {};
    reader.join(u"general"_s);
    return reader
            .call(u"message:history"_s, {{u"roomId"_s, m_general}, {u"limit"_s, 100}})[u"messages"]
            .toArray();
}

QList<qint64> tst_Community::appStoredIds() const
{
    QList<qint64> ids;
    const QList<ChatMessage> timeline = m_context->community()->messages()->timeline(m_general);
    for (const ChatMessage &message : timeline) {
        if (message.id > 0)
            ids.append(message.id);
    }
    return ids;
}

void tst_Community::chatsWithABrowserUser()
{
    QVERIFY(startApp());
    Community *community = m_context->community();
    MessageModel *messages = community->messages();

    QVERIFY(community->sendMessage(u"Xin chào từ ứng dụng!"_s));
    QVERIFY(m_browser->waitFor(u"message:new"_s, [](const JsonValue &m) {
        return m[u"message"].toString() == u"Xin chào từ ứng dụng!"_s
                && m[u"user"][u"id"].toInteger() == AppUser && !m[u"clientId"].toString().isEmpty();
    }));

    const qint64 answer = m_browser->say(m_general, u"Chào bạn, mình ở trình duyệt."_s);
    QTRY_VERIFY(messages->find(m_general, answer));
    QCOMPARE(messages->find(m_general, answer)->author.name, u"Browser"_s);

    // Typing, both ways.
    community->composing();
    QVERIFY(m_browser->waitFor(u"typing:show"_s, [](const JsonValue &t) {
        return t[u"user"][u"id"].toInteger() == AppUser;
    }));
    community->stopComposing();
    QVERIFY(m_browser->waitFor(u"typing:hide"_s, [](const JsonValue &t) {
        return t[u"user"][u"id"].toInteger() == AppUser;
    }));
    QSignalSpy typing(community, &Community::typingChanged);
    m_browser->startTyping(m_general);
    QTRY_COMPARE(community->typingNames(), QStringList{u"Browser"_s});
    // A message from someone ends their "is typing".
    QVERIFY(m_browser->say(m_general, u"xong"_s) > 0);
    QTRY_VERIFY(community->typingNames().isEmpty());
    QVERIFY(typing.size() >= 2);
}

void tst_Community::hearsSomeoneWhoJoinsLater()
{
    QVERIFY(startApp());
    Community *community = m_context->community();
    QVERIFY(community->sendMessage(u"anyone here?"_s));
    QTRY_VERIFY(community->messages()->lastEditableId() > 0);

    apptest::Peer later(m_server->url());
    QVERIFY(later.signIn(apptest::mintToken(BrowserUser + 1, u"Later"_s)));
    QCOMPARE(later.join(u"general"_s), m_general);
    const qint64 id = later.say(m_general, u"I am!"_s);
    QVERIFY(id > 0);
    QTRY_VERIFY(community->messages()->find(m_general, id));
    QVERIFY(later.waitFor(u"message:new"_s,
                          [&](const JsonValue &m) { return m[u"id"].toInteger() == id; }));
}

void tst_Community::catchesUpAfterServerRestart()
{
    QVERIFY(startApp());
    Session *session = m_context->session();
    Community *community = m_context->community();
    // Fixed delays: the test restarts the server inside one of them.
    session->setReconnectOptions(4000ms, 4000ms, 0);

    for (int i = 0; i < 3; ++i)
        QVERIFY(m_browser->say(m_general, u"before %1"_s.arg(i)) > 0);
    QTRY_COMPARE(appStoredIds().size(), 3);

    QSignalSpy errors(community, &Community::errorOccurred);
    QSignalSpy scheduled(session->client(), &SocketIoClient::reconnectScheduled);
    // Sent as the server goes: stored or not, it must end up stored once.
    QVERIFY(community->sendMessage(u"sent as the server stopped"_s));
    QVERIFY(m_server->stop());
    m_browser.reset();
    QTRY_COMPARE(session->connection(), Session::Connection::Reconnecting);
    QCOMPARE(session->status(), Session::Status::SignedIn);

    QVERIFY(community->sendMessage(u"typed offline 1"_s));
    QVERIFY(community->sendMessage(u"typed offline 2"_s));
    QVERIFY(community->pendingCount() >= 2);
    QTRY_VERIFY(!errors.isEmpty());
    QCOMPARE(errors.last().at(0).value<ErrorKind>(), ErrorKind::Offline);
    for (const ChatMessage &m : community->messages()->timeline(m_general)) {
        if (m.text.startsWith(u"typed offline"_s))
            QCOMPARE(m.delivery, DeliveryState::Pending);
    }

    // Right after an attempt failed, the next one is 4 s away: the server comes back and the
    // browser user talks before the app reconnects.
    scheduled.clear();
    QVERIFY(scheduled.wait(10000));
    QVERIFY(m_server->start());
    apptest::Peer browser(m_server->url());
    QVERIFY(browser.signIn(apptest::mintToken(BrowserUser, u"Browser"_s)));
    QCOMPARE(browser.join(u"general"_s), m_general);
    QList<qint64> meanwhile;
    for (int i = 0; i < 3; ++i)
        meanwhile.append(browser.say(m_general, u"sent meanwhile %1"_s.arg(i)));
    QVERIFY(!meanwhile.contains(0));
    QVERIFY2(session->connection() != Session::Connection::Online,
             "the app reconnected before the messages were sent meanwhile");

    QTRY_COMPARE_WITH_TIMEOUT(session->connection(), Session::Connection::Online, 15000);
    QTRY_COMPARE_WITH_TIMEOUT(community->pendingCount(), 0, 10000);
    QVERIFY(browser.waitFor(u"message:new"_s, [](const JsonValue &m) {
        return m[u"message"].toString() == u"typed offline 2"_s;
    }));

    // Everything the server has, each once, and nothing else.
    const JsonArray history = serverHistory();
    QTRY_COMPARE(appStoredIds(), idsOf(history));
    const QStringList texts = textsOf(history);
    for (const QString &text :
         {u"sent as the server stopped"_s, u"typed offline 1"_s, u"typed offline 2"_s,
          u"sent meanwhile 0"_s, u"sent meanwhile 2"_s}) {
        QCOMPARE(texts.count(text), 1);
    }
    QVERIFY(texts.indexOf(u"typed offline 1"_s) < texts.indexOf(u"typed offline 2"_s));
    for (const ChatMessage &m : community->messages()->timeline(m_general)) {
        QVERIFY(m.id > 0);
        QCOMPARE(m.delivery, DeliveryState::Sent);
    }
    QCOMPARE(community->messages()->rowCount(), int(history.size()));
}

void tst_Community::messageLength_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("accepted");
    QTest::addColumn<int>("remaining");

    QTest::newRow("at the limit") << QString(2000, u'b') << true << 0;
    QTest::newRow("at the limit, padded") << u"  "_s + QString(2000, u'c') + u"\n"_s << true << 0;
    QTest::newRow("one over") << QString(2001, u'd') << false << -1;
    QTest::newRow("blank") << u" \n "_s << false << 2000;
}

void tst_Community::messageLength()
{
    QFETCH(QString, text);
    QFETCH(bool, accepted);
    QFETCH(int, remaining);

    QVERIFY(startApp());
    Community *community = m_context->community();
    QCOMPARE(community->remaining(text), remaining);
    QSignalSpy errors(community, &Community::errorOccurred);
    QCOMPARE(community->sendMessage(text), accepted);
    if (accepted) {
        QVERIFY(m_browser->waitFor(u"message:new"_s, [&](const JsonValue &m) {
            return m[u"message"].toString() == text.trimmed();
        }));
        QCOMPARE(errors.size(), 0);
    } else {
        QCOMPARE(community->pendingCount(), 0);
        QCOMPARE(community->messages()->rowCount(), 0);
        QCOMPARE(errors.size(), text.trimmed().isEmpty() ? 0 : 1);
        if (!errors.isEmpty())
            QCOMPARE(errors.first().at(0).value<ErrorKind>(), ErrorKind::TooLong);
    }
}

void tst_Community::rateLimitedMessageCanBeRetriedOrDiscarded()
{
    QVERIFY(startApp(2));
    Community *community = m_context->community();
    MessageModel *messages = community->messages();
    QSignalSpy errors(community, &Community::errorOccurred);

    for (int i = 0; i < 3; ++i)
        QVERIFY(community->sendMessage(u"quick %1"_s.arg(i)));
    QTRY_COMPARE(community->pendingCount(), 0);
    QTRY_COMPARE(errors.size(), 1);
    QCOMPARE(errors.first().at(0).value<ErrorKind>(), ErrorKind::RateLimited);
    QVERIFY(!errors.first().at(1).toString().isEmpty());

    // The refused one stays, marked, with its reason; the others were stored.
    QCOMPARE(messages->rowCount(), 3);
    QCOMPARE(messages->data(messages->index(0), MessageModel::DeliveryRole).toInt(),
             int(MessageModel::Failed));
    QCOMPARE(messages->data(messages->index(0), MessageModel::TextRole).toString(), u"quick 2"_s);
    QCOMPARE(messages->data(messages->index(0), MessageModel::FailureRole).toString(),
             errors.first().at(1).toString());
    const QString clientId
            = messages->data(messages->index(0), MessageModel::ClientIdRole).toString();

    // Retrying inside the same minute is refused again, and said so again.
    community->retryMessage(clientId);
    QCOMPARE(messages->data(messages->index(0), MessageModel::DeliveryRole).toInt(),
             int(MessageModel::Pending));
    QTRY_COMPARE(errors.size(), 2);
    QTRY_COMPARE(messages->data(messages->index(0), MessageModel::DeliveryRole).toInt(),
                 int(MessageModel::Failed));

    community->discardMessage(clientId);
    QCOMPARE(messages->rowCount(), 2);
    QCOMPARE(textsOf(serverHistory()), (QStringList{u"quick 0"_s, u"quick 1"_s}));
}

void tst_Community::editingNeedsTheConnection()
{
    QVERIFY(startApp());
    Community *community = m_context->community();
    QVERIFY(community->sendMessage(u"to be edited"_s));
    QTRY_VERIFY(community->messages()->lastEditableId() > 0);
    const qint64 id = community->messages()->lastEditableId();

    QSignalSpy errors(community, &Community::errorOccurred);
    QVERIFY(m_server->stop());
    QTRY_VERIFY(m_context->session()->connection() != Session::Connection::Online);
    QVERIFY(!community->editMessage(id, u"edited offline"_s));
    QVERIFY(!community->deleteMessage(id));
    QCOMPARE(errors.size(), 2);
    QCOMPARE(errors.at(0).at(0).value<ErrorKind>(), ErrorKind::Offline);
    QCOMPARE(errors.at(1).at(0).value<ErrorKind>(), ErrorKind::Offline);
    QCOMPARE(community->messageText(id), u"to be edited"_s);
}

QTEST_MAIN(tst_Community)
#include "tst_community.moc"
