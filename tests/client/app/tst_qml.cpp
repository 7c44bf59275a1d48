// SPDX-License-Identifier: MIT
// Runs the QML tests of one folder (QUICK_TEST_SOURCE_DIR) against a real server in this
// process. The app's C++ side is the one chat-client runs; the tests reach the server and a
// second member through the TestBackend singleton of the module ChatTest.
#include "apptestkit.h"

#include "appcontext.h"
#include "qmlplugins.h"
#include "session.h"

#include <QtCore/QTemporaryDir>
#include <QtQml/QQmlEngine>
#include <QtQuickControls2/QQuickStyle>
#include <QtQuickTest/quicktest.h>

#include <memory>

using namespace chat;
using namespace Qt::StringLiterals;

//! What a QML test needs from outside the app: the server, tokens, accounts, another member.
class TestBackend : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString serverUrl READ serverUrl CONSTANT)

public:
    explicit TestBackend(apptest::TestServer *server, QObject *parent = nullptr)
        : QObject(parent), m_server(server)
    { }

    QString serverUrl() const { return m_server->url(); }

    //! A token for \a userId; expired when \a validSeconds is negative.
    Q_INVOKABLE QString token(int userId, const QString &name, int validSeconds = 3600) const
    {
        return apptest::mintToken(userId, name, validSeconds);
    }
    Q_INVOKABLE bool registerAccount(const QString &username, const QString &password,
                                     const QString &name) const
    {
        return !apptest::registerAccount(m_server->url(), username, password, name).isEmpty();
    }
    //! Brings the other member ("Peer") into #general; true once there.
    Q_INVOKABLE bool peerJoin() { return peer() && m_room > 0; }
    //! The other member says \a text in #general; its id.
    Q_INVOKABLE double peerSay(const QString &text) { return double(peer()->say(m_room, text)); }
    //! The other member says \a count numbered messages; true when all were stored.
    Q_INVOKABLE bool peerSayMany(int count, const QString &prefix)
    {
        for (int i = 0; i < count; ++i) {
            if (peer()->say(m_room, prefix + QString::number(i)) <= 0)
                return false;
        }
        return true;
    }
    Q_INVOKABLE void peerTyping() { peer()->startTyping(m_room); }
    //! Whether the other member received \a text from someone else.
    Q_INVOKABLE bool peerReceived(const QString &text)
    {
        const JsonArray messages = peer()->received(u"message:new"_s);
        for (const JsonValue &m : messages) {
            if (m[u"message"].toString() == text && m[u"user"][u"name"].toString() != u"Peer"_s)
                return true;
        }
        return false;
    }

private:
    apptest::Peer *peer()
    {
        if (!m_peer) {
            m_peer = std::make_unique<apptest::Peer>(m_server->url());
            m_peer->signIn(apptest::mintToken(9000, u"Peer"_s));
            m_room = m_peer->join(u"general"_s);
        }
        return m_peer.get();
    }

    apptest::TestServer *m_server;
    std::unique_ptr<apptest::Peer> m_peer;
    qint64 m_room = 0;
};

class Setup : public QObject
{
    Q_OBJECT

public Q_SLOTS:
    void applicationAvailable()
    {
        QQuickStyle::setStyle(u"Basic"_s);
        if (!m_server.start())
            qFatal("the test server did not start");
        m_context = std::make_unique<ui::AppContext>(m_dir.filePath(u"settings.ini"_s));
        m_context->preferences();
        m_backend = std::make_unique<TestBackend>(&m_server);
    }

    void qmlEngineAvailable(QQmlEngine *engine)
    {
        ui::AppContext::prepareEngine(engine);
        qmlRegisterSingletonInstance("ChatTest", 1, 0, "TestBackend", m_backend.get());
    }

    void cleanupTestCase()
    {
        m_backend.reset();
        m_context.reset();
        m_server.stop();
    }

private:
    apptest::TestServer m_server;
    QTemporaryDir m_dir;
    std::unique_ptr<ui::AppContext> m_context;
    std::unique_ptr<TestBackend> m_backend;
};

int main(int argc, char **argv)
{
    QTEST_SET_MAIN_SOURCE_PATH
    Setup setup;
    return quick_test_main_with_setup(argc, argv, CHAT_QUICK_TEST_NAME, QUICK_TEST_SOURCE_DIR,
                                      &setup);
}

#include "tst_qml.moc"
