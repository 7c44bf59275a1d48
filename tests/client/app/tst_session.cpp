// SPDX-License-Identifier: MIT
// Session: every way of signing in against a real server, the messages a user gets when it
// fails, the kept session, and the connection state through a server restart.
#include "apptestkit.h"

#include "appcontext.h"
#include "session.h"

#include <QtCore/QFile>
#include <QtCore/QSettings>
#include <QtCore/QTemporaryDir>
#include <QtHttpServer/QHttpServer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace chat;
using namespace chat::ui;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

using Error = Session::Error;
using Status = Session::Status;
using Connection = Session::Connection;

class tst_Session : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void normalizedServerUrl_data();
    void normalizedServerUrl();
    void registerThenSignIn();
    void refused_data();
    void refused();
    void keptSessionResumes();
    void expiredKeptSessionAsksToSignIn();
    void tokenFromTheSite_data();
    void tokenFromTheSite();
    void connectionThroughRestart();
    void tooManyConnections();

private:
    QString settingsFile() const { return m_dir->filePath(u"settings.ini"_s); }

    apptest::TestServer m_server;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<AppContext> m_context;
};

void tst_Session::initTestCase()
{
    QVERIFY(m_server.start());
    QVERIFY(!apptest::registerAccount(m_server.url(), u"existing"_s, u"correct horse"_s,
                                      u"Existing User"_s)
                     .isEmpty());
}

void tst_Session::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_context = std::make_unique<AppContext>(settingsFile());
    m_context->session()->setRequestTimeout(5s);
}

void tst_Session::cleanup()
{
    m_context.reset();
    m_dir.reset();
}

void tst_Session::normalizedServerUrl_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QString>("url");

    QTest::newRow("host and port") << u"127.0.0.1:3030"_s << u"http://127.0.0.1:3030"_s;
    QTest::newRow("trailing slash")
            << u"https://chat.example.org/"_s << u"https://chat.example.org"_s;
    QTest::newRow("websocket scheme")
            << u"wss://chat.example.org"_s << u"https://chat.example.org"_s;
    QTest::newRow("spaces") << u"  http://localhost:8080  "_s << u"http://localhost:8080"_s;
    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("other scheme") << u"ftp://example.org"_s << QString();
}

void tst_Session::normalizedServerUrl()
{
    QFETCH(QString, typed);
    QFETCH(QString, url);
    const QUrl normalized = Session::normalizedServerUrl(typed);
    QCOMPARE(normalized.isValid() ? normalized.toString() : QString(), url);
}

void tst_Session::registerThenSignIn()
{
    Session *session = m_context->session();
    QSignalSpy signedIn(session, &Session::signedIn);
    session->registerAccount(m_server.url(), u"newcomer"_s, u"a long secret"_s, u"Chị Mai"_s);
    QCOMPARE(session->status(), Status::SigningIn);
    QVERIFY(signedIn.wait(10000));
    QCOMPARE(session->status(), Status::SignedIn);
    QCOMPARE(session->connection(), Connection::Online);
    QCOMPARE(session->userName(), u"Chị Mai"_s);
    QVERIFY(session->userId() > 0);
    QCOMPARE(session->error(), Error::NoError);

    QSignalSpy signedOut(session, &Session::signedOut);
    session->signOut();
    QCOMPARE(signedOut.size(), 1);
    QCOMPARE(session->status(), Status::SignedOut);
    QCOMPARE(session->connection(), Connection::Offline);

    session->signIn(m_server.url(), u"newcomer"_s, u"a long secret"_s);
    QVERIFY(signedIn.wait(10000));
    QCOMPARE(session->userName(), u"Chị Mai"_s);

    // The server and the session are kept; the password never is.
    m_context->settings()->sync();
    QFile file(settingsFile());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray kept = file.readAll();
    QVERIFY(kept.contains(m_server.url().toUtf8()));
    QVERIFY(kept.contains(session->token().toUtf8()));
    QVERIFY(!kept.contains("a long secret"));
}

