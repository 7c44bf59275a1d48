// SPDX-License-Identifier: MIT
// The TestServer with two I/O threads: direct WebSockets are served by the threads, everything
// else by the HTTP server in this thread, and both kinds of session share rooms. Raw clients
// check the wire: the handshake in pieces or with frames behind it, fragments, control frames,
// protocol errors, and a reconnect storm.
#include "io/websocket.h"
#include "testserver.h"

#include "client/socketioclient.h"

#include <QtCore/QElapsedTimer>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWebSockets/QWebSocket>

#include <memory>
#include <vector>

using namespace chat;
using namespace chat::transport;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

constexpr int IoThreads = 2;
const QByteArray DirectHead = "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                              "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                              "Sec-WebSocket-Version: 13\r\nX-Test: raw\r\n\r\n";

QByteArray maskedFrame(quint8 opcode, const QByteArray &payload, bool fin = true,
                       bool masked = true)
{
    QByteArray frame;
    frame.append(char((fin ? 0x80 : 0) | opcode));
    const qsizetype n = payload.size();
    const char maskBit = masked ? char(0x80) : char(0);
    if (n < 126) {
        frame.append(char(maskBit | n));
    } else if (n <= 0xffff) {
        frame.append(char(maskBit | 126));
        frame.append(char(n >> 8));
        frame.append(char(n & 0xff));
    } else {
        frame.append(char(maskBit | 127));
        for (int i = 7; i >= 0; --i)
            frame.append(char((quint64(n) >> (8 * i)) & 0xff));
    }
    if (!masked)
        return frame + payload;
    const char key[4] = {0x12, 0x34, 0x56, 0x78};
    frame.append(key, 4);
    for (qsizetype i = 0; i < n; ++i)
        frame.append(char(payload[i] ^ key[i % 4]));
    return frame;
}

//! A WebSocket client on a bare QTcpSocket: writes exactly the bytes a test asks for and
//! keeps every frame the server sends.
class RawClient : public QObject
{
public:
    struct Frame
    {
        int opcode;
        QByteArray payload;
    };

    explicit RawClient(quint16 port)
    {
        connect(&socket, &QTcpSocket::readyRead, this, &RawClient::onReadyRead);
        connect(&socket, &QTcpSocket::disconnected, this, [this] { closed = true; });
        socket.connectToHost(QHostAddress::LocalHost, port);
    }

    void write(const QByteArray &bytes) { socket.write(bytes); }
    void send(const QByteArray &text) { write(maskedFrame(1, text)); }

    //! The text frames received, pings answered unless autoPong is off.
    QList<QByteArray> texts() const
    {
        QList<QByteArray> found;
        for (const Frame &frame : frames) {
            if (frame.opcode == 1)
                found.append(frame.payload);
        }
        return found;
    }
    //! The close code of the close frame received; -1 when none came.
    int closeCode() const
    {
        for (const Frame &frame : frames) {
            if (frame.opcode == 8)
                return frame.payload.size() >= 2
                        ? (uchar(frame.payload[0]) << 8 | uchar(frame.payload[1]))
                        : 1005;
        }
        return -1;
    }

    QTcpSocket socket;
    QByteArray head;
    QList<Frame> frames;
    bool upgraded = false;
    bool closed = false;
    bool autoPong = true;

private:
    void onReadyRead()
    {
        m_buffer.append(socket.readAll());
        if (!upgraded) {
            const qsizetype end = m_buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            head = m_buffer.first(end + 4);
            m_buffer.remove(0, end + 4);
            upgraded = head.startsWith("HTTP/1.1 101");
            if (!upgraded)
                return;
        }
        for (;;) {
            if (m_buffer.size() < 2)
                return;
            const int opcode = m_buffer[0] & 0x0f;
            qsizetype length = m_buffer[1] & 0x7f;
            qsizetype at = 2;
            if (length == 126) {
                if (m_buffer.size() < 4)
                    return;
                length = uchar(m_buffer[2]) << 8 | uchar(m_buffer[3]);
                at = 4;
            } else if (length == 127) {
                if (m_buffer.size() < 10)
                    return;
                length = 0;
                for (int i = 2; i < 10; ++i)
                    length = length << 8 | uchar(m_buffer[i]);
                at = 10;
            }
            if (m_buffer.size() < at + length)
                return;
            const QByteArray payload = m_buffer.mid(at, length);
            m_buffer.remove(0, at + length);
            frames.append({opcode, payload});
            if (autoPong && opcode == 1 && payload == "2")
                send("3");
        }
    }

