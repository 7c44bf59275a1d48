// SPDX-License-Identifier: MIT
#include "clienttesting.h"
#include "fakesocketioserver.h"

#include "client/backoff.h"
#include "client/socketioclient.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QRegularExpression>
#include <QtCore/QTimer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <limits>
#include <memory>
#include <optional>

using namespace chat;
using namespace chat::test;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

using State = SocketIoClient::State;
using Reason = SocketIoClient::DisconnectReason;
using AckError = SocketIoClient::AckError;
using Headers = QList<std::pair<QByteArray, QByteArray>>;
using QueryItems = QList<std::pair<QString, QString>>;

namespace {

// Short delays without randomization, so that tests are quick and delays predictable.
SocketIoOptions testOptions(const FakeSocketIoServer &server, const QString &tag = u"A"_s)
{
    SocketIoOptions options;
    options.url = server.url();
    options.query = {{u"client"_s, tag}};
    options.reconnectionDelay = 20ms;
    options.reconnectionDelayMax = 100ms;
    options.randomizationFactor = 0;
    options.connectTimeout = 5s;
    return options;
}

//! Connects \a nsp with \a auth and waits for the answer; false on timeout.
bool connectAndWait(SocketIoClient &client, const QString &nsp, const JsonValue &auth = {})
{
    client.connectNamespace(nsp, auth);
    return QTest::qWaitFor([&] { return client.isConnected(nsp); }, 5000);
}

//! Round trip of a ping: every frame the client sent before its pong has arrived after it.
bool pingBarrier(FakeSession *session)
{
    const int pongs = session->pongCount();
    session->ping();
    return QTest::qWaitFor([&] { return session->pongCount() > pongs; }, 5000);
}

void sendFrames(FakeSession *session, const QVariantList &frames)
{
    for (const QVariant &frame : frames) {
        if (frame.typeId() == QMetaType::QByteArray)
            session->sendBinary(frame.toByteArray());
        else
            session->sendText(frame.toString());
    }
}

} // namespace

class tst_SocketIoClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void backoff_data();
    void backoff();
    void backoffBounds();
    void engineUrl_data();
    void engineUrl();

    void handshake();
    void pingIsAnswered();
    void pingsKeepConnectionAlive();
    void pingTimeout();

    void connectNamespace_data();
    void connectNamespace();
    void twoNamespacesShareOneConnection();
    void connectError_data();
    void connectError();
    void connectErrorKeepsOtherNamespaces();
    void serverDisconnectsOneNamespace();
    void serverDisconnectBeforeConnectAnswer();
    void disconnectNamespace();

    void emitEvent_data();
    void emitEvent();
    void emitWithAck_data();
    void emitWithAck();
    void ackTimeout();
    void timedOutBufferedEmitIsDropped();
    void ackFailsWhenConnectionIsLost();
    void closeFailsPendingAcks();
    void serverEvent_data();
    void serverEvent();
    void answerServerAck_data();
    void answerServerAck();
    void sendBufferFlushedOnConnect();
    void sendBufferSurvivesReconnect();

    void reconnect_data();
    void reconnect();
    void reconnectBackoff();
    void reconnectionAttemptsLimit();
    void reconnectionDisabled();
    void connectTimeout();
    void noReconnect_data();
    void noReconnect();
    void malformedInput_data();
    void malformedInput();
};

void tst_SocketIoClient::backoff_data()
{
    QTest::addColumn<qint64>("min");
    QTest::addColumn<qint64>("max");
    QTest::addColumn<double>("jitter");
    QTest::addColumn<double>("random");
    QTest::addColumn<QList<qint64>>("expected");

    QTest::newRow("no jitter") << qint64(1000) << qint64(5000) << 0.0 << 0.7
                               << QList<qint64>{1000, 2000, 4000, 5000, 5000};
    QTest::newRow("jitter, random 0") << qint64(1000) << qint64(5000) << 0.5 << 0.0
                                      << QList<qint64>{1000, 2000, 4000, 5000, 5000};
    // floor(0.15 * 10) is odd: the deviation is added.
    QTest::newRow("jitter up") << qint64(1000) << qint64(5000) << 0.5 << 0.15
                               << QList<qint64>{1075, 2150, 4300, 5000, 5000};
    // floor(0.25 * 10) is even: the deviation is subtracted, before the cap.
    QTest::newRow("jitter down") << qint64(1000) << qint64(5000) << 0.5 << 0.25
                                 << QList<qint64>{875, 1750, 3500, 5000, 5000};
    QTest::newRow("full jitter") << qint64(100) << qint64(100000) << 1.0 << 0.99
                                 << QList<qint64>{199, 398, 796};
    QTest::newRow("max below min")
            << qint64(500) << qint64(300) << 0.0 << 0.0 << QList<qint64>{300, 300, 300};
}

void tst_SocketIoClient::backoff()
{
    QFETCH(qint64, min);
    QFETCH(qint64, max);
    QFETCH(double, jitter);
    QFETCH(double, random);
    QFETCH(QList<qint64>, expected);

    Backoff backoff(std::chrono::milliseconds(min), std::chrono::milliseconds(max), jitter);
    for (qsizetype i = 0; i < expected.size(); ++i) {
        QCOMPARE(backoff.next(random).count(), expected.at(i));
        QCOMPARE(backoff.attempts(), int(i + 1));
    }
    backoff.reset();
    QCOMPARE(backoff.attempts(), 0);
    QCOMPARE(backoff.next(random).count(), expected.first());
}

void tst_SocketIoClient::backoffBounds()
{
    // Unlimited attempts must not overflow into a negative or tiny delay.
    QCOMPARE(Backoff::delay(100000, 1000ms, 5000ms, 0.5, 2.0, 0.3), 5000ms);
    QCOMPARE(Backoff::delay(std::numeric_limits<int>::max(), 1000ms, 5000ms, 0, 2.0, 0), 5000ms);

    // The defaults of socket.io-client: the first delay is 1000 ms +- 50 %.
    Backoff backoff(1000ms, 5000ms, 0.5);
    for (int i = 0; i < 200; ++i) {
        backoff.reset();
        const std::chrono::milliseconds delay = backoff.next();
        QVERIFY2(delay >= 500ms && delay <= 1500ms,
                 QByteArray::number(qint64(delay.count())).constData());
    }
}

void tst_SocketIoClient::engineUrl_data()
{
    QTest::addColumn<QUrl>("url");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QueryItems>("query");
    QTest::addColumn<QString>("expected");

    QTest::newRow("http") << QUrl(u"http://127.0.0.1:3000"_s) << u"/socket.io/"_s << QueryItems{}
                          << u"ws://127.0.0.1:3000/socket.io/?EIO=4&transport=websocket"_s;
    QTest::newRow("https behind the proxy")
            << QUrl(u"https://chat.example.com"_s) << u"/ws/socket.io/"_s << QueryItems{}
            << u"wss://chat.example.com/ws/socket.io/?EIO=4&transport=websocket"_s;
    QTest::newRow("ws with a path and a query")
            << QUrl(u"ws://h:1/ignored?a=1#frag"_s) << u"socket.io/"_s
            << QueryItems{{u"token"_s, u"a+b/c="_s}}
            << u"ws://h:1/socket.io/?a=1&token=a%2Bb%2Fc%3D&EIO=4&transport=websocket"_s;
    QTest::newRow("wss") << QUrl(u"wss://h"_s) << u"/socket.io/"_s << QueryItems{}
                         << u"wss://h/socket.io/?EIO=4&transport=websocket"_s;
    QTest::newRow("own EIO replaced")
            << QUrl(u"http://h:1/?EIO=3&x=y&transport=polling"_s) << QString() << QueryItems{}
            << u"ws://h:1/socket.io/?x=y&EIO=4&transport=websocket"_s;
}

