// SPDX-License-Identifier: MIT
// The server transport driven by the project's own C++ Socket.IO client, both on real sockets in
// one process: what one side writes the other must read back unchanged, through namespaces,
// acknowledgements both ways, attachments, rooms, reconnects and heartbeats.
#include "clienttesting.h"
#include "testserver.h"

#include "client/socketioclient.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QRegularExpression>
#include <QtCore/QUrl>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWebSockets/QWebSocket>

#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

using namespace chat;
using namespace chat::test;
using namespace chat::transport;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

using Reason = SocketIoClient::DisconnectReason;
using State = SocketIoClient::State;
using AckError = SocketIoClient::AckError;
using JsonArrays = QList<JsonArray>;

namespace {

const QString Main = u"/"_s;
const QString Other = u"/other"_s;

//! Bytes that are not all alike, so that a shifted or truncated copy does not compare equal.
QByteArray pattern(qsizetype size, int seed)
{
    QByteArray bytes(size, Qt::Uninitialized);
    quint32 state = quint32(seed) * 2654435761u + 1;
    for (qsizetype i = 0; i < size; ++i) {
        state = state * 1103515245u + 12345u;
        bytes[i] = char(state >> 24);
    }
    return bytes;
}

// Short reconnect delays without randomization keep the reconnect cases quick; the tag comes
// back in the server's Handshake, which tells the clients apart there.
SocketIoOptions clientOptions(const test::TestServer &server, const QString &tag)
{
    SocketIoOptions options;
    options.url = server.url();
    options.query = {{u"client"_s, tag}};
    options.reconnectionDelay = 20ms;
    options.reconnectionDelayMax = 200ms;
    options.randomizationFactor = 0;
    options.connectTimeout = 20s;
    return options;
}

//! Connects \a nsp with \a auth and waits for the answer; false on timeout.
bool connectAndWait(SocketIoClient &client, const QString &nsp, const JsonValue &auth = {})
{
    client.connectNamespace(nsp, auth);
    return QTest::qWaitFor([&] { return client.isConnected(nsp); }, 5000);
}

//! An echo-ack round trip: the server has handled everything \a client sent to \a nsp before,
//! and the client has read everything the server sent it on that connection before the answer.
bool roundTrip(SocketIoClient &client, const QString &nsp)
{
    auto probe = std::make_shared<AckProbe>();
    client.emitWithAck(nsp, u"echo-ack"_s, {JsonValue(u"barrier"_s)}, onAck(probe), 5s,
                       onError(probe));
    return QTest::qWaitFor([&] { return probe->acks + probe->errors > 0; }, 6000)
            && probe->acks == 1;
}

//! The events one client received, in arrival order.
class EventLog : public QObject
{
public:
    struct Event
    {
        QString nsp;
        QString name;
        JsonArray args;
        qint64 ackId = -1;
    };

    explicit EventLog(SocketIoClient *client)
    {
        connect(client, &SocketIoClient::eventReceived, this,
                [this](const QString &nsp, const QString &name, const JsonArray &args,
                       qint64 ackId) {
                    events.append({nsp, name, args, ackId});
                });
    }

    QList<JsonArray> argsOf(const QString &nsp, const QString &name) const
    {
        QList<JsonArray> found;
        for (const Event &event : events) {
            if (event.nsp == nsp && event.name == name)
                found.append(event.args);
        }
        return found;
    }

    qsizetype count(const QString &nsp, const QString &name) const
    {
        return argsOf(nsp, name).size();
    }

    QList<Event> events;
};

//! What the server saw of its sockets.
class ServerLog : public QObject
{
public:
    struct Connection
    {
        SocketId id = 0;
        QString nsp;
        QString client;
    };

    explicit ServerLog(SocketIoServer *io)
    {
        connect(io, &SocketIoServer::socketConnected, this,
                [this](SocketId id, const Handshake &handshake) {
                    connections.append(
                            {id, handshake.nsp, handshake.query.queryItemValue(u"client"_s)});
                });
        connect(io, &SocketIoServer::socketDisconnected, this,
                [this](SocketId id, const QString &reason) {
                    disconnections.append({id, reason});
                });
        connect(io, &SocketIoServer::eventReceived, this,
                [this](SocketId id, const QString &event, const JsonArray &, qint64) {
                    events.append({id, event});
                });
    }

    //! The latest socket of \a client on \a nsp, or 0.
    SocketId idOf(const QString &client, const QString &nsp) const
    {
        for (auto it = connections.crbegin(); it != connections.crend(); ++it) {
            if (it->client == client && it->nsp == nsp)
                return it->id;
        }
        return 0;
    }

    QList<Connection> connections;
    QList<std::pair<SocketId, QString>> disconnections;
    QList<std::pair<SocketId, QString>> events;
};

JsonValue welcome(const QString &nsp, const JsonValue &auth)
{
    return JsonObject{{u"nsp"_s, JsonValue(nsp)}, {u"auth"_s, auth}};
}

} // namespace

class tst_SioClientIntegration : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void twoNamespacesOneConnection_data();
    void twoNamespacesOneConnection();
    void unknownNamespace_data();
    void unknownNamespace();

    void emitWithAck_data();
    void emitWithAck();
    void serverAck_data();
    void serverAck();
    void serverAcksOutOfOrder();

    void binary_data();
    void binary();
    void serverSendsBinary();
    void oversizedMessage_data();
    void oversizedMessage();

    void rooms_data();
    void rooms();

    void reconnectAfterSessionClose();
    void serverNamespaceDisconnect_data();
    void serverNamespaceDisconnect();

    void manyClients();

    void heartbeatKeepsConnection();
    void deadClientIsDropped_data();
    void deadClientIsDropped();
};