    QByteArray m_buffer;
};

//! A long-polling Engine.IO session over HTTP, as a browser's first transport.
class PollingClient : public QObject
{
public:
    explicit PollingClient(const QUrl &base) : m_base(base) { }

    bool handshake()
    {
        const QByteArray body = get();
        if (!body.startsWith("0{"))
            return false;
        const std::optional<JsonValue> open = JsonValue::parse(body.mid(1));
        sid = open ? (*open)[u"sid"_s].toString() : QString();
        return !sid.isEmpty();
    }
    bool post(const QByteArray &payload) { return request(payload, true) == "ok"; }
    //! Polls until \a wanted arrives; false when it has not within 10 s.
    bool pollFor(const QByteArray &wanted)
    {
        QElapsedTimer elapsed;
        elapsed.start();
        while (elapsed.elapsed() < 10000) {
            const QList<QByteArray> packets = get().split('\x1e');
            received += packets;
            if (packets.contains(wanted))
                return true;
        }
        return false;
    }

    QString sid;
    //! Every packet polled so far.
    QList<QByteArray> received;

private:
    QByteArray get() { return request({}, false); }
    QByteArray request(const QByteArray &payload, bool isPost)
    {
        QUrl url = m_base;
        url.setPath(u"/socket.io/"_s);
        url.setQuery(u"EIO=4&transport=polling"_s + (sid.isEmpty() ? QString() : u"&sid="_s + sid));
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"text/plain;charset=UTF-8"_s);
        QNetworkReply *reply = isPost ? m_network.post(request, payload) : m_network.get(request);
        if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 10000)) {
            reply->abort();
            reply->deleteLater();
            return "<timeout>";
        }
        const QByteArray body = reply->readAll();
        reply->deleteLater();
        return body;
    }

    QUrl m_base;
    QNetworkAccessManager m_network;
};

SocketIoOptions clientOptions(const test::TestServer &server, const QString &tag)
{
    SocketIoOptions options;
    options.url = server.url();
    options.query = {{u"client"_s, tag}};
    options.reconnection = false;
    return options;
}

//! Whether a "42[...]" text frame names \a event.
bool isEvent(const QByteArray &text, const QByteArray &event)
{
    return text.startsWith(QByteArray("42[\"" + event + '"'));
}

qsizetype countEvents(const QList<QByteArray> &texts, const QByteArray &event)
{
    return std::count_if(texts.cbegin(), texts.cend(),
                         [&event](const QByteArray &text) { return isEvent(text, event); });
}

} // namespace

class tst_IoThreads : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void directWebSocketIsServedByTheThreads();
    void handshakeInPieces_data();
    void handshakeInPieces();
    void otherRequestsReachTheHttpServer();
    void roomsSpanBothKindsOfSession();
    void broadcastSkipsTheExceptedSocket();
    void frames_data();
    void frames();
    void protocolErrors_data();
    void protocolErrors();
    void serverCloses_data();
    void serverCloses();
    void reconnectStorm();

private:
    std::unique_ptr<test::TestServer> startServer(EngineIoOptions options = {});
};

std::unique_ptr<test::TestServer> tst_IoThreads::startServer(EngineIoOptions options)
{
    auto server = std::make_unique<test::TestServer>(options);
    server->setIoThreads(IoThreads);
    if (!server->start())
        return nullptr;
    return server;
}