void tst_SocketIoClient::engineUrl()
{
    QFETCH(QUrl, url);
    QFETCH(QString, path);
    QFETCH(QueryItems, query);
    QFETCH(QString, expected);

    SocketIoOptions options;
    options.url = url;
    options.path = path;
    options.query = query;
    QCOMPARE(SocketIoClient::engineUrl(options).toString(QUrl::FullyEncoded), expected);
}

void tst_SocketIoClient::handshake()
{
    FakeSocketIoServer server;
    QVERIFY(server.listen());
    server.pingInterval = 300;
    server.pingTimeout = 200;
    server.maxPayload = 4096;

    SocketIoOptions options = testOptions(server);
    options.query.append({u"token"_s, u"a+b/c="_s});
    options.headers = {{"Authorization", "Bearer jwt"}, {"X-Chat-Test", "1"}};
    SocketIoClient client(options);
    QSignalSpy states(&client, &SocketIoClient::stateChanged);

    client.open();
    QCOMPARE(client.state(), State::Connecting);
    QTRY_COMPARE(client.state(), State::Connected);
    QCOMPARE(states.size(), 2);
    QCOMPARE(states.at(0).at(0).value<State>(), State::Connecting);
    QCOMPARE(states.at(1).at(0).value<State>(), State::Connected);

    FakeSession *session = server.lastSession();
    QVERIFY(session);
    QCOMPARE(session->requestUrl().path(), u"/socket.io/"_s);
    QCOMPARE(session->queryItem(u"EIO"_s), u"4"_s);
    QCOMPARE(session->queryItem(u"transport"_s), u"websocket"_s);
    QCOMPARE(session->queryItem(u"token"_s), u"a+b/c="_s);
    QCOMPARE(session->request().rawHeader("Authorization"), QByteArray("Bearer jwt"));
    QCOMPARE(session->request().rawHeader("X-Chat-Test"), QByteArray("1"));

    QCOMPARE(client.engineInfo().sid, u"eio-0"_s);
    QCOMPARE(client.engineInfo().pingInterval, 300ms);
    QCOMPARE(client.engineInfo().pingTimeout, 200ms);
    QCOMPARE(client.engineInfo().maxPayload, qint64(4096));
    // No namespace asked for: nothing sent.
    QVERIFY(pingBarrier(session));
    QCOMPARE(session->packets(), QStringList());

    client.close();
    QCOMPARE(client.state(), State::Disconnected);
    QCOMPARE(client.engineInfo().sid, QString());
    QTRY_VERIFY(session->isClosed());
    QCOMPARE(session->packets(), QStringList{u"1"_s});
}

void tst_SocketIoClient::pingIsAnswered()
{
    FakeSocketIoServer server;
    QVERIFY(server.listen());
    SocketIoClient client(testOptions(server));
    client.open();
    QTRY_COMPARE(client.state(), State::Connected);

    FakeSession *session = server.lastSession();
    session->ping();
    session->ping();
    session->ping();
    QTRY_COMPARE(session->pongCount(), 3);
    QCOMPARE(session->texts(), QStringList(3, u"3"_s));
}

void tst_SocketIoClient::pingsKeepConnectionAlive()
{
    FakeSocketIoServer server;
    QVERIFY(server.listen());
    // A budget of 400 ms without a ping; the server pings every 40 ms for much longer.
    server.pingInterval = 200;
    server.pingTimeout = 200;
    SocketIoClient client(testOptions(server));
    QSignalSpy errors(&client, &SocketIoClient::errorOccurred);
    QVERIFY(connectAndWait(client, u"/"_s));

    FakeSession *session = server.lastSession();
    QTimer pinger;
    connect(&pinger, &QTimer::timeout, session, &FakeSession::ping);
    pinger.start(40ms);
    QTRY_VERIFY_WITH_TIMEOUT(session->pongCount() >= 15, 10000);
    pinger.stop();

    QCOMPARE(client.state(), State::Connected);
    QVERIFY(client.isConnected());
    QCOMPARE(server.sessions().size(), 1);
    QVERIFY(!session->isClosed());
    QCOMPARE(errors.size(), 0);
}

void tst_SocketIoClient::pingTimeout()
{
    FakeSocketIoServer server;
    QVERIFY(server.listen());
    server.pingInterval = 100;
    server.pingTimeout = 50;
    SocketIoClient client(testOptions(server));
    QSignalSpy disconnected(&client, &SocketIoClient::disconnected);
    QSignalSpy errors(&client, &SocketIoClient::errorOccurred);
    QSignalSpy connected(&client, &SocketIoClient::connected);
    QVERIFY(connectAndWait(client, u"/"_s));
    FakeSession *first = server.lastSession();
    // The next session keeps its heartbeat.
    server.pingInterval = 25000;

    QTRY_COMPARE(disconnected.size(), 1);
    // Measured from before the open packet was sent; timers may fire a little early.
    QVERIFY2(first->elapsed() >= 135, QByteArray::number(first->elapsed()).constData());
    QCOMPARE(disconnected.at(0).at(0).toString(), u"/"_s);
    QCOMPARE(disconnected.at(0).at(1).value<Reason>(), Reason::PingTimeout);
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.at(0).at(0).toString(), u"ping timeout"_s);
    QTRY_VERIFY(first->isClosed());

    // The reconnect logic applies.
    QTRY_COMPARE(connected.size(), 2);
    QCOMPARE(server.sessions().size(), 2);
    QCOMPARE(client.state(), State::Connected);
}

void tst_SocketIoClient::connectNamespace_data()
{
    QTest::addColumn<QString>("nsp");
    QTest::addColumn<JsonValue>("auth");
    QTest::addColumn<QString>("expectedFrame");

    QTest::newRow("main, no auth") << u"/"_s << JsonValue() << u"40"_s;
    QTest::newRow("main, token") << u"/"_s << JsonValue(JsonObject{{u"token"_s, u"abc"_s}})
                                 << uR"(40{"token":"abc"})"_s;
    QTest::newRow("admin, no auth") << u"/admin"_s << JsonValue() << u"40/admin,"_s;
    QTest::newRow("admin, auth keeps key order")
            << u"/admin"_s
            << JsonValue(JsonObject{{u"token"_s, u"abc"_s}, {u"v"_s, 2}, {u"a"_s, true}})
            << uR"(40/admin,{"token":"abc","v":2,"a":true})"_s;
}

void tst_SocketIoClient::connectNamespace()
{
    QFETCH(QString, nsp);
    QFETCH(JsonValue, auth);
    QFETCH(QString, expectedFrame);

    FakeSocketIoServer server;
    QVERIFY(server.listen());
    SocketIoClient client(testOptions(server));
    QSignalSpy connected(&client, &SocketIoClient::connected);

    client.connectNamespace(nsp, auth);
    QCOMPARE(client.state(), State::Connecting);
    QCOMPARE(client.namespaces(), QStringList{nsp});
    QVERIFY(!client.isConnected(nsp));
    QTRY_COMPARE(connected.size(), 1);
    QCOMPARE(connected.at(0).at(0).toString(), nsp);
    QVERIFY(client.isConnected(nsp));
    QCOMPARE(client.socketId(nsp), u"sock-1"_s);
    QCOMPARE(server.lastSession()->packets(), QStringList{expectedFrame});
}