void tst_SioClientIntegration::twoNamespacesOneConnection_data()
{
    QTest::addColumn<JsonValue>("mainAuth");
    QTest::addColumn<JsonValue>("otherAuth");
    QTest::addColumn<JsonValue>("expectedMainAuth");
    QTest::addColumn<JsonValue>("expectedOtherAuth");

    const JsonValue a = JsonObject{{u"token"_s, u"a"_s}};
    const JsonValue b = JsonObject{{u"token"_s, u"b"_s}, {u"room"_s, u"phòng 1"_s}};
    QTest::newRow("each its own auth") << a << b << a << b;
    // The server hands an empty object to handlers when the CONNECT carried none.
    QTest::newRow("no auth") << JsonValue() << JsonValue() << JsonValue(JsonObject())
                             << JsonValue(JsonObject());
    const JsonValue nested = json(
            R"({"user":{"id":7,"name":"Nguyễn Văn Ánh 😀"},"scopes":["read","write"],"z":0})");
    QTest::newRow("nested, one side only")
            << nested << JsonValue(JsonObject()) << nested << JsonValue(JsonObject());
}

void tst_SioClientIntegration::twoNamespacesOneConnection()
{
    QFETCH(JsonValue, mainAuth);
    QFETCH(JsonValue, otherAuth);
    QFETCH(JsonValue, expectedMainAuth);
    QFETCH(JsonValue, expectedOtherAuth);

    test::TestServer server;
    QVERIFY(server.start());
    SocketIoClient client(clientOptions(server, u"A"_s));
    EventLog log(&client);
    QSignalSpy connected(&client, &SocketIoClient::connected);

    client.connectNamespace(Main, mainAuth);
    client.connectNamespace(Other, otherAuth);
    QTRY_COMPARE(connected.size(), 2);
    QVERIFY(client.isConnected(Main));
    QVERIFY(client.isConnected(Other));
    QVERIFY(!client.socketId(Main).isEmpty());
    QVERIFY(!client.socketId(Other).isEmpty());
    QVERIFY(client.socketId(Main) != client.socketId(Other));
    QCOMPARE(server.engine()->sessionCount(), 1);
    QCOMPARE(server.io()->socketCount(), 2);

    QTRY_COMPARE(log.events.size(), 2);
    QCOMPARE(log.count(Main, u"welcome"_s), 1);
    QCOMPARE(log.count(Other, u"welcome"_s), 1);
    const JsonArray mainWelcome = log.argsOf(Main, u"welcome"_s).first();
    const JsonArray otherWelcome = log.argsOf(Other, u"welcome"_s).first();
    QCOMPARE(dump(mainWelcome), dump(JsonArray{welcome(Main, expectedMainAuth)}));
    QCOMPARE(dump(otherWelcome), dump(JsonArray{welcome(Other, expectedOtherAuth)}));
    // Also in key order, which dump() shows but a reordering comparison would hide.
    QVERIFY(mainWelcome == JsonArray{welcome(Main, expectedMainAuth)});
    QVERIFY(otherWelcome == JsonArray{welcome(Other, expectedOtherAuth)});
}

void tst_SioClientIntegration::unknownNamespace_data()
{
    QTest::addColumn<QString>("nsp");
    QTest::addColumn<bool>("withMain");

    QTest::newRow("alone") << u"/nope"_s << false;
    QTest::newRow("beside a connected namespace") << u"/nope"_s << true;
    QTest::newRow("differs in case") << u"/Other"_s << true;
    QTest::newRow("below a known one") << u"/other/sub"_s << false;
}

void tst_SioClientIntegration::unknownNamespace()
{
    QFETCH(QString, nsp);
    QFETCH(bool, withMain);

    test::TestServer server;
    QVERIFY(server.start());
    SocketIoClient client(clientOptions(server, u"A"_s));
    QSignalSpy connectErrors(&client, &SocketIoClient::connectError);
    QSignalSpy disconnected(&client, &SocketIoClient::disconnected);
    QSignalSpy scheduled(&client, &SocketIoClient::reconnectScheduled);
    if (withMain)
        QVERIFY(connectAndWait(client, Main));

    client.connectNamespace(nsp, JsonObject{{u"token"_s, u"x"_s}});
    QTRY_COMPARE(connectErrors.size(), 1);
    QCOMPARE(connectErrors.at(0).at(0).toString(), nsp);
    QCOMPARE(dump(connectErrors.at(0).at(1).value<JsonValue>()),
             QByteArray(R"({"message":"Invalid namespace"})"));
    QVERIFY(!client.isConnected(nsp));
    QCOMPARE(disconnected.size(), 0);
    QCOMPARE(scheduled.size(), 0);

    if (withMain) {
        QCOMPARE(client.state(), State::Connected);
        QCOMPARE(client.namespaces(), QStringList{Main});
        QVERIFY(roundTrip(client, Main));
        QCOMPARE(server.engine()->sessionCount(), 1);
        QCOMPARE(server.io()->socketCount(), 1);
    } else {
        // Refused as the last namespace, the connection is over for good.
        QCOMPARE(client.state(), State::Disconnected);
        QCOMPARE(client.namespaces(), QStringList());
        QTRY_COMPARE(server.engine()->sessionCount(), 0);
        QCOMPARE(server.io()->socketCount(), 0);
        QCOMPARE(scheduled.size(), 0);
    }
}

