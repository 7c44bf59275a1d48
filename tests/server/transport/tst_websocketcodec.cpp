// SPDX-License-Identifier: MIT
// The I/O threads' WebSocket code without sockets: request heads, the opening handshake, frame
// headers, unmasking, UTF-8 and message reassembly, each with good and malformed input. Byte
// sequences of any shape, random ones included, must never crash it.
#include "io/websocket.h"

#include <QtCore/QRandomGenerator>
#include <QtTest/QTest>

#include <vector>

using namespace chat::transport::io;
using namespace Qt::StringLiterals;

namespace {

//! A client frame: masked with \a mask, \a fin and \a opcode as given; \a rsv sets the
//! reserved bits (which the server must refuse).
QByteArray clientFrame(quint8 opcode, const QByteArray &payload, bool fin = true,
                       quint32 mask = 0x37fa213d, quint8 rsv = 0)
{
    QByteArray frame;
    frame.append(char((fin ? 0x80 : 0) | rsv << 4 | opcode));
    const qsizetype n = payload.size();
    if (n < 126) {
        frame.append(char(0x80 | n));
    } else if (n <= 0xffff) {
        frame.append(char(0x80 | 126));
        frame.append(char(n >> 8));
        frame.append(char(n & 0xff));
    } else {
        frame.append(char(0x80 | 127));
        for (int i = 7; i >= 0; --i)
            frame.append(char((quint64(n) >> (8 * i)) & 0xff));
    }
    const char key[4] = {char(mask >> 24), char(mask >> 16), char(mask >> 8), char(mask)};
    frame.append(key, 4);
    for (qsizetype i = 0; i < n; ++i)
        frame.append(char(payload[i] ^ key[i % 4]));
    return frame;
}

QByteArray unmaskedFrame(quint8 opcode, const QByteArray &payload)
{
    QByteArray frame;
    frame.append(char(0x80 | opcode));
    frame.append(char(payload.size()));
    frame.append(payload);
    return frame;
}

QByteArray closePayload(quint16 code, const QByteArray &reason = {})
{
    QByteArray payload;
    payload.append(char(code >> 8));
    payload.append(char(code & 0xff));
    payload.append(reason);
    return payload;
}

struct Received
{
    QList<QPair<int, QByteArray>> messages;
    qsizetype consumed = 0;
    bool failed = false;
    quint16 closeCode = 0;
};

//! Feeds \a input to a FrameReader in chunks of \a chunk bytes (0: all at once), keeping the
//! unconsumed rest as the I/O thread does.
Received feed(const QByteArray &input, qsizetype chunk, qint64 maxMessage = 1000000)
{
    Received result;
    FrameReader reader;
    QByteArray pending;
    qsizetype pos = 0;
    while (pos < input.size()) {
        const qsizetype take = chunk > 0 ? std::min(chunk, input.size() - pos) : input.size();
        pending.append(input.mid(pos, take));
        pos += take;
        const qsizetype used = reader.read(
                reinterpret_cast<uchar *>(pending.data()), pending.size(), maxMessage,
                [&result](const FrameReader::Message &message) {
                    result.messages.append({int(message.opcode), message.payload.toByteArray()});
                    return true;
                });
        if (used < 0) {
            result.failed = true;
            result.closeCode = reader.closeCode();
            return result;
        }
        if (used > pending.size())
            qFatal("read() consumed more than it was given");
        result.consumed += used;
        pending.remove(0, used);
    }
    return result;
}

QByteArray naiveUnmask(QByteArray data, const quint8 mask[4])
{
    for (qsizetype i = 0; i < data.size(); ++i)
        data[i] = char(data[i] ^ mask[i % 4]);
    return data;
}

} // namespace

using Messages = QList<QPair<int, QByteArray>>;

