// SPDX-License-Identifier: MIT
#pragma once

#include "auth/identity.h"
#include "client/socketioclient.h"
#include "protocol/json.h"
#include "serverconfig.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QHash>
#include <QtCore/QList>
#include <QtCore/QObject>
#include <QtCore/QTemporaryDir>
#include <QtCore/QUrl>

#include <initializer_list>
#include <memory>
#include <vector>

namespace chat::app {
class Server;
}

//! Helpers shared by the community chat tests: a real server on port 0 with its SQLite file in
//! a temporary folder, tokens signed with its secret, and a client that records what it gets.
namespace chat::test {

//! Fails the test unless the acknowledgement of \a expr is {"ok":true,...}.
#define CHAT_VERIFY_OK(expr) \
    do { \
        const ::chat::JsonValue ack_ = (expr); \
        QVERIFY2(::chat::test::isOk(ack_), \
                 QByteArray(QByteArray(#expr " answered ") + ::chat::test::dump(ack_)) \
                         .constData()); \
    } while (false)

//! Fails the test unless the acknowledgement of \a expr refuses with the error \a code.
#define CHAT_VERIFY_REFUSED(expr, code) \
    do { \
        const ::chat::JsonValue ack_ = (expr); \
        QVERIFY2(!::chat::test::isOk(ack_) && ::chat::test::errorCode(ack_) == (code), \
                 QByteArray(QByteArray(#expr " answered ") + ::chat::test::dump(ack_)) \
                         .constData()); \
    } while (false)

//! The HS256 secret of every in-process test server.
QByteArray testSecret();

//! Parses JSON written in a test; a string "<invalid test JSON: ...>" when it is not JSON, so
//! that a typo shows up in the failure instead of passing as null.
JsonValue json(QByteArrayView text);
//! Compact JSON for failure messages.
QByteArray dump(const JsonValue &value);

//! \brief Who a test token speaks for.
struct TestUser
{
    qint64 id = 0;
    QString name;
    QString avatar;
    auth::Role role = auth::Role::Member;
};

//! An HS256 token for \a user, valid for an hour.
QByteArray mintToken(const TestUser &user, QByteArrayView secret = testSecret());
//! A member token with the name "user<id>" and an avatar URL.
QByteArray memberToken(qint64 userId);

//! \brief The chat server in this process: listening on 127.0.0.1 port 0, its database a
//! SQLite file in a fresh temporary folder.
class ChatServerFixture
{
public:
    //! The configuration used unless a test changes it before start(): embedded mode,
    //! testSecret(), the protocol's default limits.
    ChatServerFixture();
    ~ChatServerFixture();

    app::ServerConfig &config() { return m_config; }
    bool start(QString *error);
    //! Shuts down properly and waits for stopped(); false when it did not come.
    bool stop();

    app::Server *server() const { return m_server.get(); }
    //! The signed-in connections, as /metrics counts them (-1 when it does not answer): tells
    //! when the server has handled a disconnect.
    int connectionCount() const;
    QUrl url() const;
    QString dataDir() const { return m_dir.path(); }

private:
    QTemporaryDir m_dir;
    app::ServerConfig m_config;
    std::unique_ptr<app::Server> m_server;
};

//! \brief An acknowledgement that may still be on its way (see ChatClient::start()).
struct PendingAck
{
    bool done = false;
    //! The acknowledgement's first argument; null when it timed out.
    JsonValue value;
};
using PendingAckPtr = std::shared_ptr<PendingAck>;

//! Waits until every one of \a acks is done; false on timeout.
bool waitAll(const QList<PendingAckPtr> &acks, int timeoutMs = 5000);

//! \brief One event as a ChatClient received it.
struct Received
{
    QString event;
    JsonArray args;
    //! Milliseconds since the client was created.
    qint64 atMs = 0;

    JsonValue payload() const { return args.value(0); }
};

//! \brief A C++ Socket.IO client on "/" that records every event it receives and offers
//! blocking calls (the event loop keeps running while they wait).
class ChatClient : public QObject
{
    Q_OBJECT
public:
    //! No automatic reconnection: a test sees exactly the connections it makes.
    explicit ChatClient(const QUrl &server, QObject *parent = nullptr);
    explicit ChatClient(const SocketIoOptions &options, QObject *parent = nullptr);
    ~ChatClient() override;

    static SocketIoOptions optionsFor(const QUrl &server);

    SocketIoClient *io() const { return m_io; }
    bool isConnected() const { return m_io->isConnected(); }

    //! Connects with the auth payload \a auth (null for none); true once connected.
    bool connectWith(const JsonValue &auth, int timeoutMs = 5000);
    //! Connects with the auth payload {"token": token}.
    bool signIn(const QByteArray &token, int timeoutMs = 5000);
    //! The CONNECT_ERROR data of the last refusal (null when none came).
    JsonValue lastRefusal() const { return m_refusal; }
    //! Connects with \a auth and waits for the refusal; its data, or null when the server
    //! accepted the connection or did not answer.
    JsonValue refusalFor(const JsonValue &auth, int timeoutMs = 5000);
    void close();

    //! Emits \a event with \a args and an acknowledgement, without waiting for it: several
    //! requests on several connections can then travel at the same time.
    PendingAckPtr start(const QString &event, const JsonArray &args, int timeoutMs = 5000);
    //! Emits \a event with \a args and an acknowledgement; the acknowledgement's first
    //! argument, or null when none came within \a timeoutMs.
    JsonValue call(const QString &event, const JsonArray &args, int timeoutMs = 5000);
    JsonValue call(const QString &event, const JsonValue &payload, int timeoutMs = 5000)
    {
        return call(event, JsonArray{payload}, timeoutMs);
    }
    //! Emits without asking for an acknowledgement.
    void send(const QString &event, const JsonArray &args);
    void send(const QString &event, const JsonValue &payload) { send(event, JsonArray{payload}); }

    //! A round trip on this connection: once it returns true, every event the server wrote to
    //! this connection before it handled the round trip has been received.
    bool sync(int timeoutMs = 5000);

    //! room:join by slug; the acknowledgement.
    JsonValue join(const QString &slug);
    //! message:send {roomId, message, type: "text"}; the acknowledgement.
    JsonValue say(qint64 roomId, const QString &text);
    //! message:send of every text at once, without waiting for each answer; the ids in the
    //! same order (0 for a refused one), or an empty list when the answers did not all come.
    QList<qint64> sayAll(qint64 roomId, const QStringList &texts, int timeoutMs = 20000);
    //! message:history {roomId, limit: 100}: every message of a small room, oldest first.
    JsonArray history(qint64 roomId, int limit = 100);
    //! The id of a community room from room:list; 0 when not found.
    qint64 roomId(const QString &slug);

    const QList<Received> &received() const { return m_received; }
    QList<Received> received(const QString &event) const;
    //! The first argument of each \a event, in arrival order.
    JsonArray payloads(const QString &event) const;
    qsizetype count(const QString &event) const { return m_counts.value(event); }
    //! Waits until at least \a n \a event have arrived.
    bool waitFor(const QString &event, qsizetype n = 1, int timeoutMs = 5000);
    //! Forgets what was received so far.
    void clear();

private:
    void onEvent(const QString &nsp, const QString &event, const JsonArray &args, qint64 ackId);

    SocketIoClient *m_io;
    QElapsedTimer m_clock;
    QList<Received> m_received;
    QHash<QString, qsizetype> m_counts;
    JsonValue m_refusal;
    bool m_refused = false;
};

//! The user object that memberToken(\a userId) signs in as.
JsonValue memberObject(qint64 userId);
//! {"roomId": roomId, ...extra}
JsonValue roomPayload(qint64 roomId, const JsonObject &extra = {});
//! The keys of an object, sorted.
QStringList sortedKeys(const JsonValue &object);
//! The user ids of the "joined" lists (user objects) or of the "left" lists (ids) of
//! room:presence payloads, in order.
QList<qint64> presenceIds(const JsonArray &payloads, const QString &list);
//! True when \a text is an ISO-8601 UTC time with milliseconds (2026-11-22T08:00:00.123Z).
bool isProtocolTime(const JsonValue &text);
//! The "ok" of an acknowledgement is true.
bool isOk(const JsonValue &ack);
//! The error code of a refused acknowledgement ({"ok":false,"error":{"code",...}}).
QString errorCode(const JsonValue &ack);
//! The ids of a list of message objects.
QList<qint64> idsOf(const JsonArray &messages);
//! \a keys as a sorted list, to compare with sortedKeys().
QStringList keyList(std::initializer_list<const char16_t *> keys);

//! \brief The base of test cases that start a fresh server for every test function: its
//! fixture, the ids of #general and #ai-tools, and clients that live until stopServer().
class ChatServerTestCase : public QObject
{
    Q_OBJECT
protected:
    //! Starts a server without the message rate limit (several cases send more than the
    //! protocol's 30 a minute; the limit has its own test) and reads the two rooms' ids.
    bool startServer(QString *error);
    bool stopServer();
    //! A signed-in client, owned by the test case; nullptr when the sign-in failed.
    ChatClient *signedIn(const QByteArray &token);
    ChatClient *member(qint64 userId) { return signedIn(memberToken(userId)); }

    std::unique_ptr<ChatServerFixture> m_fixture;
    std::vector<std::unique_ptr<ChatClient>> m_clients;
    qint64 m_general = 0;
    qint64 m_aiTools = 0;
};

} // namespace chat::test