void tst_SioClientIntegration::emitWithAck_data()
{
    QTest::addColumn<JsonArray>("args");

    QTest::newRow("no arguments") << JsonArray{};
    QTest::newRow("integers") << jsonArray("[0,-1,42,9007199254740991,-9007199254740991]");
    QTest::newRow("doubles") << jsonArray("[3.14,-0.5,1e-7,1.5e300,0.1]");
    QTest::newRow("vietnamese") << JsonArray{
            JsonValue(u"Xin chào thế giới"_s),
            JsonValue(u"Tiếng Việt có dấu: ắ ằ ẳ ẵ ặ ấ ầ ẩ ẫ ậ đ Đ ơ ư Ơ Ư"_s),
            JsonValue(u"NGƯỜI DÙNG ĐÃ RỜI PHÒNG"_s),
    };
    QTest::newRow("emoji") << JsonArray{JsonValue(u"😀"_s),
                                        JsonValue(u"👍🏽 🇻🇳 👨‍👩‍👧‍👦"_s),
                                        JsonValue(u"chúc mừng 🎉 năm mới 🧧"_s)};
    QTest::newRow("escapes") << JsonArray{
            JsonValue(u"quote \" backslash \\ slash / newline \n tab \t"_s),
            JsonValue(QString(QString(QChar(1)) + u"control"_s + QChar(0x1f))),
            JsonValue(u"</script><b>not html</b>"_s), JsonValue(QString())};
    QTest::newRow("nested objects keep key order") << jsonArray(
            R"([{"z":1,"a":{"y":[1,2,{"b":null,"a":true}],"x":"s"},"m":false,"b":{"d":{},"c":[]}}])");
    QTest::newRow("keys in any script") << JsonArray{JsonObject{{u"khóa"_s, u"giá trị"_s},
                                                                {u"🔑"_s, 1},
                                                                {QString(), u"empty key"_s},
                                                                {u"a\"b"_s, 2},
                                                                {u"Z"_s, 3},
                                                                {u"A"_s, 4}}};
    QTest::newRow("arrays") << jsonArray(
            R"([[],[1,[2,[3,[4,[5]]]]],["mixed",1,2.5,null,true,{"k":"v"},[]]])");
    QTest::newRow("null") << JsonArray{JsonValue()};
    QTest::newRow("nulls among values") << jsonArray(R"([null,1,null,"x",null])");
    QTest::newRow("booleans") << JsonArray{true, false};
    QTest::newRow("empty object") << JsonArray{JsonObject()};
    // Only attachments of binary packets are placeholders; in a plain event it is just data.
    QTest::newRow("placeholder look-alike") << jsonArray(R"([{"_placeholder":true,"num":0}])");

    JsonArray many;
    for (int i = 0; i < 40; ++i)
        many.append(i % 2 ? JsonValue(i) : JsonValue(u"đối số %1"_s.arg(i)));
    QTest::newRow("forty arguments") << many;

    QString longText;
    while (longText.size() < 100000)
        longText += u"Một đoạn văn dài có dấu và emoji 🌸. "_s;
    QTest::newRow("long text") << JsonArray{JsonValue(longText)};
}

void tst_SioClientIntegration::emitWithAck()
{
    QFETCH(JsonArray, args);

    test::TestServer server;
    QVERIFY(server.start());
    SocketIoClient client(clientOptions(server, u"A"_s));
    EventLog log(&client);
    QVERIFY(connectAndWait(client, Main));
    QVERIFY(connectAndWait(client, Other));

    for (const QString &nsp : {Main, Other}) {
        auto probe = std::make_shared<AckProbe>();
        client.emitWithAck(nsp, u"echo-ack"_s, args, onAck(probe), 10s, onError(probe));
        QTRY_COMPARE(probe->acks + probe->errors, 1);
        QCOMPARE(probe->errors, 0);
        QCOMPARE(dump(probe->args), dump(args));
        QVERIFY(probe->args == args);

        // The same arguments as a plain event come back as an event.
        client.emitEvent(nsp, u"echo"_s, args);
        QTRY_COMPARE(log.count(nsp, u"echo-back"_s), 1);
        const JsonArray echoed = log.argsOf(nsp, u"echo-back"_s).first();
        QCOMPARE(dump(echoed), dump(args));
        QVERIFY(echoed == args);
    }
    QCOMPARE(client.state(), State::Connected);
}

void tst_SioClientIntegration::serverAck_data()
{
    QTest::addColumn<QString>("nsp");
    QTest::addColumn<JsonValue>("value");
    QTest::addColumn<JsonArray>("answer");

    QTest::newRow("text") << Main << JsonValue(u"Bạn khỏe không?"_s)
                          << JsonArray{JsonValue(u"Khỏe, cảm ơn 👍"_s)};
    QTest::newRow("other namespace")
            << Other << json(R"({"q":1,"opts":[1,2]})") << jsonArray(R"([{"ok":true,"n":2},null])");
    QTest::newRow("empty answer") << Main << JsonValue(0) << JsonArray{};
    QTest::newRow("null value") << Other << JsonValue() << JsonArray{false};
    QTest::newRow("binary answer")
            << Main << JsonValue(u"gửi tệp"_s)
            << JsonArray{bin(QByteArray("\x00\xff\x10", 3)),
                         JsonObject{{u"file"_s, bin(pattern(4096, 1))}, {u"name"_s, u"ả.bin"_s}}};
    QTest::newRow("binary answer in a namespace")
            << Other << JsonValue(true) << JsonArray{bin(QByteArray("xyz"))};
}

