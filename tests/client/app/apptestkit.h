// SPDX-License-Identifier: MIT
#pragma once

#include "client/socketioclient.h"
#include "protocol/json.h"

#include <QtCore/QList>
#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QTemporaryDir>
#include <QtCore/QUrl>

#include <memory>

QT_BEGIN_NAMESPACE
class QQuickItem;
QT_END_NAMESPACE

namespace chat::app {
class Server;
}

//! Helpers of the member app's tests: the real chat server in the test process, and other
//! users ("peers") who talk to it the way the browser client does.
namespace chat::apptest {

//! The HS256 secret of the test servers: tests mint tokens with it.
QByteArray secret();

//! A token for user \a userId named \a name, valid for \a validSeconds (negative: expired).
QString mintToken(qint64 userId, const QString &name, qint64 validSeconds = 3600);

//! \brief The chat server (embedded default, standalone accounts) listening on 127.0.0.1,
//! port 0 on first start, its SQLite file in a temporary folder that outlives restarts.
class TestServer
{
public:
    TestServer();
    ~TestServer();

    //! Messages per minute and user (the protocol's default is 30).
    void setRateLimit(int perMinute) { m_rateLimit = perMinute; }
    //! Starts (again, on the same port and data after stop()); false on failure.
    bool start();
    //! Shuts the server down properly and waits until it has stopped.
    bool stop();
    bool isRunning() const { return m_server != nullptr; }
    quint16 port() const { return m_port; }
    QString url() const;

private:
    QTemporaryDir m_dir;
    std::unique_ptr<app::Server> m_server;
    quint16 m_port = 0;
    int m_rateLimit = 1000;
};

//! \brief The item named \a name under \a root (through Loaders and StackViews, whose items
//! are not QObject children of the view), or null; hidden items only if \a hiddenToo.
QQuickItem *findItem(QQuickItem *root, const QString &name, bool hiddenToo = false);

//! \brief POST /api/v1/auth/register; the token, or empty on failure.
QString registerAccount(const QString &server, const QString &username, const QString &password,
                        const QString &name);

//! \brief Another member: one Socket.IO connection that joins rooms, talks and types.
class Peer : public QObject
{
    Q_OBJECT
public:
    explicit Peer(const QString &server, QObject *parent = nullptr);
    ~Peer() override;

    SocketIoClient *io() const { return m_io; }
    //! Connects with \a token; true once the server accepted it.
    bool signIn(const QString &token);
    void close();
    //! Emits with an acknowledgement and waits for it; its first argument, or null.
    JsonValue call(const QString &event, const JsonObject &payload);
    //! room:join by slug; the room id, or 0.
    qint64 join(const QString &slug);
    //! message:send; the stored id, or 0.
    qint64 say(qint64 roomId, const QString &text, qint64 replyTo = 0);
    bool edit(qint64 messageId, const QString &text);
    bool remove(qint64 messageId);
    void startTyping(qint64 roomId);
    //! Payloads of \a event received so far.
    JsonArray received(const QString &event) const;
    //! Waits until a \a event payload satisfies \a test.
    bool waitFor(const QString &event, const std::function<bool(const JsonValue &)> &test,
                 int timeoutMs = 5000);

private:
    SocketIoClient *m_io;
    QList<std::pair<QString, JsonValue>> m_events;
};

} // namespace chat::apptest
