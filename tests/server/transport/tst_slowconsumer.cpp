// SPDX-License-Identifier: MIT
// A client that never reads must not delay delivery to the others, and is disconnected once
// it stays over its send buffer bound.
#include "testserver.h"

#include <QtCore/QDeadlineTimer>
#include <QtCore/QTimer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWebSockets/QWebSocket>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace chat;
using namespace chat::transport;

namespace {

//! A minimal Socket.IO client on QWebSocket that records the events it receives.
class Listener : public QObject
{
    Q_OBJECT
public:
    explicit Listener(const QUrl &base)
    {
        connect(&m_socket, &QWebSocket::textMessageReceived, this, &Listener::onText);
        QUrl url = base;
        url.setScheme(u"ws"_s);
        url.setPath(u"/socket.io/"_s);
        url.setQuery(u"EIO=4&transport=websocket"_s);
        m_socket.open(url);
    }

    void send(const QByteArray &frame) { m_socket.sendTextMessage(QString::fromUtf8(frame)); }

    bool namespaceConnected = false;
    QList<qint64> sequence;

private:
    void onText(const QString &text)
    {
        const QByteArray frame = text.toUtf8();
        if (frame.startsWith('0')) {
            send("40");
        } else if (frame == "2") {
            send("3");
        } else if (frame.startsWith("40{")) {
            namespaceConnected = true;
            send(R"(42["join","room"])");
        } else if (frame.startsWith("42")) {
            const auto packet = JsonValue::parse(frame.mid(2));
            if (packet && (*packet)[0].toString() == u"bulk"_s)
                sequence.append((*packet)[1].toInteger(-1));
        }
    }

    QWebSocket m_socket;
};

//! A raw TCP client that performs the WebSocket handshake, joins the room, then never reads.
class StalledClient
{
public:
    bool connectTo(quint16 port)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (m_fd < 0)
            return false;
        // A small receive window makes the server's writes back up quickly.
        const int small = 4096;
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        sockaddr_in address = {};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0)
            return false;
        const QByteArray request = "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                                   "Host: 127.0.0.1\r\nUpgrade: websocket\r\n"
                                   "Connection: Upgrade\r\n"
                                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                   "Sec-WebSocket-Version: 13\r\n\r\n";
        // A client sends frames only once the handshake is answered (RFC 6455 §4.1).
        return writeAll(request) && awaitHandshakeAnswer() && writeAll(maskedTextFrame("40"))
                && writeAll(maskedTextFrame(R"(42["join","room"])"));
    }

    ~StalledClient()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }

private:
    static QByteArray maskedTextFrame(const QByteArray &payload)
    {
        QByteArray frame;
        frame.append(char(0x81));
        frame.append(char(0x80 | payload.size()));
        const char mask[4] = {0x11, 0x22, 0x33, 0x44};
        frame.append(mask, 4);
        for (qsizetype i = 0; i < payload.size(); ++i)
            frame.append(char(payload[i] ^ mask[i % 4]));
        return frame;
    }

    bool awaitHandshakeAnswer()
    {
        QByteArray received;
        QDeadlineTimer deadline(5000);
        while (!received.contains("\r\n\r\n") && !deadline.hasExpired()) {
            // The server runs in this thread: keep its event loop turning while we wait.
            QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
            char buffer[1024];
            const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, MSG_DONTWAIT);
            if (n > 0)
                received.append(buffer, n);
        }
        return received.startsWith("HTTP/1.1 101");
    }

    bool writeAll(const QByteArray &bytes)
    {
        return ::write(m_fd, bytes.constData(), size_t(bytes.size())) == bytes.size();
    }

    int m_fd = -1;
};

} // namespace

class tst_SlowConsumer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void stalledClientDoesNotDelayOthers();
};

void tst_SlowConsumer::stalledClientDoesNotDelayOthers()
{
    EngineIoOptions options;
    options.sendBufferLimit = 1024 * 1024;
    options.slowConsumerGraceMs = 300;
    test::TestServer server(options);
    QVERIFY(server.start());
    QSignalSpy disconnected(server.io(), &SocketIoServer::socketDisconnected);

    StalledClient stalled;
    QVERIFY(stalled.connectTo(server.port()));
    constexpr int FastClients = 4;
    std::vector<std::unique_ptr<Listener>> listeners;
    for (int i = 0; i < FastClients; ++i)
        listeners.push_back(std::make_unique<Listener>(server.url()));
    QTRY_COMPARE(server.io()->roomMembers(u"/"_s, u"room"_s).size(), FastClients + 1);

    // 300 × 32 KB, far more than the stalled socket's kernel buffers and its bound. The next
    // burst goes out as soon as the fast clients have everything so far: they set the pace,
    // and the stalled member must not slow them down.
    constexpr int Messages = 300;
    const QString filler(32 * 1024, u'x');
    int sent = 0;
    QTimer pump;
    connect(&pump, &QTimer::timeout, &server, [&] {
        for (const auto &listener : listeners) {
            if (listener->sequence.size() < sent)
                return;
        }
        for (int i = 0; i < 4 && sent < Messages; ++i, ++sent)
            server.io()->emitToRoom(u"/"_s, u"room"_s, u"bulk"_s, {JsonValue(sent), filler});
        if (sent == Messages)
            pump.stop();
    });
    pump.start(1);

    // Every fast client gets everything, in order, although one member never reads.
    for (const auto &listener : listeners)
        QTRY_COMPARE_WITH_TIMEOUT(listener->sequence.size(), Messages, 20000);
    for (const auto &listener : listeners) {
        for (int i = 0; i < Messages; ++i)
            QCOMPARE(listener->sequence.at(i), qint64(i));
    }
    // And the stalled one was cut off as a slow consumer, which bounds the server's memory.
    QTRY_COMPARE(disconnected.size(), 1);
    QCOMPARE(disconnected.at(0).at(1).toString(), reason::SlowConsumer);
    QCOMPARE(server.io()->roomMembers(u"/"_s, u"room"_s).size(), FastClients);
}

QTEST_GUILESS_MAIN(tst_SlowConsumer)
#include "tst_slowconsumer.moc"