void tst_SioClientIntegration::serverAck()
{
    QFETCH(QString, nsp);
    QFETCH(JsonValue, value);
    QFETCH(JsonArray, answer);

    test::TestServer server;
    QVERIFY(server.start());
    SocketIoClient client(clientOptions(server, u"A"_s));
    EventLog log(&client);
    connect(&client, &SocketIoClient::eventReceived, &client,
            [&client, answer](const QString &from, const QString &event, const JsonArray &,
                              qint64 ackId) {
                if (event == u"question"_s && ackId >= 0)
                    client.sendAck(from, ackId, answer);
            });
    QVERIFY(connectAndWait(client, nsp));

    client.emitEvent(nsp, u"ask-me"_s, {value});
    QTRY_COMPARE(log.count(nsp, u"answer"_s), 1);
    QCOMPARE(log.count(nsp, u"question"_s), 1);
    for (const EventLog::Event &event : std::as_const(log.events)) {
        if (event.name == u"question"_s) {
            QVERIFY(event.ackId >= 0);
            QCOMPARE(dump(event.args), dump(JsonArray{value}));
        }
    }
    const JsonArray answered = log.argsOf(nsp, u"answer"_s).first();
    QCOMPARE(dump(answered), dump(answer));
    QVERIFY(answered == answer);
}

void tst_SioClientIntegration::serverAcksOutOfOrder()
{
    test::TestServer server;
    QVERIFY(server.start());
    SocketIoClient client(clientOptions(server, u"A"_s));
    EventLog log(&client);
    QVERIFY(connectAndWait(client, Main));

    for (int value = 1; value <= 3; ++value)
        client.emitEvent(Main, u"ask-me"_s, {value});
    QTRY_COMPARE(log.count(Main, u"question"_s), 3);

    // Answered last first, and the first one twice: the server must take each id once.
    QList<qint64> ids;
    for (const EventLog::Event &event : std::as_const(log.events)) {
        if (event.name == u"question"_s)
            ids.append(event.ackId);
    }
    QCOMPARE(ids.size(), 3);
    QVERIFY(ids.at(0) != ids.at(1) && ids.at(1) != ids.at(2) && ids.at(0) != ids.at(2));
    for (qsizetype i = ids.size() - 1; i >= 0; --i)
        client.sendAck(Main, ids.at(i), {qint64(i + 1) * 10});
    client.sendAck(Main, ids.at(0), {-1});
    QVERIFY(roundTrip(client, Main));

    const QList<JsonArray> answers = log.argsOf(Main, u"answer"_s);
    QCOMPARE(dump(JsonArray(answers.cbegin(), answers.cend())), QByteArray("[[30],[20],[10]]"));
}

void tst_SioClientIntegration::binary_data()
{
    QTest::addColumn<JsonArray>("args");

    QTest::newRow("one attachment") << JsonArray{bin(QByteArray("\x00\x01\x02\xff", 4))};
    QTest::newRow("empty attachment") << JsonArray{bin(QByteArray()), JsonValue(u"sau"_s)};
    QTest::newRow("two attachments")
            << JsonArray{bin(pattern(1000, 1)), JsonValue(u"giữa 🐉"_s), bin(pattern(3000, 2))};
    QTest::newRow("nested in objects and arrays") << JsonArray{JsonObject{
            {u"name"_s, u"ảnh.png"_s},
            {u"data"_s, bin(pattern(256, 3))},
            {u"parts"_s, JsonArray{bin(pattern(10, 4)), JsonObject{{u"inner"_s, bin("x")}}}},
            {u"size"_s, 256}}};
    // One attachment is one WebSocket message: close to, but under, the server's maxPayload.
    QTest::newRow("1 MB under maxPayload")
            << JsonArray{bin(pattern(1000000 - 1000, 5)), JsonValue(u"lớn"_s)};
    // As in the reference server (ws), a message of exactly maxPayload bytes is allowed.
    QTest::newRow("exactly maxPayload") << JsonArray{bin(pattern(1000000, 8))};
    // maxPayload bounds each message, not the packet: these two exceed it together.
    QTest::newRow("two large attachments")
            << JsonArray{bin(pattern(600000, 6)), bin(pattern(600000, 7))};
}