void tst_IoThreads::directWebSocketIsServedByTheThreads()
{
    const auto server = startServer();
    QVERIFY(server);
    QSignalSpy connected(server->io(), &SocketIoServer::socketConnected);
    RawClient client(server->port());
    QVERIFY(client.socket.waitForConnected(5000));
    client.write(DirectHead);
    QTRY_VERIFY(client.upgraded);
    QVERIFY(client.head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));

    QTRY_COMPARE(client.texts().size(), 1);
    const QByteArray open = client.texts().constFirst();
    QVERIFY2(open.startsWith(R"(0{"sid":")"), open.constData());
    QVERIFY2(
            open.endsWith(
                    R"(","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000})"),
            open.constData());
    QCOMPARE(server->engine()->sessionCount(), 1);

    client.send(R"(40{"token":"t"})");
    QTRY_COMPARE(connected.size(), 1);
    const auto handshake = connected.at(0).at(1).value<Handshake>();
    QCOMPARE(handshake.transport, u"websocket"_s);
    QCOMPARE(handshake.nsp, u"/"_s);
    QCOMPARE(handshake.query.queryItemValue(u"EIO"_s), u"4"_s);
    QCOMPARE(handshake.headers.value("x-test"), QByteArray("raw"));
    QCOMPARE(handshake.remoteAddress, QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(handshake.auth.toJson(), QByteArray(R"({"token":"t"})"));
    QTRY_COMPARE(client.texts().size(), 3);
    QVERIFY(client.texts().at(1).startsWith(R"(40{"sid":")"));
    QCOMPARE(client.texts().at(2), QByteArray(R"(42["welcome",{"nsp":"/","auth":{"token":"t"}}])"));

    client.socket.disconnectFromHost();
    QTRY_COMPARE(server->engine()->sessionCount(), 0);
    QCOMPARE(server->io()->socketCount(), 0);
}

void tst_IoThreads::handshakeInPieces_data()
{
    QTest::addColumn<int>("piece");
    QTest::addColumn<bool>("framesBehind");

    // Byte by byte, the thread sees the head grow over many reads.
    QTest::newRow("byte by byte") << 1 << false;
    QTest::newRow("in halves") << int(DirectHead.size() / 2 + 1) << false;
    // A client that does not wait for the answer: its frames arrive with the head.
    QTest::newRow("frames in the same write") << 0 << true;
}

void tst_IoThreads::handshakeInPieces()
{
    QFETCH(int, piece);
    QFETCH(bool, framesBehind);

    const auto server = startServer();
    QVERIFY(server);
    RawClient client(server->port());
    QVERIFY(client.socket.waitForConnected(5000));
    const QByteArray frames = framesBehind
            ? maskedFrame(1, "40") + maskedFrame(1, R"(42["echo",1])")
            : QByteArray();
    const QByteArray all = DirectHead + frames;
    if (piece == 0) {
        client.write(all);
    } else {
        for (qsizetype at = 0; at < DirectHead.size(); at += piece) {
            client.write(DirectHead.mid(at, piece));
            client.socket.flush();
            QTest::qWait(2);
        }
    }
    QTRY_VERIFY(client.upgraded);
    if (!framesBehind) {
        client.send("40");
        client.send(R"(42["echo",1])");
    }
    QTRY_COMPARE(countEvents(client.texts(), "echo-back"), 1);
    QVERIFY(client.texts().contains(R"(42["echo-back",1])"));
}

void tst_IoThreads::otherRequestsReachTheHttpServer()
{
    const auto server = startServer();
    QVERIFY(server);
    QNetworkAccessManager network;
    const auto fetch = [&network](const QUrl &url) {
        QNetworkReply *reply = network.get(QNetworkRequest(url));
        if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 10000))
            return std::pair<int, QByteArray>{-1, "<timeout>"};
        std::pair<int, QByteArray> result{
                reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                reply->readAll()};
        reply->deleteLater();
        return result;
    };
    QUrl url = server->url();
    url.setPath(u"/socket.io/"_s);
    url.setQuery(u"EIO=4&transport=polling"_s);
    const auto [status, body] = fetch(url);
    QCOMPARE(status, 200);
    QVERIFY2(body.contains(R"("upgrades":["websocket"])"), body.constData());

    url.setPath(u"/nowhere"_s);
    QCOMPARE(fetch(url).first, 404);

    // A WebSocket the threads do not take (bad EIO) gets the HTTP server's refusal.
    RawClient refused(server->port());
    QVERIFY(refused.socket.waitForConnected(5000));
    QByteArray badEio = DirectHead;
    refused.write(badEio.replace("EIO=4", "EIO=3"));
    QTRY_VERIFY(!refused.head.isEmpty());
    QVERIFY2(refused.head.startsWith("HTTP/1.1 400"), refused.head.constData());
    QCOMPARE(server->engine()->sessionCount(), 1);
}