class tst_WebSocketCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void requestHead_data();
    void requestHead();
    void headLength();
    void hasToken_data();
    void hasToken();
    void upgrade_data();
    void upgrade();
    void acceptKey();

    void frameHeader_data();
    void frameHeader();
    void frameHeaderNeedsMore();
    void unmaskMatchesBytewise();
    void serverFrames_data();
    void serverFrames();
    void utf8_data();
    void utf8();

    void reader_data();
    void reader();
    void readerStopsWhenTheSinkSaysSo();
    void readerLeavesAnIncompleteFrame();
    void randomBytesNeverCrash();
    void mutatedFramesNeverCrash();
};

void tst_WebSocketCodec::requestHead_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<QByteArray>("upgrade");

    QTest::newRow("websocket") << QByteArray(
            "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
            "Host: 127.0.0.1:3000\r\nUpgrade: websocket\r\n\r\n")
                               << true << QByteArray("GET") << QByteArray("/socket.io/")
                               << QByteArray("EIO=4&transport=websocket")
                               << QByteArray("websocket");
    QTest::newRow("no query, value trimmed")
            << QByteArray("POST /api HTTP/1.0\r\nUpGrAdE: \t h2c \t\r\n\r\n") << true
            << QByteArray("POST") << QByteArray("/api") << QByteArray() << QByteArray("h2c");
    QTest::newRow("empty value") << QByteArray("GET / HTTP/1.1\r\nUpgrade:\r\n\r\n") << true
                                 << QByteArray("GET") << QByteArray("/") << QByteArray()
                                 << QByteArray();
    QTest::newRow("high bytes in a value")
            << QByteArray("GET / HTTP/1.1\r\nX-Name: Nguy\xe1\xbb\x85n\r\n\r\n") << true
            << QByteArray("GET") << QByteArray("/") << QByteArray() << QByteArray();
    QTest::newRow("no request line") << QByteArray("\r\n\r\n") << false << QByteArray()
                                     << QByteArray() << QByteArray() << QByteArray();
    QTest::newRow("two spaces") << QByteArray("GET  / HTTP/1.1\r\n\r\n") << false << QByteArray()
                                << QByteArray() << QByteArray() << QByteArray();
    QTest::newRow("no version") << QByteArray("GET /\r\n\r\n") << false << QByteArray()
                                << QByteArray() << QByteArray() << QByteArray();
    QTest::newRow("HTTP/2") << QByteArray("GET / HTTP/2\r\n\r\n") << false << QByteArray()
                            << QByteArray() << QByteArray() << QByteArray();
    QTest::newRow("space in target")
            << QByteArray("GET /a b HTTP/1.1\r\n\r\n") << false << QByteArray() << QByteArray()
            << QByteArray() << QByteArray();
    QTest::newRow("control in target")
            << QByteArray("GET /a\x01 HTTP/1.1\r\n\r\n") << false << QByteArray() << QByteArray()
            << QByteArray() << QByteArray();
    QTest::newRow("bad method") << QByteArray("G(T / HTTP/1.1\r\n\r\n") << false << QByteArray()
                                << QByteArray() << QByteArray() << QByteArray();
    QTest::newRow("field without colon")
            << QByteArray("GET / HTTP/1.1\r\nHost\r\n\r\n") << false << QByteArray() << QByteArray()
            << QByteArray() << QByteArray();
    QTest::newRow("space before colon")
            << QByteArray("GET / HTTP/1.1\r\nHost : x\r\n\r\n") << false << QByteArray()
            << QByteArray() << QByteArray() << QByteArray();
    QTest::newRow("folded line") << QByteArray("GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n") << false
                                 << QByteArray() << QByteArray() << QByteArray() << QByteArray();
    QTest::newRow("control in value")
            << QByteArray("GET / HTTP/1.1\r\nA: b\x01\r\n\r\n") << false << QByteArray()
            << QByteArray() << QByteArray() << QByteArray();
    QTest::newRow("not terminated") << QByteArray("GET / HTTP/1.1\r\nA: b\r\n") << false
                                    << QByteArray() << QByteArray() << QByteArray() << QByteArray();
    QByteArray many = "GET / HTTP/1.1\r\n";
    for (int i = 0; i <= MaxHeaderFields; ++i)
        many += "X-" + QByteArray::number(i) + ": v\r\n";
    QTest::newRow("too many fields")
            << many + "\r\n"
            << false << QByteArray() << QByteArray() << QByteArray() << QByteArray();
}