void tst_SocketIoClient::twoNamespacesShareOneConnection()
{
    FakeSocketIoServer server;
    QVERIFY(server.listen());
    SocketIoClient client(testOptions(server));
    QSignalSpy connected(&client, &SocketIoClient::connected);

    client.connectNamespace(u"/"_s, JsonObject{{u"token"_s, u"a"_s}});
    client.connectNamespace(u"/admin"_s, JsonObject{{u"token"_s, u"b"_s}});
    QTRY_COMPARE(connected.size(), 2);
    QVERIFY(client.isConnected(u"/"_s));
    QVERIFY(client.isConnected(u"/admin"_s));
    QCOMPARE(client.namespaces(), (QStringList{u"/"_s, u"/admin"_s}));
    QCOMPARE(server.sessions().size(), 1);
    QCOMPARE(server.lastSession()->packets(),
             (QStringList{uR"(40{"token":"a"})"_s, uR"(40/admin,{"token":"b"})"_s}));
    QCOMPARE(client.socketId(u"/"_s), u"sock-1"_s);
    QCOMPARE(client.socketId(u"/admin"_s), u"sock-2"_s);
}

void tst_SocketIoClient::connectError_data()
{
    QTest::addColumn<QString>("errorJson");
    QTest::addColumn<JsonValue>("expected");

    QTest::newRow("unauthorized") << uR"({"message":"unauthorized"})"_s
                                  << JsonValue(JsonObject{{u"message"_s, u"unauthorized"_s}});
    QTest::newRow("with data") << uR"({"message":"too_many_connections","data":{"limit":3}})"_s
                               << json(R"({"message":"too_many_connections","data":{"limit":3}})");
    QTest::newRow("string") << uR"("Invalid namespace")"_s << JsonValue(u"Invalid namespace"_s);
}

void tst_SocketIoClient::connectError()
{
    QFETCH(QString, errorJson);
    QFETCH(JsonValue, expected);

    FakeSocketIoServer server;
    QVERIFY(server.listen());
    server.connectErrors.insert(u"/"_s, errorJson);
    SocketIoClient client(testOptions(server));
    QSignalSpy connectErrors(&client, &SocketIoClient::connectError);
    QSignalSpy connected(&client, &SocketIoClient::connected);
    QSignalSpy disconnected(&client, &SocketIoClient::disconnected);
    QSignalSpy scheduled(&client, &SocketIoClient::reconnectScheduled);

    client.connectNamespace(u"/"_s, JsonObject{{u"token"_s, u"bad"_s}});
    QTRY_COMPARE(connectErrors.size(), 1);
    QCOMPARE(connectErrors.at(0).at(0).toString(), u"/"_s);
    QCOMPARE(dump(connectErrors.at(0).at(1).value<JsonValue>()), dump(expected));
    QVERIFY(!client.isConnected(u"/"_s));
    QCOMPARE(client.namespaces(), QStringList());
    // The last namespace is gone, so is the connection: for good.
    QCOMPARE(client.state(), State::Disconnected);
    QTRY_VERIFY(server.lastSession()->isClosed());
    QCOMPARE(connected.size(), 0);
    QCOMPARE(disconnected.size(), 0);
    QCOMPARE(scheduled.size(), 0);
}

void tst_SocketIoClient::connectErrorKeepsOtherNamespaces()
{
    FakeSocketIoServer server;
    QVERIFY(server.listen());
    server.connectErrors.insert(u"/admin"_s, uR"({"message":"forbidden"})"_s);
    SocketIoClient client(testOptions(server));
    QSignalSpy connectErrors(&client, &SocketIoClient::connectError);

    QVERIFY(connectAndWait(client, u"/"_s));
    client.connectNamespace(u"/admin"_s);
    QTRY_COMPARE(connectErrors.size(), 1);
    QCOMPARE(connectErrors.at(0).at(0).toString(), u"/admin"_s);
    QCOMPARE(client.state(), State::Connected);
    QVERIFY(client.isConnected(u"/"_s));
    QCOMPARE(client.namespaces(), QStringList{u"/"_s});
    QVERIFY(pingBarrier(server.lastSession()));
    QVERIFY(!server.lastSession()->isClosed());
}

void tst_SocketIoClient::serverDisconnectsOneNamespace()
{
    FakeSocketIoServer server;
    QVERIFY(server.listen());
    SocketIoClient client(testOptions(server));
    QSignalSpy disconnected(&client, &SocketIoClient::disconnected);
    QSignalSpy connected(&client, &SocketIoClient::connected);
    QVERIFY(connectAndWait(client, u"/"_s, JsonObject{{u"token"_s, u"a"_s}}));
    QVERIFY(connectAndWait(client, u"/admin"_s, JsonObject{{u"token"_s, u"b"_s}}));
    FakeSession *first = server.lastSession();

    first->sendText(u"41/admin,"_s);
    QTRY_COMPARE(disconnected.size(), 1);
    QCOMPARE(disconnected.at(0).at(0).toString(), u"/admin"_s);
    QCOMPARE(disconnected.at(0).at(1).value<Reason>(), Reason::IoServerDisconnect);
    QVERIFY(client.isConnected(u"/"_s));
    QCOMPARE(client.namespaces(), QStringList{u"/"_s});
    QCOMPARE(client.state(), State::Connected);
    QVERIFY(pingBarrier(first));
    QVERIFY(!first->isClosed());

    // After a lost connection only the namespace the server left alone comes back.
    first->abort();
    QTRY_COMPARE(connected.size(), 3);
    QCOMPARE(connected.last().at(0).toString(), u"/"_s);
    FakeSession *second = server.lastSession();
    QVERIFY(second != first);
    QVERIFY(pingBarrier(second));
    QCOMPARE(second->packets(), QStringList{uR"(40{"token":"a"})"_s});
}

void tst_SocketIoClient::serverDisconnectBeforeConnectAnswer()
{
    FakeSocketIoServer server;
    QVERIFY(server.listen());
    server.autoConnect = false;
    SocketIoClient client(testOptions(server));
    QSignalSpy disconnected(&client, &SocketIoClient::disconnected);
    QSignalSpy connected(&client, &SocketIoClient::connected);

    client.connectNamespace(u"/"_s);
    QTRY_VERIFY(server.lastSession() && server.lastSession()->packets().contains(u"40"_s));
    server.lastSession()->sendText(u"41"_s);
    QTRY_COMPARE(disconnected.size(), 1);
    QCOMPARE(disconnected.at(0).at(0).toString(), u"/"_s);
    QCOMPARE(disconnected.at(0).at(1).value<Reason>(), Reason::IoServerDisconnect);
    QCOMPARE(client.namespaces(), QStringList());
    QCOMPARE(client.state(), State::Disconnected);
    QCOMPARE(connected.size(), 0);
    QTRY_VERIFY(server.lastSession()->isClosed());
}