void tst_IoThreads::roomsSpanBothKindsOfSession()
{
    const auto server = startServer();
    QVERIFY(server);

    // A: the C++ client, a direct WebSocket on an I/O thread.
    SocketIoClient a(clientOptions(*server, u"A"_s));
    QList<JsonArray> gotA;
    connect(&a, &SocketIoClient::eventReceived, &a,
            [&gotA](const QString &, const QString &event, const JsonArray &args, qint64) {
                if (event == u"room-msg"_s)
                    gotA.append(args);
            });
    a.connectNamespace(u"/"_s);
    QTRY_VERIFY(a.isConnected(u"/"_s));

    // B: long-polling, served in this thread.
    PollingClient b(server->url());
    QVERIFY(b.handshake());
    QVERIFY(b.post("40"));
    QVERIFY(b.pollFor(R"(42["welcome",{"nsp":"/","auth":{}}])"));
    QVERIFY(b.post(R"(42["join","r"])"));

    // C: polling upgraded to a WebSocket, also served in this thread.
    PollingClient cPolling(server->url());
    QVERIFY(cPolling.handshake());
    QWebSocket c;
    QList<QString> gotC;
    connect(&c, &QWebSocket::textMessageReceived, &c, [&c, &gotC](const QString &text) {
        gotC.append(text);
        if (text == u"3probe"_s)
            c.sendTextMessage(u"5"_s);
        else if (text == u"2"_s)
            c.sendTextMessage(u"3"_s);
    });
    QUrl wsUrl = server->url();
    wsUrl.setScheme(u"ws"_s);
    wsUrl.setPath(u"/socket.io/"_s);
    wsUrl.setQuery(u"EIO=4&transport=websocket&sid="_s + cPolling.sid);
    c.open(wsUrl);
    QTRY_COMPARE(c.state(), QAbstractSocket::ConnectedState);
    c.sendTextMessage(u"2probe"_s);
    QTRY_VERIFY(gotC.contains(u"3probe"_s));
    c.sendTextMessage(u"40"_s);
    QTRY_VERIFY(std::any_of(gotC.cbegin(), gotC.cend(),
                            [](const QString &text) { return text.startsWith(u"40{"_s); }));
    c.sendTextMessage(uR"(42["join","r"])"_s);

    a.emitEvent(u"/"_s, u"join"_s, {JsonValue(u"r"_s)});
    QTRY_COMPARE(server->io()->roomMembers(u"/"_s, u"r"_s).size(), 3);
    QCOMPARE(server->engine()->sessionCount(), 3);
    QCOMPARE(server->io()->socketCount(), 3);

    // From the polling member to the room: the WebSocket members on both sides get it.
    QVERIFY(b.post(R"(42["to-room","r","room-msg","from B",{"n":1}])"));
    QTRY_COMPARE(gotA.size(), 1);
    QCOMPARE(JsonValue(gotA.constFirst()).toJson(), QByteArray(R"(["from B",{"n":1}])"));
    QTRY_VERIFY(gotC.contains(uR"(42["room-msg","from B",{"n":1}])"_s));
    QVERIFY(b.pollFor(R"(42["room-msg","from B",{"n":1}])"));

    // And from the I/O thread's member, with an attachment.
    a.emitEvent(u"/"_s, u"to-room"_s,
                {JsonValue(u"r"_s), JsonValue(u"room-msg"_s), JsonValue::fromBinary("\x01\x02")});
    QTRY_COMPARE(gotA.size(), 2);
    QCOMPARE(gotA.at(1).size(), 1);
    QCOMPARE(gotA.at(1).at(0).toBinary(), QByteArray("\x01\x02"));
    QVERIFY(b.pollFor(R"(451-["room-msg",{"_placeholder":true,"num":0}])"));
    QVERIFY(b.received.contains("bAQI=") || b.pollFor("bAQI="));
    QTRY_VERIFY(gotC.contains(uR"(451-["room-msg",{"_placeholder":true,"num":0}])"_s));
}