void tst_WebSocketCodec::requestHead()
{
    QFETCH(QByteArray, head);
    QFETCH(bool, valid);

    const std::optional<RequestHead> parsed = parseRequestHead(head);
    QCOMPARE(parsed.has_value(), valid);
    if (!valid)
        return;
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, query);
    QFETCH(QByteArray, upgrade);
    QCOMPARE(parsed->method.toByteArray(), method);
    QCOMPARE(parsed->path().toByteArray(), path);
    QCOMPARE(parsed->query().toByteArray(), query);
    QCOMPARE(parsed->value("upgrade").toByteArray(), upgrade);
    QCOMPARE(parsed->value("UPGRADE").toByteArray(), upgrade);
}

void tst_WebSocketCodec::headLength()
{
    const QByteArray head = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    QCOMPARE(requestHeadLength(head), head.size());
    QCOMPARE(requestHeadLength(QByteArray(head
                                          + "\x81\x80"
                                            "frame")),
             head.size());
    for (qsizetype n = 0; n < head.size(); ++n)
        QCOMPARE(requestHeadLength(head.first(n)), 0);
}

void tst_WebSocketCodec::hasToken_data()
{
    QTest::addColumn<QByteArray>("list");
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<bool>("found");

    QTest::newRow("alone") << QByteArray("Upgrade") << QByteArray("upgrade") << true;
    QTest::newRow("in a list") << QByteArray("keep-alive, Upgrade") << QByteArray("upgrade")
                               << true;
    QTest::newRow("spaces") << QByteArray(" keep-alive ,  upgrade ") << QByteArray("upgrade")
                            << true;
    QTest::newRow("prefix only") << QByteArray("upgraded") << QByteArray("upgrade") << false;
    QTest::newRow("inside a token") << QByteArray("no-upgrade") << QByteArray("upgrade") << false;
    QTest::newRow("empty") << QByteArray() << QByteArray("upgrade") << false;
    QTest::newRow("empty entries") << QByteArray(",,upgrade,") << QByteArray("upgrade") << true;
}

void tst_WebSocketCodec::hasToken()
{
    QFETCH(QByteArray, list);
    QFETCH(QByteArray, token);
    QFETCH(bool, found);
    QCOMPARE(chat::transport::io::hasToken(list, token), found);
}

void tst_WebSocketCodec::upgrade_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<bool>("accepted");

    const QByteArray good = "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                            "Host: 127.0.0.1\r\nUpgrade: websocket\r\n"
                            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                            "Sec-WebSocket-Version: 13\r\n\r\n";
    const auto variant = [&good](const char *from, const char *to) {
        QByteArray head = good;
        return head.replace(from, to);
    };
    QTest::newRow("good") << good << true;
    QTest::newRow("keep-alive, Upgrade")
            << variant("Connection: Upgrade", "Connection: keep-alive, Upgrade") << true;
    QTest::newRow("case") << variant("Upgrade: websocket", "upgrade: WebSocket") << true;
    QTest::newRow("POST") << variant("GET ", "POST ") << false;
    QTest::newRow("HTTP/1.0") << variant("HTTP/1.1", "HTTP/1.0") << false;
    QTest::newRow("no upgrade") << variant("Upgrade: websocket\r\n", "") << false;
    QTest::newRow("other upgrade") << variant("Upgrade: websocket", "Upgrade: h2c") << false;
    QTest::newRow("no connection") << variant("Connection: Upgrade\r\n", "") << false;
    QTest::newRow("version 8") << variant("Version: 13", "Version: 8") << false;
    QTest::newRow("no key") << variant("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", "")
                            << false;
    QTest::newRow("short key") << variant("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZQ==") << false;
    QTest::newRow("key not base64")
            << variant("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub2*jZQ==") << false;
}