void tst_SioClientIntegration::binary()
{
    QFETCH(JsonArray, args);

    test::TestServer server;
    QVERIFY(server.start());
    SocketIoClient client(clientOptions(server, u"A"_s));
    EventLog log(&client);
    QSignalSpy disconnected(&client, &SocketIoClient::disconnected);
    QVERIFY(connectAndWait(client, Main));
    QVERIFY(connectAndWait(client, Other));

    for (const QString &nsp : {Main, Other}) {
        client.emitEvent(nsp, u"echo"_s, args);
        QTRY_COMPARE(log.count(nsp, u"echo-back"_s), 1);
        const JsonArray echoed = log.argsOf(nsp, u"echo-back"_s).first();
        QCOMPARE(dump(echoed), dump(args));
        QVERIFY(echoed == args);

        auto probe = std::make_shared<AckProbe>();
        client.emitWithAck(nsp, u"echo-ack"_s, args, onAck(probe), 10s, onError(probe));
        QTRY_COMPARE(probe->acks + probe->errors, 1);
        QCOMPARE(probe->errors, 0);
        QCOMPARE(dump(probe->args), dump(args));
        QVERIFY(probe->args == args);
    }
    QCOMPARE(disconnected.size(), 0);
    QCOMPARE(server.engine()->sessionCount(), 1);
}

void tst_SioClientIntegration::serverSendsBinary()
{
    test::TestServer server;
    QVERIFY(server.start());
    SocketIoClient client(clientOptions(server, u"A"_s));
    EventLog log(&client);
    QVERIFY(connectAndWait(client, Main));
    QVERIFY(connectAndWait(client, Other));

    for (const QString &nsp : {Main, Other}) {
        client.emitEvent(nsp, u"binary-please"_s);
        QTRY_COMPARE(log.count(nsp, u"binary"_s), 1);
        const JsonArray args = log.argsOf(nsp, u"binary"_s).first();
        QCOMPARE(args.size(), 2);
        QVERIFY(args.at(0).isBinary());
        QCOMPARE(args.at(0).toBinary(), QByteArray("\x01\x02\x03", 3));
        QCOMPARE(args.at(1).toString(), u"ok"_s);
    }
}

void tst_SioClientIntegration::oversizedMessage_data()
{
    QTest::addColumn<JsonArray>("args");
    QTest::addColumn<QString>("clientWarning");

    QTest::newRow("attachment") << JsonArray{bin(pattern(1000001, 11))}
                                << u"attachment larger than the server's maxPayload"_s;
    QTest::newRow("text frame") << JsonArray{JsonValue(QString(1000000, u'a'))}
                                << u"frame larger than the server's maxPayload"_s;
}

void tst_SioClientIntegration::oversizedMessage()
{
    QFETCH(JsonArray, args);
    QFETCH(QString, clientWarning);

    test::TestServer server;
    QVERIFY(server.start());
    ServerLog serverLog(server.io());
    SocketIoClient client(clientOptions(server, u"A"_s));
    QSignalSpy connected(&client, &SocketIoClient::connected);
    QSignalSpy disconnected(&client, &SocketIoClient::disconnected);
    QVERIFY(connectAndWait(client, Main));
    QCOMPARE(client.engineInfo().maxPayload, 1000000);

    // Over the limit the server drops the connection, as the reference does (close 1009);
    // the client loses the answer and comes back.
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(QRegularExpression::escape(clientWarning)));
    auto probe = std::make_shared<AckProbe>();
    client.emitWithAck(Main, u"echo-ack"_s, args, onAck(probe), 10s, onError(probe));
    QTRY_COMPARE(probe->acks + probe->errors, 1);
    QCOMPARE(probe->acks, 0);
    QCOMPARE(probe->error, AckError::Disconnected);
    QCOMPARE(disconnected.size(), 1);
    QCOMPARE(disconnected.at(0).at(1).value<Reason>(), Reason::TransportClose);
    QCOMPARE(serverLog.disconnections.size(), 1);
    QCOMPARE(serverLog.disconnections.at(0).first, serverLog.connections.at(0).id);

    QTRY_COMPARE(connected.size(), 2);
    QVERIFY(roundTrip(client, Main));
    QCOMPARE(server.engine()->sessionCount(), 1);
}

void tst_SioClientIntegration::rooms_data()
{
    QTest::addColumn<QString>("sender");
    QTest::addColumn<JsonArray>("args");

    QTest::newRow("from outside the room") << u"C"_s << jsonArray(R"(["chào phòng r",{"n":1}])");
    QTest::newRow("from a member") << u"A"_s << jsonArray(R"(["từ A 👋"])");
    QTest::newRow("no arguments") << u"C"_s << JsonArray{};
    QTest::newRow("with an attachment")
            << u"B"_s << JsonArray{bin(pattern(2048, 9)), JsonValue(u"tệp"_s)};
}

