// SPDX-License-Identifier: MIT
// Starts the app (the same AppContext and Main.qml as chat-client) offscreen against a real
// server with a seeded conversation, and saves the wide and the narrow layout in both themes.
#include "apptestkit.h"

#include "appcontext.h"
#include "community.h"
#include "preferences.h"
#include "qmlplugins.h"
#include "session.h"

#include <QtCore/QDir>
#include <QtCore/QSet>
#include <QtCore/QTemporaryDir>
#include <QtGui/QImage>
#include <QtQml/QQmlApplicationEngine>
#include <QtQuick/QQuickItem>
#include <QtQuick/QQuickWindow>
#include <QtQuickControls2/QQuickStyle>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace chat;
using namespace chat::ui;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 OwnId = 101;

//! Distinct colours of \a image, counted on a grid (a blank or failed render has one or two).
int distinctColours(const QImage &image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3) {
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    }
    return int(colours.size());
}

} // namespace

class tst_Screenshots : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void layouts_data();
    void layouts();
    void reconnecting_data();
    void reconnecting();
    void settings_data();
    void settings();
    void signIn_data();
    void signIn();

private:
    QQuickWindow *window() const;
    QQuickItem *find(const QString &name) const;
    bool rendered();
    //! Saves the window as <tag>.png under the build folder, after checking it is a picture.
    void save();
    void setTheme(bool dark);

    apptest::TestServer m_server;
    QTemporaryDir m_settingsDir;
    std::unique_ptr<AppContext> m_context;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QList<apptest::Peer *> m_peers;
    qint64 m_general = 0;
};