void tst_WebSocketCodec::upgrade()
{
    QFETCH(QByteArray, head);
    QFETCH(bool, accepted);
    const std::optional<RequestHead> parsed = parseRequestHead(head);
    QVERIFY(parsed);
    QCOMPARE(isWebSocketUpgrade(*parsed), accepted);
}

void tst_WebSocketCodec::acceptKey()
{
    // The example of RFC 6455 §1.3.
    QCOMPARE(chat::transport::io::acceptKey("dGhlIHNhbXBsZSBub25jZQ=="),
             QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    const QByteArray answer = upgradeResponse("dGhlIHNhbXBsZSBub25jZQ==");
    QVERIFY(answer.startsWith("HTTP/1.1 101 Switching Protocols\r\n"));
    QVERIFY(answer.contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
    QVERIFY(answer.contains("\r\nUpgrade: websocket\r\n"));
    QVERIFY(answer.endsWith("\r\n\r\n"));
}

void tst_WebSocketCodec::frameHeader_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("opcode");
    QTest::addColumn<bool>("fin");
    QTest::addColumn<quint64>("length");
    QTest::addColumn<int>("headerLength");

    const int ok = int(HeaderStatus::Ok);
    const int bad = int(HeaderStatus::ProtocolError);
    QTest::newRow("text 0") << QByteArray("\x81\x80\x01\x02\x03\x04", 6) << ok << 1 << true
                            << quint64(0) << 6;
    QTest::newRow("binary 125, not final")
            << QByteArray("\x02\xfd\x01\x02\x03\x04", 6) << ok << 2 << false << quint64(125) << 6;
    QTest::newRow("16-bit 126") << QByteArray("\x81\xfe\x00\x7e\x01\x02\x03\x04", 8) << ok << 1
                                << true << quint64(126) << 8;
    QTest::newRow("16-bit 65535") << QByteArray("\x81\xfe\xff\xff\x01\x02\x03\x04", 8) << ok << 1
                                  << true << quint64(65535) << 8;
    QTest::newRow("64-bit 65536") << QByteArray(
            "\x82\xff\x00\x00\x00\x00\x00\x01\x00\x00\x01\x02\x03\x04", 14)
                                  << ok << 2 << true << quint64(65536) << 14;
    QTest::newRow("64-bit top bit set")
            << QByteArray("\x82\xff\x80\x00\x00\x00\x00\x00\x00\x00\x01\x02\x03\x04", 14) << bad
            << 0 << false << quint64(0) << 0;
    QTest::newRow("unmasked") << QByteArray("\x81\x05hello", 7) << ok << 1 << true << quint64(5)
                              << 2;
    QTest::newRow("rsv1") << QByteArray("\xc1\x80\x01\x02\x03\x04", 6) << bad << 0 << false
                          << quint64(0) << 0;
    QTest::newRow("rsv3") << QByteArray("\x91\x80\x01\x02\x03\x04", 6) << bad << 0 << false
                          << quint64(0) << 0;
    QTest::newRow("opcode 3") << QByteArray("\x83\x80\x01\x02\x03\x04", 6) << bad << 0 << false
                              << quint64(0) << 0;
    QTest::newRow("opcode 0xB") << QByteArray("\x8b\x80\x01\x02\x03\x04", 6) << bad << 0 << false
                                << quint64(0) << 0;
    QTest::newRow("ping 125") << QByteArray("\x89\xfd\x01\x02\x03\x04", 6) << ok << 9 << true
                              << quint64(125) << 6;
    QTest::newRow("ping 126") << QByteArray("\x89\xfe\x00\x7e\x01\x02\x03\x04", 8) << bad << 0
                              << false << quint64(0) << 0;
    QTest::newRow("fragmented ping")
            << QByteArray("\x09\x80\x01\x02\x03\x04", 6) << bad << 0 << false << quint64(0) << 0;
    QTest::newRow("fragmented close")
            << QByteArray("\x08\x80\x01\x02\x03\x04", 6) << bad << 0 << false << quint64(0) << 0;
    QTest::newRow("continuation") << QByteArray("\x80\x83\x01\x02\x03\x04", 6) << ok << 0 << true
                                  << quint64(3) << 6;
}

void tst_WebSocketCodec::frameHeader()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, status);

    FrameHeader header;
    const HeaderStatus got = parseFrameHeader(reinterpret_cast<const uchar *>(bytes.constData()),
                                              bytes.size(), &header);
    QCOMPARE(int(got), status);
    if (got != HeaderStatus::Ok)
        return;
    QFETCH(int, opcode);
    QFETCH(bool, fin);
    QFETCH(quint64, length);
    QFETCH(int, headerLength);
    QCOMPARE(int(header.opcode), opcode);
    QCOMPARE(header.fin, fin);
    QCOMPARE(header.payloadLength, length);
    QCOMPARE(header.headerLength, headerLength);
    QCOMPARE(header.masked, headerLength == 6 || headerLength == 8 || headerLength == 14);
}