void tst_SocketIoClient::disconnectNamespace()
{
    FakeSocketIoServer server;
    QVERIFY(server.listen());
    SocketIoClient client(testOptions(server));
    QSignalSpy disconnected(&client, &SocketIoClient::disconnected);
    QVERIFY(connectAndWait(client, u"/"_s));
    QVERIFY(connectAndWait(client, u"/admin"_s));
    FakeSession *session = server.lastSession();

    client.disconnectNamespace(u"/admin"_s);
    QCOMPARE(disconnected.size(), 1);
    QCOMPARE(disconnected.at(0).at(0).toString(), u"/admin"_s);
    QCOMPARE(disconnected.at(0).at(1).value<Reason>(), Reason::IoClientDisconnect);
    QVERIFY(client.isConnected(u"/"_s));
    QCOMPARE(client.state(), State::Connected);
    QTRY_COMPARE(session->packets().size(), 3);
    QCOMPARE(session->packets().last(), u"41/admin,"_s);

    // The last namespace takes the connection with it.
    client.disconnectNamespace(u"/"_s);
    QCOMPARE(disconnected.size(), 2);
    QCOMPARE(disconnected.at(1).at(0).toString(), u"/"_s);
    QCOMPARE(client.state(), State::Disconnected);
    QTRY_VERIFY(session->isClosed());
    QCOMPARE(session->packets().mid(3), (QStringList{u"41"_s, u"1"_s}));
}

void tst_SocketIoClient::emitEvent_data()
{
    QTest::addColumn<QString>("nsp");
    QTest::addColumn<QString>("event");
    QTest::addColumn<JsonArray>("args");
    QTest::addColumn<QString>("expectedText");
    QTest::addColumn<QList<QByteArray>>("expectedBinaries");

    QTest::newRow("no args") << u"/"_s << u"room:list"_s << JsonArray{} << uR"(42["room:list"])"_s
                             << QList<QByteArray>{};
    QTest::newRow("object keeps key order")
            << u"/"_s << u"message:send"_s
            << JsonArray{JsonObject{
                       {u"roomId"_s, 1}, {u"message"_s, u"hi"_s}, {u"type"_s, u"text"_s}}}
            << uR"(42["message:send",{"roomId":1,"message":"hi","type":"text"}])"_s
            << QList<QByteArray>{};
    QTest::newRow("namespace") << u"/admin"_s << u"stats"_s << JsonArray{}
                               << uR"(42/admin,["stats"])"_s << QList<QByteArray>{};
    QTest::newRow("scalars and unicode")
            << u"/"_s << u"x"_s << JsonArray{u"héllo 👋"_s, 1.5, true, nullptr, JsonArray{1, 2}}
            << uR"(42["x","héllo 👋",1.5,true,null,[1,2]])"_s << QList<QByteArray>{};
    QTest::newRow("binary")
            << u"/"_s << u"upload"_s
            << JsonArray{JsonObject{{u"name"_s, u"a.png"_s}, {u"data"_s, bin("\x89PNG\r\n")}}}
            << uR"(451-["upload",{"name":"a.png","data":{"_placeholder":true,"num":0}}])"_s
            << QList<QByteArray>{"\x89PNG\r\n"};
    QTest::newRow("two attachments in a namespace")
            << u"/admin"_s << u"files"_s << JsonArray{bin("one"), bin(QByteArray("\0\1", 2))}
            << uR"(452-/admin,["files",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])"_s
            << QList<QByteArray>{"one", QByteArray("\0\1", 2)};
}

void tst_SocketIoClient::emitEvent()
{
    QFETCH(QString, nsp);
    QFETCH(QString, event);
    QFETCH(JsonArray, args);
    QFETCH(QString, expectedText);
    QFETCH(QList<QByteArray>, expectedBinaries);

    FakeSocketIoServer server;
    QVERIFY(server.listen());
    SocketIoClient client(testOptions(server));
    QVERIFY(connectAndWait(client, nsp));
    FakeSession *session = server.lastSession();

    client.emitEvent(nsp, event, args);
    const qsizetype expectedFrames = 2 + expectedBinaries.size(); // CONNECT, event, attachments
    QTRY_COMPARE(session->frames().size(), expectedFrames);
    const QList<FakeSession::Frame> frames = session->frames();
    QVERIFY(!frames.at(1).binary);
    QCOMPARE(frames.at(1).text, expectedText);
    for (qsizetype i = 0; i < expectedBinaries.size(); ++i) {
        QVERIFY(frames.at(2 + i).binary);
        QCOMPARE(frames.at(2 + i).bytes, expectedBinaries.at(i));
    }
}

void tst_SocketIoClient::emitWithAck_data()
{
    QTest::addColumn<QString>("nsp");
    QTest::addColumn<QString>("expectedSent");
    QTest::addColumn<QVariantList>("reply");
    QTest::addColumn<JsonArray>("expectedArgs");

    QTest::newRow("main") << u"/"_s << uR"(420["room:list"])"_s
                          << QVariantList{uR"(430[{"ok":true,"rooms":[]}])"_s}
                          << jsonArray(R"([{"ok":true,"rooms":[]}])");
    QTest::newRow("namespace") << u"/admin"_s << uR"(42/admin,0["room:list"])"_s
                               << QVariantList{uR"(43/admin,0[{"ok":true}])"_s}
                               << jsonArray(R"([{"ok":true}])");
    QTest::newRow("several args") << u"/"_s << uR"(420["room:list"])"_s
                                  << QVariantList{uR"(430[1,"two",null])"_s}
                                  << jsonArray(R"([1,"two",null])");
    QTest::newRow("no args") << u"/"_s << uR"(420["room:list"])"_s << QVariantList{u"430[]"_s}
                             << JsonArray{};
    QTest::newRow("binary ack")
            << u"/"_s << uR"(420["room:list"])"_s
            << QVariantList{uR"(461-0[{"ok":true,"file":{"_placeholder":true,"num":0}}])"_s,
                            QByteArray("\0\1\2", 3)}
            << JsonArray{JsonObject{{u"ok"_s, true}, {u"file"_s, bin(QByteArray("\0\1\2", 3))}}};
    QTest::newRow("binary ack in a namespace")
            << u"/admin"_s << uR"(42/admin,0["room:list"])"_s
            << QVariantList{uR"(461-/admin,0[{"_placeholder":true,"num":0}])"_s, QByteArray("xyz")}
            << JsonArray{bin("xyz")};
}

void tst_SocketIoClient::emitWithAck()
{
    QFETCH(QString, nsp);
    QFETCH(QString, expectedSent);
    QFETCH(QVariantList, reply);
    QFETCH(JsonArray, expectedArgs);

    FakeSocketIoServer server;
    QVERIFY(server.listen());
    SocketIoClient client(testOptions(server));
    QVERIFY(connectAndWait(client, nsp));
    FakeSession *session = server.lastSession();

    auto probe = std::make_shared<AckProbe>();
    const qint64 id = client.emitWithAck(nsp, u"room:list"_s, {}, onAck(probe), 5s, onError(probe));
    QCOMPARE(id, qint64(0));
    QTRY_COMPARE(session->packets().size(), 2);
    QCOMPARE(session->packets().at(1), expectedSent);
    QCOMPARE(probe->acks, 0);

    sendFrames(session, reply);
    QTRY_COMPARE(probe->acks, 1);
    QCOMPARE(dump(probe->args), dump(expectedArgs));
    QCOMPARE(probe->errors, 0);
}