void tst_Screenshots::initTestCase()
{
    QQuickStyle::setStyle(u"Basic"_s);
    QVERIFY(m_server.start());
    const QString url = m_server.url();

    // Five members; the one at index 0 is the app's user, who also wrote before today's start.
    const QList<std::pair<qint64, QString>> people = {
            {OwnId, u"Lan Phạm"_s}, {102, u"Minh Anh"_s},  {103, u"Tuấn Trần"_s},
            {104, u"Hoa Lê"_s},     {105, u"Quang Huy"_s},
    };
    for (const auto &[id, name] : people) {
        auto *peer = new apptest::Peer(url, this);
        QVERIFY(peer->signIn(apptest::mintToken(id, name)));
        m_general = peer->join(u"general"_s);
        QVERIFY(m_general > 0);
        m_peers.append(peer);
    }
    apptest::Peer *lan = m_peers.at(0), *minhAnh = m_peers.at(1), *tuan = m_peers.at(2),
                  *hoa = m_peers.at(3), *huy = m_peers.at(4);
    const qint64 help = lan->join(u"help"_s);
    const qint64 aiTools = lan->join(u"ai-tools"_s);

    QVERIFY(minhAnh->say(m_general,
                         u"Chào cả nhà! Hôm nay mình vừa thử n8n để tự gửi báo cáo "
                         "hằng tuần, tiện thật sự."_s));
    const qint64 question = tuan->say(
            m_general, u"Hay quá! Bạn lấy dữ liệu từ Google Sheets bằng node nào vậy?"_s);
    QVERIFY(question > 0);
    QVERIFY(minhAnh->say(m_general,
                         u"Node Google Sheets có sẵn luôn, hướng dẫn ở đây: "
                         "https://docs.n8n.io/integrations/builtin/app-nodes/"
                         "n8n-nodes-base.googlesheets/"_s));
    const qint64 gone = hoa->say(m_general, u"Có ai có tài khoản thử nghiệm không?"_s);
    QVERIFY(hoa->remove(gone));
    QVERIFY(huy->say(m_general,
                     u"Mình hay dùng HTTP Request rồi tự map cột, linh hoạt hơn một chút."_s,
                     question));
    QVERIFY(lan->say(m_general, u"Cảm ơn mọi người, tối nay mình thử ngay."_s));
    const qint64 review = lan->say(m_general,
                                   u"Có ai rảnh xem giúp mình mẫu landing page không? Mình để ở "
                                   "www.example.com/landing nhé"_s);
    QVERIFY(lan->edit(review,
                      u"Có ai rảnh xem giúp mình mẫu landing page không? Mình để ở "
                      "www.example.com/landing — góp ý thẳng tay nhé!"_s));
    const qint64 offer = tuan->say(m_general, u"Để mình xem cho, 10 phút nữa nhé!"_s);
    QVERIFY(lan->say(m_general, u"Tuyệt, cảm ơn bạn nhiều!\nMình sẽ sửa theo góp ý."_s, offer));
    QCOMPARE(minhAnh->join(u"help"_s), help);
    for (int i = 0; i < 2; ++i)
        QVERIFY(minhAnh->say(help, u"Câu hỏi số %1 về cài đặt"_s.arg(i + 1)));
    QCOMPARE(tuan->join(u"ai-tools"_s), aiTools);
    for (int i = 0; i < 5; ++i)
        QVERIFY(tuan->say(aiTools, u"Mẹo dùng AI số %1"_s.arg(i + 1)));
    // The app's user goes offline here; the app signs in with a token of its own.
    lan->close();
    huy->close();

    QVERIFY(m_settingsDir.isValid());
    m_context = std::make_unique<AppContext>(m_settingsDir.filePath(u"settings.ini"_s));
    m_context->preferences()->setLanguage(u"vi"_s);
    QSignalSpy signedIn(m_context->session(), &Session::signedIn);
    m_context->session()->signInWithToken(url, apptest::mintToken(OwnId, u"Lan Phạm"_s));
    QVERIFY(signedIn.wait(10000));

    m_engine = std::make_unique<QQmlApplicationEngine>();
    AppContext::prepareEngine(m_engine.get());
    m_engine->load(QUrl(AppContext::mainQml()));
    QVERIFY(window());
    MessageModel *messages = m_context->community()->messages();
    QTRY_VERIFY_WITH_TIMEOUT(messages->loaded() && messages->count() >= 8, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(m_context->community()->users()->count() >= 4, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(m_context->community()->rooms()->otherUnread() >= 7, 10000);
}

void tst_Screenshots::cleanupTestCase()
{
    m_engine.reset();
    m_context.reset();
    qDeleteAll(m_peers);
    m_peers.clear();
}

QQuickWindow *tst_Screenshots::window() const
{
    const QList<QObject *> roots = m_engine->rootObjects();
    return roots.isEmpty() ? nullptr : qobject_cast<QQuickWindow *>(roots.first());
}

QQuickItem *tst_Screenshots::find(const QString &name) const
{
    return apptest::findItem(window()->contentItem(), name);
}

bool tst_Screenshots::rendered()
{
    QSignalSpy swapped(window(), &QQuickWindow::frameSwapped);
    window()->contentItem()->update();
    return swapped.wait(5000);
}

void tst_Screenshots::setTheme(bool dark)
{
    m_context->preferences()->setTheme(dark ? Preferences::Theme::Dark : Preferences::Theme::Light);
}

void tst_Screenshots::save()
{
    // A toast that fades in or out would be caught half drawn.
    if (QQuickItem *toast = apptest::findItem(window()->contentItem(), u"toast"_s, true)) {
        const bool shown = !toast->property("message").toString().isEmpty();
        QTRY_COMPARE(toast->opacity(), shown ? 1.0 : 0.0);
    }
    QVERIFY(rendered());
    QQuickWindow *win = window();
    const QImage image = win->grabWindow();
    QCOMPARE(image.size(), win->size() * win->devicePixelRatio());
    const int colours = distinctColours(image);
    QVERIFY2(colours > 200, qPrintable(u"only %1 colours: a blank picture?"_s.arg(colours)));

    const QString dir = QStringLiteral(CHAT_SCREENSHOT_DIR);
    QVERIFY(QDir().mkpath(dir));
    const QString file = dir + u'/' + QString::fromLatin1(QTest::currentDataTag()) + u".png"_s;
    QVERIFY2(image.save(file), qPrintable(file));
    qInfo("saved %s", qPrintable(file));
}

void tst_Screenshots::layouts_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<bool>("dark");
    QTest::addColumn<QString>("language");

    QTest::newRow("wide-light") << QSize(1280, 800) << false << u"vi"_s;
    QTest::newRow("wide-dark") << QSize(1280, 800) << true << u"vi"_s;
    QTest::newRow("narrow-light") << QSize(390, 780) << false << u"vi"_s;
    QTest::newRow("narrow-dark") << QSize(390, 780) << true << u"vi"_s;
    QTest::newRow("wide-light-en") << QSize(1280, 800) << false << u"en"_s;
}

void tst_Screenshots::layouts()
{
    QFETCH(QSize, size);
    QFETCH(bool, dark);
    QFETCH(QString, language);

    setTheme(dark);
    m_context->preferences()->setLanguage(language);
    QQuickWindow *win = window();
    win->resize(size);
    QTRY_COMPARE(win->size(), size);

    if (size.width() < 680) {
        QTRY_VERIFY(find(u"stack"_s));
        QVERIFY(QMetaObject::invokeMethod(find(u"communityPage"_s), "showRoom"));
        QTRY_VERIFY(m_context->community()->roomVisible());
        QTRY_VERIFY(!find(u"stack"_s)->property("busy").toBool());
    }
    QTRY_VERIFY(find(u"messageList"_s));

    // Someone is typing while the picture is taken.
    m_peers.at(2)->startTyping(m_general);
    QTRY_VERIFY_WITH_TIMEOUT(!m_context->community()->typingNames().isEmpty(), 5000);
    save();
    if (QTest::currentTestFailed())
        return;

    // The next shot starts from the room list again.
    if (size.width() < 680) {
        QVERIFY(QMetaObject::invokeMethod(find(u"communityPage"_s), "showRooms"));
        QTRY_VERIFY(!m_context->community()->roomVisible());
        QTRY_VERIFY(!find(u"stack"_s)->property("busy").toBool());
    }
}

void tst_Screenshots::reconnecting_data()
{
    QTest::addColumn<bool>("dark");
    QTest::newRow("reconnecting-light") << false;
}

void tst_Screenshots::reconnecting()
{
    QFETCH(bool, dark);
    setTheme(dark);
    m_context->preferences()->setLanguage(u"vi"_s);
    window()->resize(1280, 800);
    Session *session = m_context->session();
    session->setReconnectOptions(std::chrono::seconds(30), std::chrono::seconds(30), 0);
    QVERIFY(m_server.stop());
    QTRY_COMPARE(session->connection(), Session::Connection::Reconnecting);
    QVERIFY(m_context->community()->sendMessage(u"Mình gửi lúc mất mạng, có lên không?"_s));
    QTRY_VERIFY(session->reconnectSeconds() > 0);
    save();
    QVERIFY(m_server.start());
    session->reconnectNow();
    QTRY_COMPARE_WITH_TIMEOUT(m_context->community()->pendingCount(), 0, 10000);
}

void tst_Screenshots::settings_data()
{
    QTest::addColumn<bool>("dark");
    QTest::newRow("settings-dark") << true;
}

void tst_Screenshots::settings()
{
    QFETCH(bool, dark);
    setTheme(dark);
    window()->resize(1280, 800);
    QVERIFY(QMetaObject::invokeMethod(find(u"settingsButton"_s), "clicked"));
    QTRY_VERIFY(apptest::findItem(window()->contentItem(), u"signOutButton"_s));
    // The dialog fades in.
    QTRY_VERIFY(find(u"signOutButton"_s)->opacity() == 1.0);
    save();
    QVERIFY(QMetaObject::invokeMethod(find(u"closeSettings"_s), "clicked"));
}

void tst_Screenshots::signIn_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<bool>("dark");

    QTest::newRow("signin-light") << QSize(1280, 800) << false;
    QTest::newRow("signin-narrow-dark") << QSize(390, 780) << true;
}

void tst_Screenshots::signIn()
{
    QFETCH(QSize, size);
    QFETCH(bool, dark);
    setTheme(dark);
    m_context->preferences()->setLanguage(u"vi"_s);
    window()->resize(size);
    QTRY_COMPARE(window()->size(), size);
    m_context->session()->signOut();
    // A failed attempt shows how errors look.
    m_context->session()->signIn(m_server.url(), u"lan"_s, u"wrong password"_s);
    QTRY_COMPARE_WITH_TIMEOUT(m_context->session()->error(), Session::Error::WrongPassword, 10000);
    QTRY_VERIFY(find(u"signInError"_s));
    save();
}

QTEST_MAIN(tst_Screenshots)
#include "tst_screenshots.moc"