void tst_WebSocketCodec::frameHeaderNeedsMore()
{
    // Every proper prefix of a header is "need more", never an error or a read past the end.
    const QList<QByteArray> headers{
            QByteArray("\x81\x85\x01\x02\x03\x04", 6),
            QByteArray("\x81\xfe\x01\x00\x01\x02\x03\x04", 8),
            QByteArray("\x82\xff\x00\x00\x00\x00\x00\x01\x00\x00\x01\x02\x03\x04", 14),
    };
    for (const QByteArray &header : headers) {
        for (qsizetype n = 0; n < header.size(); ++n) {
            const QByteArray prefix = header.first(n);
            FrameHeader parsed;
            QCOMPARE(parseFrameHeader(reinterpret_cast<const uchar *>(prefix.constData()), n,
                                      &parsed),
                     HeaderStatus::NeedMore);
        }
    }
}

void tst_WebSocketCodec::unmaskMatchesBytewise()
{
    const quint8 mask[4] = {0xa1, 0x00, 0x5c, 0xff};
    QByteArray buffer(300, Qt::Uninitialized);
    for (qsizetype i = 0; i < buffer.size(); ++i)
        buffer[i] = char(i * 7 + 3);
    // Every length and every alignment of the start.
    for (qsizetype offset = 0; offset < 9; ++offset) {
        for (qsizetype size = 0; size + offset <= 200; ++size) {
            QByteArray data = buffer.mid(offset, size);
            QByteArray copy = buffer;
            unmask(reinterpret_cast<uchar *>(copy.data()) + offset, size, mask);
            QCOMPARE(copy.mid(offset, size), naiveUnmask(data, mask));
            QCOMPARE(copy.first(offset), buffer.first(offset));
            QCOMPARE(copy.sliced(offset + size), buffer.sliced(offset + size));
        }
    }
}

void tst_WebSocketCodec::serverFrames_data()
{
    QTest::addColumn<int>("size");
    QTest::addColumn<int>("headerLength");
    for (const int size : {0, 1, 125, 126, 127, 65535, 65536, 1000000})
        QTest::newRow(QByteArray::number(size).constData()) << size
                                                            << (size < 126              ? 2
                                                                        : size <= 65535 ? 4
                                                                                        : 10);
}