void tst_SocketIoClient::ackTimeout()
{
    FakeSocketIoServer server;
    QVERIFY(server.listen());
    SocketIoClient client(testOptions(server));
    QSignalSpy events(&client, &SocketIoClient::eventReceived);
    QVERIFY(connectAndWait(client, u"/"_s));
    FakeSession *session = server.lastSession();

    auto probe = std::make_shared<AckProbe>();
    client.emitWithAck(u"/"_s, u"slow"_s, {}, onAck(probe), 50ms, onError(probe));
    QTRY_COMPARE(probe->errors, 1);
    QCOMPARE(probe->error, AckError::Timeout);
    QTRY_COMPARE(session->packets().size(), 2);
    QCOMPARE(session->packets().at(1), uR"(420["slow"])"_s);

    // A late answer is ignored; the event behind it proves it has been read.
    session->sendText(uR"(430["late"])"_s);
    session->sendText(uR"(42["sync"])"_s);
    QTRY_COMPARE(events.size(), 1);
    QCOMPARE(probe->acks, 0);
    QCOMPARE(probe->errors, 1);
    QCOMPARE(client.state(), State::Connected);
}

void tst_SocketIoClient::timedOutBufferedEmitIsDropped()
{
    FakeSocketIoServer server;
    QVERIFY(server.listen());
    server.autoConnect = false;
    SocketIoClient client(testOptions(server));
    QSignalSpy connected(&client, &SocketIoClient::connected);

    client.connectNamespace(u"/"_s);
    auto probe = std::make_shared<AckProbe>();
    client.emitWithAck(u"/"_s, u"buffered"_s, {}, onAck(probe), 50ms, onError(probe));
    client.emitEvent(u"/"_s, u"after"_s);
    QTRY_COMPARE(probe->errors, 1);
    QCOMPARE(probe->error, AckError::Timeout);

    QTRY_VERIFY(server.lastSession() && server.lastSession()->packets().contains(u"40"_s));
    FakeSession *session = server.lastSession();
    session->sendText(uR"(40{"sid":"s"})"_s);
    QTRY_COMPARE(connected.size(), 1);
    QTRY_COMPARE(session->packets().size(), 2);
    QCOMPARE(session->packets(), (QStringList{u"40"_s, uR"(42["after"])"_s}));
}

void tst_SocketIoClient::ackFailsWhenConnectionIsLost()
{
    FakeSocketIoServer server;
    QVERIFY(server.listen());
    SocketIoClient client(testOptions(server));
    QSignalSpy connected(&client, &SocketIoClient::connected);
    QSignalSpy events(&client, &SocketIoClient::eventReceived);
    QVERIFY(connectAndWait(client, u"/"_s));
    FakeSession *first = server.lastSession();

    auto probe = std::make_shared<AckProbe>();
    client.emitWithAck(u"/"_s, u"lost"_s, {}, onAck(probe), {}, onError(probe));
    QTRY_COMPARE(first->packets().size(), 2);
    first->abort();
    QTRY_COMPARE(probe->errors, 1);
    QCOMPARE(probe->error, AckError::Disconnected);

    // Ids are not reused: an answer with the old id on the new session reaches nobody.
    QTRY_COMPARE(connected.size(), 2);
    FakeSession *second = server.lastSession();
    second->sendText(uR"(430["stale"])"_s);
    second->sendText(uR"(42["sync"])"_s);
    QTRY_COMPARE(events.size(), 1);
    QCOMPARE(probe->acks, 0);
    QCOMPARE(probe->errors, 1);
}

void tst_SocketIoClient::closeFailsPendingAcks()
{
    FakeSocketIoServer server;
    QVERIFY(server.listen());
    SocketIoClient client(testOptions(server));
    QVERIFY(connectAndWait(client, u"/"_s));
    FakeSession *session = server.lastSession();

    auto sent = std::make_shared<AckProbe>();
    auto buffered = std::make_shared<AckProbe>();
    client.emitWithAck(u"/"_s, u"a"_s, {}, onAck(sent), {}, onError(sent));
    client.emitWithAck(u"/other"_s, u"b"_s, {}, onAck(buffered), {}, onError(buffered));
    QTRY_COMPARE(session->packets().size(), 2);

    client.close();
    QCOMPARE(sent->errors, 1);
    QCOMPARE(sent->error, AckError::Disconnected);
    QCOMPARE(buffered->errors, 1);
    QCOMPARE(buffered->error, AckError::Disconnected);
    QCOMPARE(client.state(), State::Disconnected);
    QCOMPARE(client.namespaces(), QStringList());
    QTRY_VERIFY(session->isClosed());
    QCOMPARE(session->packets().mid(2), (QStringList{u"41"_s, u"1"_s}));
}

void tst_SocketIoClient::serverEvent_data()
{
    QTest::addColumn<QVariantList>("frames");
    QTest::addColumn<QString>("nsp");
    QTest::addColumn<QString>("event");
    QTest::addColumn<JsonArray>("args");
    QTest::addColumn<qint64>("ackId");

    QTest::newRow("main") << QVariantList{uR"(42["message:new",{"id":1,"roomId":2}])"_s} << u"/"_s
                          << u"message:new"_s << jsonArray(R"([{"id":1,"roomId":2}])")
                          << qint64(-1);
    QTest::newRow("namespace") << QVariantList{uR"(42/admin,["stats",5,"x"])"_s} << u"/admin"_s
                               << u"stats"_s << jsonArray(R"([5,"x"])") << qint64(-1);
    QTest::newRow("with ack id") << QVariantList{uR"(4217["ask",{"q":1}])"_s} << u"/"_s << u"ask"_s
                                 << jsonArray(R"([{"q":1}])") << qint64(17);
    QTest::newRow("namespace with ack id") << QVariantList{uR"(42/admin,3["ask"])"_s} << u"/admin"_s
                                           << u"ask"_s << JsonArray{} << qint64(3);
    QTest::newRow("binary")
            << QVariantList{uR"(452-["file",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])"_s,
                            QByteArray("first"), QByteArray("\xff\0", 2)}
            << u"/"_s << u"file"_s << JsonArray{bin("first"), bin(QByteArray("\xff\0", 2))}
            << qint64(-1);
    QTest::newRow("binary in a namespace with ack id")
            << QVariantList{uR"(451-/admin,9["upload",{"data":{"_placeholder":true,"num":0}}])"_s,
                            QByteArray("bytes")}
            << u"/admin"_s << u"upload"_s << JsonArray{JsonObject{{u"data"_s, bin("bytes")}}}
            << qint64(9);
}

void tst_SocketIoClient::serverEvent()
{
    QFETCH(QVariantList, frames);
    QFETCH(QString, nsp);
    QFETCH(QString, event);
    QFETCH(JsonArray, args);
    QFETCH(qint64, ackId);

    FakeSocketIoServer server;
    QVERIFY(server.listen());
    SocketIoClient client(testOptions(server));
    QSignalSpy events(&client, &SocketIoClient::eventReceived);
    QVERIFY(connectAndWait(client, u"/"_s));
    QVERIFY(connectAndWait(client, u"/admin"_s));

    sendFrames(server.lastSession(), frames);
    QTRY_COMPARE(events.size(), 1);
    QCOMPARE(events.at(0).at(0).toString(), nsp);
    QCOMPARE(events.at(0).at(1).toString(), event);
    QCOMPARE(dump(events.at(0).at(2).value<JsonArray>()), dump(args));
    QCOMPARE(events.at(0).at(3).toLongLong(), ackId);
    QCOMPARE(client.state(), State::Connected);
}