void tst_IoThreads::broadcastSkipsTheExceptedSocket()
{
    const auto server = startServer();
    QVERIFY(server);
    QList<SocketId> ids;
    connect(server->io(), &SocketIoServer::socketConnected, this,
            [&ids](SocketId id) { ids.append(id); });
    // Enough clients for both threads to have several.
    constexpr int Clients = 8;
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < Clients; ++i) {
        clients.push_back(std::make_unique<RawClient>(server->port()));
        clients.back()->write(DirectHead + maskedFrame(1, "40")
                              + maskedFrame(1, R"(42["join","all"])"));
    }
    QTRY_COMPARE(server->io()->roomMembers(u"/"_s, u"all"_s).size(), Clients);

    // The first to connect is excepted; which client that is, its welcome tells.
    const SocketId excepted = ids.constFirst();
    server->io()->emitToRoom(u"/"_s, u"all"_s, u"news"_s, {JsonValue(1)}, excepted);
    server->io()->emitToRoom(u"/"_s, u"all"_s, u"news"_s, {JsonValue(2)});
    int withBoth = 0;
    int withSecondOnly = 0;
    for (const auto &client : clients) {
        QTRY_VERIFY(client->texts().contains(R"(42["news",2])"));
        const bool first = client->texts().contains(R"(42["news",1])");
        (first ? withBoth : withSecondOnly) += 1;
        // In order: 1 before 2 where both came.
        if (first)
            QVERIFY(client->texts().indexOf(R"(42["news",1])")
                    < client->texts().indexOf(R"(42["news",2])"));
    }
    QCOMPARE(withSecondOnly, 1);
    QCOMPARE(withBoth, Clients - 1);
}

void tst_IoThreads::frames_data()
{
    QTest::addColumn<QByteArray>("sent");
    QTest::addColumn<QList<QByteArray>>("expectedTexts");
    QTest::addColumn<QByteArray>("expectedPong");

    QTest::newRow("one frame") << maskedFrame(1, R"(42["echo","một"])")
                               << QList<QByteArray>{R"(42["echo-back","một"])"} << QByteArray();
    QTest::newRow("fragments around a ping")
            << maskedFrame(1, R"(42["echo",)", false) + maskedFrame(9, "ping?")
                    + maskedFrame(0, R"("xin ")", false) + maskedFrame(0, "]")
            << QList<QByteArray>{R"(42["echo-back","xin "])"} << QByteArray("ping?");
    QTest::newRow("two packets in one write")
            << maskedFrame(1, R"(42["echo",1])") + maskedFrame(1, R"(42["echo",2])")
            << QList<QByteArray>{R"(42["echo-back",1])", R"(42["echo-back",2])"} << QByteArray();
    QTest::newRow("binary event with its attachment")
            << maskedFrame(1, R"(451-["echo",{"_placeholder":true,"num":0}])")
                    + maskedFrame(2, QByteArray("\x00\xff", 2))
            << QList<QByteArray>{R"(451-["echo-back",{"_placeholder":true,"num":0}])"}
            << QByteArray();
    QTest::newRow("noop then a message") << maskedFrame(1, "6") + maskedFrame(1, R"(42["echo"])")
                                         << QList<QByteArray>{R"(42["echo-back"])"} << QByteArray();
    QTest::newRow("large, 64-bit length")
            << maskedFrame(1, R"(42["echo",")" + QByteArray(70000, 'x') + R"("])")
            << QList<QByteArray>{R"(42["echo-back",")" + QByteArray(70000, 'x') + R"("])"}
            << QByteArray();
}