void tst_WebSocketCodec::serverFrames()
{
    QFETCH(int, size);
    QFETCH(int, headerLength);
    const QByteArray payload(size, 'x');
    const QByteArray frame = serverFrame(Opcode::Text, payload, '4');
    FrameHeader header;
    QCOMPARE(parseFrameHeader(reinterpret_cast<const uchar *>(frame.constData()), frame.size(),
                              &header),
             HeaderStatus::Ok);
    QCOMPARE(header.fin, true);
    QCOMPARE(header.masked, false);
    QCOMPARE(header.opcode, Opcode::Text);
    QCOMPARE(header.payloadLength, quint64(size + 1));
    // With the prefix one byte more, which can move the length into the next encoding.
    QCOMPARE(header.headerLength, size + 1 < 126 ? 2 : size + 1 <= 65535 ? 4 : 10);
    QCOMPARE(frame.size(), header.headerLength + size + 1);
    QCOMPARE(frame.at(header.headerLength), '4');
    QVERIFY(frame.sliced(header.headerLength + 1) == payload);

    const QByteArray plain = serverFrame(Opcode::Binary, payload);
    QCOMPARE(plain.size(), headerLength + size);
    QCOMPARE(closeFrame(1001), QByteArray("\x88\x02\x03\xe9", 4));
}

void tst_WebSocketCodec::utf8_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("valid");

    QTest::newRow("empty") << QByteArray() << true;
    QTest::newRow("ascii, long") << QByteArray(1000, 'a') << true;
    QTest::newRow("vietnamese") << u"Tiếng Việt có dấu: ắ ằ ẳ ẵ ặ đ Đ ơ ư"_s.toUtf8() << true;
    QTest::newRow("emoji") << u"👍🏽 🇻🇳 😀"_s.toUtf8() << true;
    QTest::newRow("U+10FFFF") << QByteArray("\xf4\x8f\xbf\xbf") << true;
    QTest::newRow("above U+10FFFF") << QByteArray("\xf4\x90\x80\x80") << false;
    QTest::newRow("overlong /") << QByteArray("\xc0\xaf") << false;
    QTest::newRow("overlong 3 bytes") << QByteArray("\xe0\x80\xaf") << false;
    QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << false;
    QTest::newRow("lone continuation") << QByteArray("abc\x80") << false;
    QTest::newRow("truncated at the end") << QByteArray("abc\xe1\xba") << false;
    QTest::newRow("truncated in the middle") << QByteArray("\xe1\xba"
                                                           "abcdefghij")
                                             << false;
    QTest::newRow("0xff") << QByteArray("\xff") << false;
    QTest::newRow("invalid after 8 ascii") << QByteArray("abcdefgh\xfe") << false;
    QTest::newRow("nul is valid") << QByteArray("a\0b", 3) << true;
}

void tst_WebSocketCodec::utf8()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, valid);
    QCOMPARE(isValidUtf8(bytes), valid);
}