void tst_SocketIoClient::answerServerAck_data()
{
    QTest::addColumn<QString>("nsp");
    QTest::addColumn<qint64>("ackId");
    QTest::addColumn<JsonArray>("args");
    QTest::addColumn<QString>("expectedText");
    QTest::addColumn<QList<QByteArray>>("expectedBinaries");

    QTest::newRow("main") << u"/"_s << qint64(7) << jsonArray(R"([{"ok":true}])")
                          << uR"(437[{"ok":true}])"_s << QList<QByteArray>{};
    QTest::newRow("namespace, no args")
            << u"/admin"_s << qint64(3) << JsonArray{} << u"43/admin,3[]"_s << QList<QByteArray>{};
    QTest::newRow("binary") << u"/"_s << qint64(4) << JsonArray{bin("abc")}
                            << uR"(461-4[{"_placeholder":true,"num":0}])"_s
                            << QList<QByteArray>{"abc"};
    QTest::newRow("binary in a namespace")
            << u"/admin"_s << qint64(12) << JsonArray{u"ok"_s, bin("z")}
            << uR"(461-/admin,12["ok",{"_placeholder":true,"num":0}])"_s << QList<QByteArray>{"z"};
}

void tst_SocketIoClient::answerServerAck()
{
    QFETCH(QString, nsp);
    QFETCH(qint64, ackId);
    QFETCH(JsonArray, args);
    QFETCH(QString, expectedText);
    QFETCH(QList<QByteArray>, expectedBinaries);

    FakeSocketIoServer server;
    QVERIFY(server.listen());
    SocketIoClient client(testOptions(server));
    QVERIFY(connectAndWait(client, u"/"_s));
    QVERIFY(connectAndWait(client, u"/admin"_s));
    FakeSession *session = server.lastSession();
    connect(&client, &SocketIoClient::eventReceived, &client,
            [&](const QString &eventNsp, const QString &, const JsonArray &, qint64 id) {
                client.sendAck(eventNsp, id, args);
            });

    const QString prefix = nsp == u"/" ? QString() : nsp + u',';
    session->sendText(u"42"_s + prefix + QString::number(ackId) + uR"(["ask"])"_s);
    const qsizetype before = session->frames().size();
    QTRY_COMPARE(session->frames().size(), before + 1 + expectedBinaries.size());
    const QList<FakeSession::Frame> frames = session->frames().mid(before);
    QCOMPARE(frames.at(0).text, expectedText);
    for (qsizetype i = 0; i < expectedBinaries.size(); ++i) {
        QVERIFY(frames.at(1 + i).binary);
        QCOMPARE(frames.at(1 + i).bytes, expectedBinaries.at(i));
    }
}

void tst_SocketIoClient::sendBufferFlushedOnConnect()
{
    FakeSocketIoServer server;
    QVERIFY(server.listen());
    server.autoConnect = false;
    SocketIoClient client(testOptions(server));
    QSignalSpy connected(&client, &SocketIoClient::connected);

    client.connectNamespace(u"/"_s, JsonObject{{u"token"_s, u"t"_s}});
    auto probe = std::make_shared<AckProbe>();
    client.emitEvent(u"/"_s, u"first"_s, {1});
    client.emitWithAck(u"/"_s, u"second"_s, {}, onAck(probe), {}, onError(probe));

    QTRY_VERIFY(server.lastSession() && !server.lastSession()->packets().isEmpty());
    FakeSession *session = server.lastSession();
    // Nothing but the CONNECT goes out before the namespace is connected.
    QVERIFY(pingBarrier(session));
    QCOMPARE(session->packets(), QStringList{uR"(40{"token":"t"})"_s});

    session->sendText(uR"(40{"sid":"s1"})"_s);
    QTRY_COMPARE(connected.size(), 1);
    QTRY_COMPARE(session->packets().size(), 3);
    QCOMPARE(session->packets(),
             (QStringList{uR"(40{"token":"t"})"_s, uR"(42["first",1])"_s, uR"(420["second"])"_s}));
    session->sendText(uR"(430["done"])"_s);
    QTRY_COMPARE(probe->acks, 1);
    QCOMPARE(dump(probe->args), QByteArray(R"(["done"])"));
}

void tst_SocketIoClient::sendBufferSurvivesReconnect()
{
    FakeSocketIoServer server;
    QVERIFY(server.listen());
    SocketIoClient client(testOptions(server));
    QSignalSpy connected(&client, &SocketIoClient::connected);
    QVERIFY(connectAndWait(client, u"/"_s));
    FakeSession *first = server.lastSession();

    auto probe = std::make_shared<AckProbe>();
    // Emitted while the connection is down, before the reconnect timer can fire.
    connect(&client, &SocketIoClient::disconnected, &client, [&] {
        QVERIFY(!client.isConnected(u"/"_s));
        client.emitWithAck(u"/"_s, u"queued"_s, {}, onAck(probe), {}, onError(probe));
        client.emitEvent(u"/"_s, u"queued2"_s);
    });
    first->abort();
    QTRY_COMPARE(connected.size(), 2);
    FakeSession *second = server.lastSession();
    QTRY_COMPARE(second->packets().size(), 3);
    QCOMPARE(second->packets(),
             (QStringList{u"40"_s, uR"(420["queued"])"_s, uR"(42["queued2"])"_s}));
    QCOMPARE(first->packets(), QStringList{u"40"_s});
    second->sendText(u"430[true]"_s);
    QTRY_COMPARE(probe->acks, 1);
    QCOMPARE(probe->errors, 0);
}

void tst_SocketIoClient::reconnect_data()
{
    QTest::addColumn<QString>("how");
    QTest::addColumn<Reason>("reason");

    QTest::newRow("close frame") << u"close frame"_s << Reason::TransportClose;
    QTest::newRow("reset") << u"reset"_s << Reason::TransportClose;
    QTest::newRow("engine.io close packet") << u"close packet"_s << Reason::TransportClose;
    QTest::newRow("parse error") << u"parse error"_s << Reason::ParseError;
}