void tst_IoThreads::frames()
{
    QFETCH(QByteArray, sent);
    QFETCH(QList<QByteArray>, expectedTexts);
    QFETCH(QByteArray, expectedPong);

    const auto server = startServer();
    QVERIFY(server);
    RawClient client(server->port());
    client.write(DirectHead + maskedFrame(1, "40"));
    QTRY_COMPARE(countEvents(client.texts(), "welcome"), 1);
    const qsizetype before = client.texts().size();
    client.write(sent);
    QTRY_COMPARE(client.texts().size(), before + expectedTexts.size());
    QCOMPARE(client.texts().mid(before), expectedTexts);
    if (!expectedPong.isEmpty()) {
        const auto pong
                = std::find_if(client.frames.cbegin(), client.frames.cend(),
                               [](const RawClient::Frame &frame) { return frame.opcode == 10; });
        QVERIFY(pong != client.frames.cend());
        QCOMPARE(pong->payload, expectedPong);
    }
    QVERIFY(!client.closed);
}

void tst_IoThreads::protocolErrors_data()
{
    QTest::addColumn<QByteArray>("sent");
    QTest::addColumn<int>("closeCode");
    QTest::addColumn<QString>("reason");

    // -1: dropped without a close frame, as the Qt sessions drop a client that breaks
    // Engine.IO or Socket.IO.
    QTest::newRow("unmasked frame")
            << maskedFrame(1, R"(42["echo"])", true, false) << 1002 << reason::TransportError;
    QTest::newRow("invalid UTF-8")
            << maskedFrame(1, "42[\"\xc0\xaf\"]") << 1007 << reason::TransportError;
    QTest::newRow("over maxPayload")
            << maskedFrame(1, QByteArray(2000, '4')) << 1009 << reason::TransportError;
    QTest::newRow("over maxPayload once joined")
            << maskedFrame(1, QByteArray(700, '4'), false) + maskedFrame(0, QByteArray(700, 'x'))
            << 1009 << reason::TransportError;
    QTest::newRow("continuation first") << maskedFrame(0, "x") << 1002 << reason::TransportError;
    QTest::newRow("close frame") << maskedFrame(8, QByteArray("\x0f\xa0", 2)) << 4000
                                 << reason::TransportClose;
    QTest::newRow("Engine.IO close") << maskedFrame(1, "1") << 1000 << reason::TransportClose;
    QTest::newRow("Engine.IO ping from the client")
            << maskedFrame(1, "2") << -1 << reason::ParseError;
    QTest::newRow("unknown Engine.IO type") << maskedFrame(1, "9") << -1 << reason::ParseError;
    QTest::newRow("bad Socket.IO packet") << maskedFrame(1, "42{}") << -1 << reason::ParseError;
    QTest::newRow("binary frame without a binary packet")
            << maskedFrame(2, "x") << -1 << reason::ParseError;
}

void tst_IoThreads::protocolErrors()
{
    QFETCH(QByteArray, sent);
    QFETCH(int, closeCode);
    QFETCH(QString, reason);

    EngineIoOptions options;
    options.maxPayload = 1024;
    const auto server = startServer(options);
    QVERIFY(server);
    QSignalSpy disconnected(server->io(), &SocketIoServer::socketDisconnected);
    RawClient client(server->port());
    client.write(DirectHead + maskedFrame(1, "40"));
    QTRY_COMPARE(countEvents(client.texts(), "welcome"), 1);

    client.write(sent);
    QTRY_VERIFY(client.closed);
    QCOMPARE(client.closeCode(), closeCode);
    QTRY_COMPARE(disconnected.size(), 1);
    QCOMPARE(disconnected.at(0).at(1).toString(), reason);
    QCOMPARE(server->engine()->sessionCount(), 0);
}