void tst_WebSocketCodec::reader_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<Messages>("expected");
    QTest::addColumn<int>("closeCode");
    QTest::addColumn<qint64>("maxMessage");

    const int text = int(Opcode::Text);
    const int binary = int(Opcode::Binary);
    const int ping = int(Opcode::Ping);
    const int pong = int(Opcode::Pong);
    const int close = int(Opcode::Close);
    // The limit of most rows, so that "too big" needs only a small frame.
    const qint64 Small = 100;
    const qint64 Large = 1000000;

    QTest::newRow("one text") << clientFrame(1, "42[\"x\"]") << Messages{{text, "42[\"x\"]"}} << 0
                              << Small;
    QTest::newRow("empty text") << clientFrame(1, "") << Messages{{text, ""}} << 0 << Small;
    QTest::newRow("binary") << clientFrame(2, QByteArray("\x00\xff\x10", 3))
                            << Messages{{binary, QByteArray("\x00\xff\x10", 3)}} << 0 << Small;
    QTest::newRow("two frames in one read") << clientFrame(1, "a") + clientFrame(1, "bc")
                                            << Messages{{text, "a"}, {text, "bc"}} << 0 << Small;
    QTest::newRow("16-bit length") << clientFrame(1, QByteArray(300, 'y'))
                                   << Messages{{text, QByteArray(300, 'y')}} << 0 << Large;
    QTest::newRow("64-bit length") << clientFrame(2, QByteArray(70000, 'z'))
                                   << Messages{{binary, QByteArray(70000, 'z')}} << 0 << Large;
    QTest::newRow("fragments with a ping between")
            << clientFrame(1, "he", false) + clientFrame(9, "p") + clientFrame(0, "ll", false)
                    + clientFrame(0, "o")
            << Messages{{ping, "p"}, {text, "hello"}} << 0 << Small;
    QTest::newRow("fragmented binary") << clientFrame(2, "ab", false) + clientFrame(0, "cd")
                                       << Messages{{binary, "abcd"}} << 0 << Small;
    QTest::newRow("utf-8 split across fragments")
            << clientFrame(1, "\xe1", false) + clientFrame(0, "\xba\xaf")
            << Messages{{text, "\xe1\xba\xaf"}} << 0 << Small;
    QTest::newRow("pong") << clientFrame(10, "x") << Messages{{pong, "x"}} << 0 << Small;
    QTest::newRow("close without code")
            << clientFrame(8, "") << Messages{{close, ""}} << 0 << Small;
    QTest::newRow("close with code and reason")
            << clientFrame(8, closePayload(1000, "bye"))
            << Messages{{close, closePayload(1000, "bye")}} << 0 << Small;
    QTest::newRow("close 4000") << clientFrame(8, closePayload(4000))
                                << Messages{{close, closePayload(4000)}} << 0 << Small;

    QTest::newRow("unmasked") << unmaskedFrame(1, "hello") << Messages{} << 1002 << Small;
    QTest::newRow("reserved bit") << clientFrame(1, "x", true, 0x01020304, 4) << Messages{} << 1002
                                  << Small;
    QTest::newRow("continuation first") << clientFrame(0, "x") << Messages{} << 1002 << Small;
    QTest::newRow("text inside a fragmented message")
            << clientFrame(1, "a", false) + clientFrame(1, "b") << Messages{} << 1002 << Small;
    QTest::newRow("invalid utf-8") << clientFrame(1, "\xc0\xaf") << Messages{} << 1007 << Small;
    QTest::newRow("invalid utf-8 across fragments")
            << clientFrame(1, "ok", false) + clientFrame(0, "\xff") << Messages{} << 1007 << Small;
    QTest::newRow("too big") << clientFrame(1, QByteArray(101, 'a')) << Messages{} << 1009 << Small;
    QTest::newRow("too big once joined")
            << clientFrame(1, QByteArray(60, 'a'), false) + clientFrame(0, QByteArray(60, 'b'))
            << Messages{} << 1009 << Small;
    QTest::newRow("close with one byte") << clientFrame(8, "\x03") << Messages{} << 1002 << Small;
    QTest::newRow("close 1005 is not sent")
            << clientFrame(8, closePayload(1005)) << Messages{} << 1002 << Small;
    QTest::newRow("close 999") << clientFrame(8, closePayload(999)) << Messages{} << 1002 << Small;
    QTest::newRow("close reason not utf-8")
            << clientFrame(8, closePayload(1000, "\xff")) << Messages{} << 1007 << Small;
    QTest::newRow("messages before an error are delivered")
            << clientFrame(1, "first") + unmaskedFrame(1, "second") << Messages{{text, "first"}}
            << 1002 << Small;
}

void tst_WebSocketCodec::reader()
{
    QFETCH(QByteArray, input);
    QFETCH(Messages, expected);
    QFETCH(int, closeCode);
    QFETCH(qint64, maxMessage);

    // The same outcome however the bytes are split into reads.
    for (const qsizetype chunk : {0, 1, 2, 3, 7, 64, 4096}) {
        const Received got = feed(input, chunk, maxMessage);
        QCOMPARE(got.messages, expected);
        QCOMPARE(got.failed, closeCode != 0);
        QCOMPARE(int(got.closeCode), closeCode);
        if (closeCode == 0)
            QCOMPARE(got.consumed, input.size());
    }
}