void tst_SocketIoClient::reconnect()
{
    QFETCH(QString, how);
    QFETCH(Reason, reason);

    FakeSocketIoServer server;
    QVERIFY(server.listen());
    SocketIoClient client(testOptions(server));
    QSignalSpy states(&client, &SocketIoClient::stateChanged);
    QSignalSpy connected(&client, &SocketIoClient::connected);
    QSignalSpy disconnected(&client, &SocketIoClient::disconnected);
    QSignalSpy scheduled(&client, &SocketIoClient::reconnectScheduled);
    QSignalSpy attempts(&client, &SocketIoClient::reconnectAttempt);
    QSignalSpy reconnected(&client, &SocketIoClient::reconnected);
    QVERIFY(connectAndWait(client, u"/"_s, JsonObject{{u"token"_s, u"a"_s}}));
    QVERIFY(connectAndWait(client, u"/admin"_s, JsonObject{{u"token"_s, u"b"_s}}));
    FakeSession *first = server.lastSession();
    const QString oldSocketId = client.socketId(u"/"_s);

    if (how == u"parse error")
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"protocol error from the server"_s));
    if (how == u"close frame")
        first->closeGracefully();
    else if (how == u"reset")
        first->abort();
    else if (how == u"close packet")
        first->sendText(u"1"_s);
    else
        first->sendText(u"4garbage"_s);

    QTRY_COMPARE(disconnected.size(), 2);
    QCOMPARE(disconnected.at(0).at(0).toString(), u"/"_s);
    QCOMPARE(disconnected.at(0).at(1).value<Reason>(), reason);
    QCOMPARE(disconnected.at(1).at(0).toString(), u"/admin"_s);
    QCOMPARE(disconnected.at(1).at(1).value<Reason>(), reason);

    QTRY_COMPARE(connected.size(), 4);
    QCOMPARE(scheduled.size(), 1);
    QCOMPARE(scheduled.at(0).at(0).toInt(), 1);
    QCOMPARE(scheduled.at(0).at(1).toInt(), 20);
    QCOMPARE(attempts.size(), 1);
    QCOMPARE(attempts.at(0).at(0).toInt(), 1);
    QCOMPARE(reconnected.size(), 1);
    QCOMPARE(reconnected.at(0).at(0).toInt(), 1);

    QList<State> stateList;
    for (const QList<QVariant> &args : std::as_const(states))
        stateList.append(args.at(0).value<State>());
    QCOMPARE(stateList,
             (QList<State>{State::Connecting, State::Connected, State::Reconnecting,
                           State::Connected}));

    FakeSession *second = server.lastSession();
    QCOMPARE(server.sessions().size(), 2);
    QVERIFY(!second->isClosed());
    QCOMPARE(second->packets(),
             (QStringList{uR"(40{"token":"a"})"_s, uR"(40/admin,{"token":"b"})"_s}));
    QVERIFY(client.isConnected(u"/"_s));
    QVERIFY(client.isConnected(u"/admin"_s));
    QVERIFY(client.socketId(u"/"_s) != oldSocketId);
    QCOMPARE(client.engineInfo().sid, u"eio-1"_s);
    QTRY_VERIFY(first->isClosed());
}

void tst_SocketIoClient::reconnectBackoff()
{
    FakeSocketIoServer server;
    QVERIFY(server.listen());
    const quint16 port = server.port();
    SocketIoOptions options = testOptions(server);
    options.reconnectionDelay = 40ms;
    options.reconnectionDelayMax = 200ms;
    SocketIoClient client(options);
    QSignalSpy scheduled(&client, &SocketIoClient::reconnectScheduled);
    QSignalSpy reconnected(&client, &SocketIoClient::reconnected);
    QSignalSpy connected(&client, &SocketIoClient::connected);
    QElapsedTimer clock;
    clock.start();
    QList<std::pair<int, qint64>> attempts; // attempt number, time
    connect(&client, &SocketIoClient::reconnectAttempt, &client, [&](int attempt) {
        attempts.append({attempt, clock.elapsed()});
    });
    QVERIFY(connectAndWait(client, u"/"_s, JsonObject{{u"token"_s, u"a"_s}}));

    // The server goes away: every attempt is refused until it listens again.
    server.stopListening();
    server.lastSession()->abort();
    QTRY_VERIFY_WITH_TIMEOUT(attempts.size() >= 4, 10000);
    QVERIFY(scheduled.size() >= 4);
    const QList<int> delays{40, 80, 160, 200};
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(scheduled.at(i).at(0).toInt(), i + 1);
        QCOMPARE(scheduled.at(i).at(1).toInt(), delays.at(i));
        QCOMPARE(attempts.at(i).first, i + 1);
    }
    // Each attempt fails at once, so attempts are at least one delay apart.
    for (int i = 1; i < 4; ++i) {
        const qint64 gap = attempts.at(i).second - attempts.at(i - 1).second;
        QVERIFY2(gap >= delays.at(i) * 9 / 10,
                 qPrintable(u"attempt %1 came %2 ms after the previous"_s.arg(i + 1).arg(gap)));
    }

    QVERIFY(server.listen(port));
    QTRY_COMPARE(reconnected.size(), 1);
    QCOMPARE(reconnected.at(0).at(0).toInt(), attempts.last().first);
    QTRY_COMPARE(connected.size(), 2);
    QCOMPARE(server.lastSession()->packets(), QStringList{uR"(40{"token":"a"})"_s});
    // A success resets the backoff.
    const qsizetype before = scheduled.size();
    server.lastSession()->abort();
    QTRY_COMPARE(scheduled.size(), before + 1);
    QCOMPARE(scheduled.last().at(0).toInt(), 1);
    QCOMPARE(scheduled.last().at(1).toInt(), 40);
}

void tst_SocketIoClient::reconnectionAttemptsLimit()
{
    FakeSocketIoServer server;
    QVERIFY(server.listen());
    server.stopListening(); // a known port with nobody behind it
    SocketIoOptions options = testOptions(server);
    options.reconnectionAttempts = 2;
    SocketIoClient client(options);
    QSignalSpy states(&client, &SocketIoClient::stateChanged);
    QSignalSpy attempts(&client, &SocketIoClient::reconnectAttempt);
    QSignalSpy failed(&client, &SocketIoClient::reconnectFailed);
    QSignalSpy errors(&client, &SocketIoClient::errorOccurred);

    client.connectNamespace(u"/"_s);
    QTRY_COMPARE(failed.size(), 1);
    QCOMPARE(attempts.size(), 2);
    QCOMPARE(attempts.at(0).at(0).toInt(), 1);
    QCOMPARE(attempts.at(1).at(0).toInt(), 2);
    QCOMPARE(errors.size(), 3); // the first connection and two attempts
    QCOMPARE(client.state(), State::Disconnected);
    QCOMPARE(states.size(), 3);
    QCOMPARE(states.at(0).at(0).value<State>(), State::Connecting);
    QCOMPARE(states.at(1).at(0).value<State>(), State::Reconnecting);
    QCOMPARE(states.at(2).at(0).value<State>(), State::Disconnected);
    // The namespace is still wanted: open() tries again.
    QCOMPARE(client.namespaces(), QStringList{u"/"_s});
}

void tst_SocketIoClient::reconnectionDisabled()
{
    FakeSocketIoServer server;
    QVERIFY(server.listen());
    SocketIoOptions options = testOptions(server);
    options.reconnection = false;
    SocketIoClient client(options);
    QSignalSpy disconnected(&client, &SocketIoClient::disconnected);
    QSignalSpy scheduled(&client, &SocketIoClient::reconnectScheduled);
    QSignalSpy connected(&client, &SocketIoClient::connected);
    QVERIFY(connectAndWait(client, u"/"_s, JsonObject{{u"token"_s, u"a"_s}}));

    server.lastSession()->abort();
    QTRY_COMPARE(disconnected.size(), 1);
    QCOMPARE(disconnected.at(0).at(1).value<Reason>(), Reason::TransportClose);
    QCOMPARE(client.state(), State::Disconnected);
    QCOMPARE(scheduled.size(), 0);
    QCOMPARE(client.namespaces(), QStringList{u"/"_s});

    client.open();
    QTRY_COMPARE(connected.size(), 2);
    QCOMPARE(server.sessions().size(), 2);
    QCOMPARE(server.lastSession()->packets(), QStringList{uR"(40{"token":"a"})"_s});
}