void tst_IoThreads::serverCloses_data()
{
    QTest::addColumn<int>("how");
    QTest::addColumn<int>("closeCode");

    QTest::newRow("disconnectSocket(closeSession)") << 0 << 1000;
    QTest::newRow("closeAll") << 1 << 1001;
    QTest::newRow("no pong") << 2 << 1000;
}

void tst_IoThreads::serverCloses()
{
    QFETCH(int, how);
    QFETCH(int, closeCode);

    EngineIoOptions options;
    options.pingIntervalMs = 100;
    options.pingTimeoutMs = 100;
    const auto server = startServer(options);
    QVERIFY(server);
    QSignalSpy connected(server->io(), &SocketIoServer::socketConnected);
    QSignalSpy disconnected(server->io(), &SocketIoServer::socketDisconnected);
    RawClient client(server->port());
    client.autoPong = how != 2;
    QVERIFY(client.socket.waitForConnected(5000));
    // Started before the session exists: its heartbeat cannot end it sooner than this says.
    QElapsedTimer elapsed;
    elapsed.start();
    client.write(DirectHead + maskedFrame(1, "40"));
    QTRY_COMPARE(connected.size(), 1);
    const SocketId id = connected.at(0).at(0).value<SocketId>();
    if (how == 0)
        server->io()->disconnectSocket(id, true);
    else if (how == 1)
        server->io()->closeAll();
    QTRY_VERIFY(client.closed);
    QCOMPARE(client.closeCode(), closeCode);
    QCOMPARE(disconnected.size(), 1);
    QCOMPARE(disconnected.at(0).at(1).toString(),
             how == 0           ? reason::ForcedClose
                     : how == 1 ? reason::ServerShuttingDown
                                : reason::PingTimeout);
    if (how == 2) {
        // The ping went out 100 ms after the handshake; 100 ms later, no pong, the end.
        QVERIFY(client.texts().contains("2"));
        QVERIFY2(elapsed.elapsed() >= 190, QByteArray::number(elapsed.elapsed()).constData());
    }
    QCOMPARE(server->engine()->sessionCount(), 0);
}

void tst_IoThreads::reconnectStorm()
{
    // Every client connects at once, twice: no connection may be refused or lost while the
    // listen queue and the threads absorb the burst.
    constexpr int Clients = 1000;
    const auto server = startServer();
    QVERIFY(server);
    for (int round = 0; round < 2; ++round) {
        std::vector<std::unique_ptr<RawClient>> clients;
        clients.reserve(Clients);
        QElapsedTimer elapsed;
        elapsed.start();
        for (int i = 0; i < Clients; ++i) {
            auto client = std::make_unique<RawClient>(server->port());
            RawClient *raw = client.get();
            connect(&raw->socket, &QTcpSocket::connected, raw, [raw] {
                raw->write(DirectHead + maskedFrame(1, "40")
                           + maskedFrame(1, R"(42["join","storm"])"));
            });
            clients.push_back(std::move(client));
        }
        QTRY_COMPARE_WITH_TIMEOUT(server->io()->roomMembers(u"/"_s, u"storm"_s).size(), Clients,
                                  60000);
        qInfo("round %d: %d clients connected and joined in %lld ms", round, Clients,
              static_cast<long long>(elapsed.elapsed()));
        QCOMPARE(server->engine()->sessionCount(), Clients);
        // A client writes its frames right behind the request, so the server can have it in
        // the room before the client has read the 101 answer.
        for (const auto &client : clients) {
            QTRY_VERIFY(client->upgraded);
            QVERIFY(!client->closed);
        }
        server->io()->emitToRoom(u"/"_s, u"storm"_s, u"all-here"_s, {JsonValue(round)});
        for (const auto &client : clients)
            QTRY_COMPARE(countEvents(client->texts(), "all-here"), 1);
        for (const auto &client : clients)
            client->socket.abort();
        QTRY_COMPARE_WITH_TIMEOUT(server->engine()->sessionCount(), 0, 30000);
        QCOMPARE(server->io()->socketCount(), 0);
    }
}

QTEST_GUILESS_MAIN(tst_IoThreads)
#include "tst_iothreads.moc"