void tst_WebSocketCodec::readerStopsWhenTheSinkSaysSo()
{
    QByteArray input = clientFrame(1, "a") + clientFrame(1, "b") + clientFrame(1, "c");
    FrameReader reader;
    QList<QByteArray> seen;
    const qsizetype used = reader.read(reinterpret_cast<uchar *>(input.data()), input.size(), 1000,
                                       [&seen](const FrameReader::Message &message) {
                                           seen.append(message.payload.toByteArray());
                                           return seen.size() < 2;
                                       });
    QCOMPARE(seen, (QList<QByteArray>{"a", "b"}));
    // Consumed through the frame that stopped it, and no further.
    QCOMPARE(used, clientFrame(1, "a").size() * 2);
}

void tst_WebSocketCodec::readerLeavesAnIncompleteFrame()
{
    const QByteArray whole = clientFrame(1, "complete") + clientFrame(1, "partial");
    QByteArray input = whole.first(whole.size() - 3);
    FrameReader reader;
    QList<QByteArray> seen;
    const qsizetype used = reader.read(reinterpret_cast<uchar *>(input.data()), input.size(), 1000,
                                       [&seen](const FrameReader::Message &message) {
                                           seen.append(message.payload.toByteArray());
                                           return true;
                                       });
    QCOMPARE(seen, QList<QByteArray>{"complete"});
    QCOMPARE(used, clientFrame(1, "complete").size());
    // The rest is untouched (still masked), ready to be given again.
    QCOMPARE(input.sliced(used), whole.sliced(used, input.size() - used));
}

void tst_WebSocketCodec::randomBytesNeverCrash()
{
    QRandomGenerator random(20261122);
    for (int round = 0; round < 3000; ++round) {
        QByteArray input(qsizetype(random.bounded(1, 200)), Qt::Uninitialized);
        for (char &c : input)
            c = char(random.bounded(256));
        // Frame-like starts make the reader go deeper than pure noise would.
        if (round % 2)
            input[0] = char(0x80 | random.bounded(16));
        if (round % 3 && input.size() > 1)
            input[1] = char(0x80 | random.bounded(128));
        const Received got = feed(input, qsizetype(random.bounded(0, 16)), 64);
        QVERIFY(got.consumed <= input.size());
        if (got.failed)
            QVERIFY(got.closeCode == 1002 || got.closeCode == 1007 || got.closeCode == 1009);

        QByteArray head = input;
        head.append("\r\n\r\n");
        if (const std::optional<RequestHead> parsed = parseRequestHead(head))
            (void)isWebSocketUpgrade(*parsed);
    }
}

void tst_WebSocketCodec::mutatedFramesNeverCrash()
{
    // Valid traffic with one byte changed or cut short: every error path, no crash.
    const QByteArray valid = clientFrame(1, "42[\"message\",\"xin chào\"]") + clientFrame(9, "p")
            + clientFrame(1, "4", false) + clientFrame(0, "2[1]")
            + clientFrame(2, QByteArray(300, 'b')) + clientFrame(8, closePayload(1000, "bye"));
    QRandomGenerator random(42);
    for (int round = 0; round < 4000; ++round) {
        QByteArray input = valid;
        const qsizetype at = qsizetype(random.bounded(int(input.size())));
        input[at] = char(random.bounded(256));
        if (round % 4 == 0)
            input.truncate(qsizetype(random.bounded(int(input.size()))));
        const Received got = feed(input, qsizetype(random.bounded(0, 40)), 1000);
        QVERIFY(got.consumed <= input.size());
    }
}

QTEST_APPLESS_MAIN(tst_WebSocketCodec)
#include "tst_websocketcodec.moc"