void tst_SioClientIntegration::rooms()
{
    QFETCH(QString, sender);
    QFETCH(JsonArray, args);

    test::TestServer server;
    QVERIFY(server.start());
    ServerLog serverLog(server.io());
    SocketIoClient a(clientOptions(server, u"A"_s));
    SocketIoClient b(clientOptions(server, u"B"_s));
    SocketIoClient c(clientOptions(server, u"C"_s));
    EventLog logA(&a);
    EventLog logB(&b);
    EventLog logC(&c);
    QVERIFY(connectAndWait(a, Main));
    QVERIFY(connectAndWait(b, Main));
    QVERIFY(connectAndWait(c, Main));
    QVERIFY(connectAndWait(c, Other));

    a.emitEvent(Main, u"join"_s, {JsonValue(u"r"_s)});
    b.emitEvent(Main, u"join"_s, {JsonValue(u"r"_s)});
    // A room of the same name in another namespace is another room.
    c.emitEvent(Other, u"join"_s, {JsonValue(u"r"_s)});
    QVERIFY(roundTrip(a, Main));
    QVERIFY(roundTrip(b, Main));
    QVERIFY(roundTrip(c, Other));
    QList<SocketId> members = server.io()->roomMembers(Main, u"r"_s);
    std::sort(members.begin(), members.end());
    QList<SocketId> expectedMembers{serverLog.idOf(u"A"_s, Main), serverLog.idOf(u"B"_s, Main)};
    std::sort(expectedMembers.begin(), expectedMembers.end());
    QCOMPARE(members, expectedMembers);
    QCOMPARE(server.io()->roomMembers(Other, u"r"_s),
             QList<SocketId>{serverLog.idOf(u"C"_s, Other)});

    SocketIoClient &from = sender == u"A"_s ? a : sender == u"B"_s ? b : c;
    JsonArray toRoom{JsonValue(u"r"_s), JsonValue(u"room-msg"_s)};
    toRoom.append(args);
    from.emitEvent(Main, u"to-room"_s, toRoom);

    QTRY_COMPARE(logA.count(Main, u"room-msg"_s), 1);
    QTRY_COMPARE(logB.count(Main, u"room-msg"_s), 1);
    QCOMPARE(dump(logA.argsOf(Main, u"room-msg"_s).first()), dump(args));
    QCOMPARE(dump(logB.argsOf(Main, u"room-msg"_s).first()), dump(args));

    // Anything still on its way to a client arrives before the answer to its round trip.
    QVERIFY(roundTrip(a, Main));
    QVERIFY(roundTrip(b, Main));
    QVERIFY(roundTrip(c, Main));
    QVERIFY(roundTrip(c, Other));
    QCOMPARE(logA.count(Main, u"room-msg"_s), 1);
    QCOMPARE(logB.count(Main, u"room-msg"_s), 1);
    QCOMPARE(logC.count(Main, u"room-msg"_s), 0);
    QCOMPARE(logC.count(Other, u"room-msg"_s), 0);
}

void tst_SioClientIntegration::reconnectAfterSessionClose()
{
    test::TestServer server;
    QVERIFY(server.start());
    ServerLog serverLog(server.io());
    SocketIoClient client(clientOptions(server, u"A"_s));
    EventLog log(&client);
    QSignalSpy connected(&client, &SocketIoClient::connected);
    QSignalSpy disconnected(&client, &SocketIoClient::disconnected);
    QSignalSpy reconnected(&client, &SocketIoClient::reconnected);

    const JsonValue mainAuth = JsonObject{{u"token"_s, u"a"_s}};
    const JsonValue otherAuth = JsonObject{{u"token"_s, u"b"_s}, {u"tên"_s, u"Hà Nội"_s}};
    QVERIFY(connectAndWait(client, Main, mainAuth));
    QVERIFY(connectAndWait(client, Other, otherAuth));
    QTRY_COMPARE(log.count(Main, u"welcome"_s) + log.count(Other, u"welcome"_s), 2);
    const QString firstSid = client.engineInfo().sid;
    QVERIFY(!firstSid.isEmpty());
    const qsizetype connectionsBefore = serverLog.connections.size();

    // Emitted while the connection is down: buffered, and sent once the namespace is back.
    auto queuedAck = std::make_shared<AckProbe>();
    auto queuedOtherAck = std::make_shared<AckProbe>();
    bool emittedWhileDown = false;
    std::optional<State> stateWhileDown;
    const JsonArray queuedArgs = jsonArray(R"(["gửi khi mất kết nối",{"n":1}])");
    connect(&client, &SocketIoClient::disconnected, &client, [&](const QString &nsp) {
        if (emittedWhileDown || nsp != Main)
            return;
        emittedWhileDown = true;
        stateWhileDown = client.state();
        client.emitEvent(Main, u"echo"_s, queuedArgs);
        client.emitWithAck(Main, u"echo-ack"_s, queuedArgs, onAck(queuedAck), 10s,
                           onError(queuedAck));
        client.emitWithAck(Other, u"echo-ack"_s, {JsonValue(u"other"_s)}, onAck(queuedOtherAck),
                           10s, onError(queuedOtherAck));
    });

    client.emitEvent(Main, u"kick-me"_s);
    QTRY_COMPARE(disconnected.size(), 2);
    QCOMPARE(disconnected.at(0).at(0).toString(), Main);
    QCOMPARE(disconnected.at(0).at(1).value<Reason>(), Reason::TransportClose);
    QCOMPARE(disconnected.at(1).at(0).toString(), Other);
    QCOMPARE(disconnected.at(1).at(1).value<Reason>(), Reason::TransportClose);
    QVERIFY(emittedWhileDown);
    QCOMPARE(stateWhileDown, std::optional<State>(State::Reconnecting));

    QTRY_COMPARE(connected.size(), 4);
    QCOMPARE(reconnected.size(), 1);
    QVERIFY(client.isConnected(Main));
    QVERIFY(client.isConnected(Other));
    QVERIFY(client.engineInfo().sid != firstSid);
    QCOMPARE(client.state(), State::Connected);

    QTRY_COMPARE(log.count(Main, u"welcome"_s), 2);
    QTRY_COMPARE(log.count(Other, u"welcome"_s), 2);
    QCOMPARE(dump(log.argsOf(Main, u"welcome"_s).last()), dump(JsonArray{welcome(Main, mainAuth)}));
    QCOMPARE(dump(log.argsOf(Other, u"welcome"_s).last()),
             dump(JsonArray{welcome(Other, otherAuth)}));

    QTRY_COMPARE(log.count(Main, u"echo-back"_s), 1);
    QCOMPARE(dump(log.argsOf(Main, u"echo-back"_s).first()), dump(queuedArgs));
    QTRY_COMPARE(queuedAck->acks, 1);
    QCOMPARE(dump(queuedAck->args), dump(queuedArgs));
    QTRY_COMPARE(queuedOtherAck->acks, 1);
    QCOMPARE(dump(queuedOtherAck->args), QByteArray(R"(["other"])"));
    QCOMPARE(queuedAck->errors + queuedOtherAck->errors, 0);

    // The old session is gone on the server, and the buffered emits arrived on the new one.
    QTRY_COMPARE(server.engine()->sessionCount(), 1);
    QCOMPARE(server.io()->socketCount(), 2);
    QCOMPARE(serverLog.connections.size(), connectionsBefore + 2);
    const SocketId newMain = serverLog.idOf(u"A"_s, Main);
    const SocketId newOther = serverLog.idOf(u"A"_s, Other);
    QList<std::pair<SocketId, QString>> queuedEvents = serverLog.events;
    queuedEvents.removeIf([](const auto &event) { return event.second == u"kick-me"_s; });
    QCOMPARE(queuedEvents,
             (QList<std::pair<SocketId, QString>>{
                     {newMain, u"echo"_s}, {newMain, u"echo-ack"_s}, {newOther, u"echo-ack"_s}}));
}