void tst_Session::refused_data()
{
    QTest::addColumn<QString>("how");
    QTest::addColumn<QString>("server");
    QTest::addColumn<QStringList>("input");
    QTest::addColumn<Error>("error");

    QTest::newRow("wrong password")
            << u"login"_s << QString() << QStringList{u"existing"_s, u"wrong password"_s}
            << Error::WrongPassword;
    QTest::newRow("unknown user") << u"login"_s << QString()
                                  << QStringList{u"nobody"_s, u"whatever1"_s}
                                  << Error::WrongPassword;
    QTest::newRow("empty password") << u"login"_s << QString()
                                    << QStringList{u"existing"_s, QString()} << Error::InvalidInput;
    QTest::newRow("username taken")
            << u"register"_s << QString() << QStringList{u"existing"_s, u"another secret"_s}
            << Error::UsernameTaken;
    QTest::newRow("short password") << u"register"_s << QString()
                                    << QStringList{u"shorty"_s, u"1234"_s} << Error::InvalidInput;
    QTest::newRow("bad username") << u"register"_s << QString()
                                  << QStringList{u"a b"_s, u"long enough"_s} << Error::InvalidInput;
    QTest::newRow("no server") << u"login"_s << u" "_s
                               << QStringList{u"existing"_s, u"correct horse"_s}
                               << Error::InvalidServer;
    // Nothing listens on port 1 of this machine.
    QTest::newRow("unreachable") << u"login"_s << u"http://127.0.0.1:1"_s
                                 << QStringList{u"existing"_s, u"correct horse"_s}
                                 << Error::Unreachable;
    QTest::newRow("unreachable with token")
            << u"token"_s << u"http://127.0.0.1:1"_s
            << QStringList{apptest::mintToken(42, u"Token User"_s)} << Error::Unreachable;
    QTest::newRow("expired token")
            << u"token"_s << QString() << QStringList{apptest::mintToken(42, u"Late"_s, -60)}
            << Error::TokenExpired;
    QTest::newRow("not a token") << u"token"_s << QString() << QStringList{u"hello"_s}
                                 << Error::TokenInvalid;
    QTest::newRow("foreign signature")
            << u"token"_s << QString()
            << QStringList{apptest::mintToken(42, u"Forged"_s).chopped(4) + u"AAAA"_s}
            << Error::TokenInvalid;
}

void tst_Session::refused()
{
    QFETCH(QString, how);
    QFETCH(QString, server);
    QFETCH(QStringList, input);
    QFETCH(Error, error);

    Session *session = m_context->session();
    const QString url = server.isEmpty() ? m_server.url() : server;
    if (how == u"login"_s)
        session->signIn(url, input.at(0), input.at(1));
    else if (how == u"register"_s)
        session->registerAccount(url, input.at(0), input.at(1), QString());
    else
        session->signInWithToken(url, input.at(0));

    QTRY_COMPARE_WITH_TIMEOUT(session->error(), error, 15000);
    QCOMPARE(session->status(), Status::SignedOut);
    QCOMPARE(session->connection(), Connection::Offline);
    QVERIFY(!session->errorText().isEmpty());
    if (error == Error::Unreachable)
        QVERIFY2(session->errorText().contains(u"127.0.0.1:1"_s), qPrintable(session->errorText()));
    QVERIFY(m_context->settings()->value(u"session/token"_s).toString().isEmpty());
}

void tst_Session::keptSessionResumes()
{
    const QString token = apptest::mintToken(77, u"Kept"_s);
    QSignalSpy signedIn(m_context->session(), &Session::signedIn);
    m_context->session()->signInWithToken(m_server.url(), token);
    QVERIFY(signedIn.wait(10000));
    m_context.reset();

    // The next start: no password, no token typed.
    m_context = std::make_unique<AppContext>(settingsFile());
    Session *session = m_context->session();
    QCOMPARE(session->status(), Status::SignedOut);
    QCOMPARE(session->serverUrl(), m_server.url());
    QVERIFY(session->restore());
    QCOMPARE(session->status(), Status::SignedIn);
    QCOMPARE(session->userName(), u"Kept"_s);
    QCOMPARE(session->connection(), Connection::Connecting);
    QTRY_COMPARE(session->connection(), Connection::Online);
}

void tst_Session::expiredKeptSessionAsksToSignIn()
{
    m_context.reset();
    {
        QSettings settings(settingsFile(), QSettings::IniFormat);
        settings.setValue(u"server/url"_s, m_server.url());
        settings.setValue(u"session/token"_s, apptest::mintToken(78, u"Old"_s, -10));
    }
    m_context = std::make_unique<AppContext>(settingsFile());
    QVERIFY(!m_context->session()->restore());
    QCOMPARE(m_context->session()->status(), Status::SignedOut);
    QCOMPARE(m_context->session()->error(), Error::TokenExpired);
}