void tst_SocketIoClient::connectTimeout()
{
    FakeSocketIoServer server;
    QVERIFY(server.listen());
    server.autoOpen = false;
    SocketIoOptions options = testOptions(server);
    options.connectTimeout = 100ms;
    SocketIoClient client(options);
    QSignalSpy errors(&client, &SocketIoClient::errorOccurred);
    QSignalSpy connected(&client, &SocketIoClient::connected);

    client.connectNamespace(u"/"_s);
    QTRY_COMPARE(server.sessions().size(), 1);
    FakeSession *silent = server.lastSession();
    server.autoOpen = true;
    QTRY_COMPARE(errors.size(), 1);
    QCOMPARE(errors.at(0).at(0).toString(), u"connection timed out"_s);
    QVERIFY2(silent->elapsed() >= 90, QByteArray::number(silent->elapsed()).constData());
    QTRY_VERIFY(silent->isClosed());
    QTRY_COMPARE(connected.size(), 1);
    QCOMPARE(server.sessions().size(), 2);
}

void tst_SocketIoClient::noReconnect_data()
{
    QTest::addColumn<QString>("how");
    QTest::newRow("client close") << u"client close"_s;
    QTest::newRow("server disconnects the last namespace") << u"server disconnect"_s;
    QTest::newRow("connect error on the last namespace") << u"connect error"_s;
}

void tst_SocketIoClient::noReconnect()
{
    QFETCH(QString, how);

    FakeSocketIoServer server;
    QVERIFY(server.listen());
    if (how == u"connect error")
        server.connectErrors.insert(u"/"_s, uR"({"message":"unauthorized"})"_s);
    SocketIoClient client(testOptions(server, u"A"_s));
    QSignalSpy disconnected(&client, &SocketIoClient::disconnected);
    QSignalSpy connectErrors(&client, &SocketIoClient::connectError);
    QSignalSpy attempts(&client, &SocketIoClient::reconnectAttempt);

    client.connectNamespace(u"/"_s);
    if (how == u"connect error") {
        QTRY_COMPARE(connectErrors.size(), 1);
    } else {
        QTRY_VERIFY(client.isConnected(u"/"_s));
        if (how == u"client close")
            client.close();
        else
            server.lastSession()->sendText(u"41"_s);
        QTRY_COMPARE(disconnected.size(), 1);
        QCOMPARE(disconnected.at(0).at(1).value<Reason>(),
                 how == u"client close" ? Reason::IoClientDisconnect : Reason::IoServerDisconnect);
    }
    QCOMPARE(client.state(), State::Disconnected);
    QTRY_VERIFY(server.lastSession()->isClosed());

    // A control client with a longer reconnect delay: once it is back, client A would have
    // been back too.
    SocketIoOptions controlOptions = testOptions(server, u"B"_s);
    controlOptions.reconnectionDelay = 200ms;
    controlOptions.reconnectionDelayMax = 200ms;
    SocketIoClient control(controlOptions);
    QSignalSpy controlConnected(&control, &SocketIoClient::connected);
    QVERIFY(connectAndWait(control, u"/control"_s));
    server.sessionsOf(u"B"_s).last()->abort();
    QTRY_COMPARE(controlConnected.size(), 2);

    QCOMPARE(server.sessionsOf(u"A"_s).size(), 1);
    QCOMPARE(attempts.size(), 0);
    QCOMPARE(client.state(), State::Disconnected);
}

void tst_SocketIoClient::malformedInput_data()
{
    QTest::addColumn<bool>("beforeOpen");
    QTest::addColumn<QVariantList>("frames");

    QTest::newRow("empty frame") << false << QVariantList{QString()};
    QTest::newRow("unknown engine.io type") << false << QVariantList{u"9"_s};
    QTest::newRow("second open packet")
            << false << QVariantList{uR"(0{"sid":"x","pingInterval":100,"pingTimeout":100})"_s};
    QTest::newRow("unknown socket.io type") << false << QVariantList{u"47"_s};
    QTest::newRow("socket.io garbage") << false << QVariantList{u"4garbage"_s};
    QTest::newRow("truncated json") << false << QVariantList{uR"(42["a")"_s};
    QTest::newRow("event payload not an array") << false << QVariantList{uR"(42{"a":1})"_s};
    QTest::newRow("event without a name") << false << QVariantList{u"42[]"_s};
    QTest::newRow("event name not a string") << false << QVariantList{u"42[1]"_s};
    QTest::newRow("connect error without payload") << false << QVariantList{u"44"_s};
    QTest::newRow("ack id too large") << false << QVariantList{uR"(4299999999999999999["a"])"_s};
    QTest::newRow("nesting too deep") << false
                                      << QVariantList{QString(uR"(42["a",)"_s + QString(200, u'[')
                                                              + QString(200, u']') + u']')};
    QTest::newRow("unexpected binary frame") << false << QVariantList{QByteArray("x")};
    QTest::newRow("text while attachments are awaited")
            << false
            << QVariantList{uR"(451-["a",{"_placeholder":true,"num":0}])"_s, uR"(42["b"])"_s};
    QTest::newRow("placeholder out of range")
            << false
            << QVariantList{uR"(451-["a",{"_placeholder":true,"num":3}])"_s, QByteArray("x")};
    QTest::newRow("too many attachments") << false << QVariantList{uR"(4599-["a"])"_s};

    QTest::newRow("open packet not json") << true << QVariantList{u"0{bad"_s};
    QTest::newRow("open packet without sid")
            << true << QVariantList{uR"(0{"pingInterval":100,"pingTimeout":100})"_s};
    QTest::newRow("open packet with a negative ping interval")
            << true << QVariantList{uR"(0{"sid":"x","pingInterval":-5,"pingTimeout":100})"_s};
    QTest::newRow("open packet not an object") << true << QVariantList{u"0[1]"_s};
    QTest::newRow("message before the open packet") << true << QVariantList{uR"(42["a"])"_s};
    QTest::newRow("binary before the open packet") << true << QVariantList{QByteArray("x")};
}

void tst_SocketIoClient::malformedInput()
{
    QFETCH(bool, beforeOpen);
    QFETCH(QVariantList, frames);

    FakeSocketIoServer server;
    QVERIFY(server.listen());
    server.autoOpen = !beforeOpen;
    SocketIoClient client(testOptions(server));
    QSignalSpy errors(&client, &SocketIoClient::errorOccurred);
    QSignalSpy disconnected(&client, &SocketIoClient::disconnected);
    QSignalSpy connected(&client, &SocketIoClient::connected);
    QSignalSpy attempts(&client, &SocketIoClient::reconnectAttempt);

    client.connectNamespace(u"/"_s);
    if (beforeOpen) {
        QTRY_COMPARE(server.sessions().size(), 1);
        server.autoOpen = true;
    } else {
        QTRY_COMPARE(connected.size(), 1);
    }
    FakeSession *first = server.lastSession();
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"protocol error from the server"_s));
    sendFrames(first, frames);

    QTRY_COMPARE(errors.size(), 1);
    QVERIFY2(errors.at(0).at(0).toString().startsWith(u"parse error"_s),
             qPrintable(errors.at(0).at(0).toString()));
    if (!beforeOpen) {
        QCOMPARE(disconnected.size(), 1);
        QCOMPARE(disconnected.at(0).at(1).value<Reason>(), Reason::ParseError);
    }
    QTRY_VERIFY(first->isClosed());
    // The reconnect logic applies: a new session, the namespace connected again.
    QTRY_COMPARE(connected.size(), beforeOpen ? 1 : 2);
    QCOMPARE(attempts.size(), 1);
    QCOMPARE(server.sessions().size(), 2);
}

QTEST_GUILESS_MAIN(tst_SocketIoClient)
#include "tst_socketioclient.moc"