void tst_SioClientIntegration::serverNamespaceDisconnect_data()
{
    QTest::addColumn<QStringList>("namespaces");
    QTest::addColumn<QString>("dropped");

    QTest::newRow("one of two") << QStringList{Main, Other} << Other;
    QTest::newRow("main, other kept") << QStringList{Main, Other} << Main;
    QTest::newRow("the only one") << QStringList{Main} << Main;
}

void tst_SioClientIntegration::serverNamespaceDisconnect()
{
    QFETCH(QStringList, namespaces);
    QFETCH(QString, dropped);

    test::TestServer server;
    QVERIFY(server.start());
    ServerLog serverLog(server.io());
    SocketIoClient client(clientOptions(server, u"A"_s));
    QSignalSpy disconnected(&client, &SocketIoClient::disconnected);
    QSignalSpy scheduled(&client, &SocketIoClient::reconnectScheduled);
    QSignalSpy connected(&client, &SocketIoClient::connected);
    for (const QString &nsp : std::as_const(namespaces))
        QVERIFY(connectAndWait(client, nsp));
    const SocketId id = serverLog.idOf(u"A"_s, dropped);
    QVERIFY(id != 0);

    server.io()->disconnectSocket(id, false);
    QTRY_COMPARE(disconnected.size(), 1);
    QCOMPARE(disconnected.at(0).at(0).toString(), dropped);
    QCOMPARE(disconnected.at(0).at(1).value<Reason>(), Reason::IoServerDisconnect);
    QVERIFY(!client.isConnected(dropped));
    QCOMPARE(serverLog.disconnections,
             (QList<std::pair<SocketId, QString>>{{id, u"server namespace disconnect"_s}}));

    QStringList remaining = namespaces;
    remaining.removeAll(dropped);
    QCOMPARE(client.namespaces(), remaining);
    if (remaining.isEmpty()) {
        // Nothing left to carry: the client closes the connection and plans no reconnect.
        QCOMPARE(client.state(), State::Disconnected);
        QTRY_COMPARE(server.engine()->sessionCount(), 0);
    } else {
        QCOMPARE(client.state(), State::Connected);
        for (const QString &nsp : std::as_const(remaining))
            QVERIFY(roundTrip(client, nsp));
        QCOMPARE(server.engine()->sessionCount(), 1);
    }
    QCOMPARE(scheduled.size(), 0);
    QCOMPARE(connected.size(), namespaces.size());
    QCOMPARE(serverLog.connections.size(), namespaces.size());
    QCOMPARE(server.io()->socketCount(), remaining.size());
}

void tst_SioClientIntegration::manyClients()
{
    constexpr int Clients = 200;
    constexpr int AcksPerClient = 50;

    test::TestServer server;
    QVERIFY(server.start());
    const auto payload = [](int client, int seq) {
        return JsonArray{
                JsonObject{{u"client"_s, client},
                           {u"seq"_s, seq},
                           {u"text"_s, u"tin nhắn %1 của %2 🚀"_s.arg(seq).arg(client)}},
                JsonValue(seq),
        };
    };

    // Declared before the clients, whose callbacks write to them.
    std::vector<JsonArrays> received(Clients);
    int acks = 0;
    int errors = 0;
    std::vector<std::unique_ptr<SocketIoClient>> clients;
    QElapsedTimer elapsed;
    elapsed.start();
    for (int i = 0; i < Clients; ++i) {
        clients.push_back(
                std::make_unique<SocketIoClient>(clientOptions(server, QString::number(i))));
        SocketIoClient *client = clients.back().get();
        client->connectNamespace(Main);
        // Emitted before the namespace is connected: the buffer must keep the order too.
        for (int seq = 0; seq < AcksPerClient; ++seq) {
            client->emitWithAck(
                    Main, u"echo-ack"_s, payload(i, seq),
                    [&received, &acks, i](const JsonArray &args) {
                        received[size_t(i)].append(args);
                        ++acks;
                    },
                    60s, [&errors](AckError) { ++errors; });
        }
    }

    QTRY_COMPARE_WITH_TIMEOUT(acks + errors, Clients * AcksPerClient, 90000);
    qInfo("%d clients x %d acks in %lld ms", Clients, AcksPerClient,
          static_cast<long long>(elapsed.elapsed()));
    QCOMPARE(errors, 0);
    QCOMPARE(server.engine()->sessionCount(), Clients);
    QCOMPARE(server.io()->socketCount(), Clients);
    for (int i = 0; i < Clients; ++i) {
        const JsonArrays &got = received[size_t(i)];
        QCOMPARE(got.size(), AcksPerClient);
        for (int seq = 0; seq < AcksPerClient; ++seq) {
            if (got.at(seq) != payload(i, seq)) {
                QCOMPARE(dump(got.at(seq)), dump(payload(i, seq)));
                QFAIL("same dump, different values");
            }
        }
    }

    for (const auto &client : clients)
        client->close();
    QTRY_COMPARE_WITH_TIMEOUT(server.engine()->sessionCount(), 0, 20000);
    QCOMPARE(server.io()->socketCount(), 0);
}