void tst_Session::tokenFromTheSite_data()
{
    QTest::addColumn<QString>("cookie");
    QTest::addColumn<Error>("error");

    QTest::newRow("signed in on the site") << u"wordpress_logged_in_1=alice"_s << Error::NoError;
    QTest::newRow("not signed in") << u"other=1"_s << Error::TokenFetchFailed;
}

void tst_Session::tokenFromTheSite()
{
    QFETCH(QString, cookie);
    QFETCH(Error, error);

    // The host site's chat-token endpoint: a token for a signed-in cookie, 401 otherwise.
    QHttpServer site;
    const QString token = apptest::mintToken(90, u"Alice from the site"_s);
    site.route(u"/wp-json/kgai/v1/chat-token"_s, [token](const QHttpServerRequest &request) {
        if (!request.value(QByteArrayLiteral("cookie")).contains("wordpress_logged_in_1=alice"))
            return QHttpServerResponse(QHttpServerResponse::StatusCode::Unauthorized);
        return QHttpServerResponse(QByteArrayLiteral("application/json"),
                                   JsonValue(JsonObject{{u"token"_s, token}}).toJson());
    });
    const quint16 port = site.listen(QHostAddress::LocalHost, 0);
    QVERIFY(port != 0);

    Session *session = m_context->session();
    session->fetchToken(m_server.url(),
                        u"http://127.0.0.1:%1/wp-json/kgai/v1/chat-token"_s.arg(port), cookie);
    if (error == Error::NoError) {
        QTRY_COMPARE_WITH_TIMEOUT(session->status(), Status::SignedIn, 10000);
        QCOMPARE(session->userName(), u"Alice from the site"_s);
        QCOMPARE(session->userId(), 90);
    } else {
        QTRY_COMPARE_WITH_TIMEOUT(session->error(), error, 10000);
        QCOMPARE(session->status(), Status::SignedOut);
    }
}

void tst_Session::connectionThroughRestart()
{
    apptest::TestServer server;
    QVERIFY(server.start());
    Session *session = m_context->session();
    session->setReconnectOptions(100ms, 300ms, 0);
    session->signInWithToken(server.url(), apptest::mintToken(80, u"Restart"_s));
    QTRY_COMPARE(session->connection(), Connection::Online);

    QList<Connection> seen;
    QObject recording;
    connect(session, &Session::connectionChanged, &recording,
            [&] { seen.append(session->connection()); });
    QVERIFY(server.stop());
    QTRY_COMPARE(session->connection(), Connection::Reconnecting);
    // Still signed in: the app keeps trying and says so.
    QCOMPARE(session->status(), Status::SignedIn);
    QVERIFY(server.start());
    QTRY_COMPARE_WITH_TIMEOUT(session->connection(), Connection::Online, 10000);
    QCOMPARE(seen.first(), Connection::Reconnecting);
    QCOMPARE(seen.last(), Connection::Online);
    QVERIFY(!seen.contains(Connection::Offline));

    // "Retry now" does not wait for the next attempt.
    session->setReconnectOptions(60s, 60s, 0);
    QVERIFY(server.stop());
    QTRY_COMPARE(session->connection(), Connection::Reconnecting);
    QTRY_VERIFY(session->reconnectSeconds() > 30);
    QVERIFY(server.start());
    session->reconnectNow();
    QTRY_COMPARE_WITH_TIMEOUT(session->connection(), Connection::Online, 5000);
    QCOMPARE(session->reconnectSeconds(), 0);
}

void tst_Session::tooManyConnections()
{
    const QString token = apptest::mintToken(81, u"Busy"_s);
    QList<std::shared_ptr<apptest::Peer>> others;
    for (int i = 0; i < 3; ++i) {
        others.append(std::make_shared<apptest::Peer>(m_server.url()));
        QVERIFY(others.last()->signIn(token));
    }
    m_context->session()->signInWithToken(m_server.url(), token);
    QTRY_COMPARE(m_context->session()->error(), Error::TooManyConnections);
    QCOMPARE(m_context->session()->status(), Status::SignedOut);
}

QTEST_MAIN(tst_Session)
#include "tst_session.moc"