void tst_SioClientIntegration::heartbeatKeepsConnection()
{
    EngineIoOptions options;
    options.pingIntervalMs = 200;
    options.pingTimeoutMs = 200;
    test::TestServer server(options);
    QVERIFY(server.start());
    ServerLog serverLog(server.io());
    SocketIoClient client(clientOptions(server, u"A"_s));
    QSignalSpy disconnected(&client, &SocketIoClient::disconnected);
    QSignalSpy errors(&client, &SocketIoClient::errorOccurred);
    QVERIFY(connectAndWait(client, Main));
    QCOMPARE(client.engineInfo().pingInterval, 200ms);
    QCOMPARE(client.engineInfo().pingTimeout, 200ms);
    const QString sid = client.engineInfo().sid;

    // The server's pings as the client's socket reads them: twelve of them span over 2 s, and
    // each one left unanswered for 200 ms would have ended the session.
    auto *socket = client.findChild<QWebSocket *>();
    QVERIFY(socket);
    int pings = 0;
    connect(socket, &QWebSocket::textMessageReceived, socket, [&pings](const QString &frame) {
        if (frame == u"2"_s)
            ++pings;
    });
    QElapsedTimer elapsed;
    elapsed.start();
    QTRY_VERIFY_WITH_TIMEOUT(pings >= 12, 10000);
    QVERIFY2(elapsed.elapsed() >= 2000, QByteArray::number(elapsed.elapsed()).constData());

    QCOMPARE(disconnected.size(), 0);
    QCOMPARE(errors.size(), 0);
    QCOMPARE(client.state(), State::Connected);
    QCOMPARE(client.engineInfo().sid, sid);
    QCOMPARE(server.engine()->sessionCount(), 1);
    QVERIFY(serverLog.disconnections.isEmpty());
    QVERIFY(roundTrip(client, Main));
}

void tst_SioClientIntegration::deadClientIsDropped_data()
{
    QTest::addColumn<bool>("silentPeer");
    QTest::addColumn<QString>("reason");

    // The client object goes away without close(): its socket is torn down with it.
    QTest::newRow("client deleted") << false << u"transport close"_s;
    // The peer keeps its TCP connection open but answers no ping: only the heartbeat notices.
    QTest::newRow("peer stops answering pings") << true << u"ping timeout"_s;
}

void tst_SioClientIntegration::deadClientIsDropped()
{
    QFETCH(bool, silentPeer);
    QFETCH(QString, reason);

    EngineIoOptions options;
    options.pingIntervalMs = 200;
    options.pingTimeoutMs = 200;
    test::TestServer server(options);
    QVERIFY(server.start());
    ServerLog serverLog(server.io());

    auto client = std::make_unique<SocketIoClient>(clientOptions(server, u"A"_s));
    QWebSocket peer;
    int peerPings = 0;
    if (silentPeer) {
        connect(&peer, &QWebSocket::textMessageReceived, &peer,
                [&peer, &peerPings](const QString &frame) {
                    if (frame.startsWith(u'0'))
                        peer.sendTextMessage(u"40"_s);
                    else if (frame == u"2"_s)
                        ++peerPings;
                });
        peer.open(SocketIoClient::engineUrl(clientOptions(server, u"silent"_s)));
    } else {
        QVERIFY(connectAndWait(*client, Main));
    }
    QTRY_COMPARE(serverLog.connections.size(), 1);
    QCOMPARE(server.engine()->sessionCount(), 1);

    if (!silentPeer)
        client.reset();
    QTRY_COMPARE_WITH_TIMEOUT(server.engine()->sessionCount(), 0, 5000);
    QCOMPARE(server.io()->socketCount(), 0);
    QCOMPARE(serverLog.disconnections.size(), 1);
    QCOMPARE(serverLog.disconnections.at(0).first, serverLog.connections.at(0).id);
    QCOMPARE(serverLog.disconnections.at(0).second, reason);
    if (silentPeer) {
        QVERIFY(peerPings >= 1);
        QTRY_COMPARE(peer.state(), QAbstractSocket::UnconnectedState);
    }
}

QTEST_GUILESS_MAIN(tst_SioClientIntegration)
#include "tst_sioclient_integration.moc"
