// SPDX-License-Identifier: MIT
#include "protocol/engineio.h"

#include <QtCore/QRandomGenerator>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
namespace eio = chat::eio;
using eio::DecodeError;
using eio::Packet;
using eio::PacketType;

Q_DECLARE_METATYPE(eio::Packet)
Q_DECLARE_METATYPE(eio::DecodeError)

namespace QTest {
template<>
char *toString(const eio::Packet &packet)
{
    const QByteArray text = packet.binary ? QByteArray("binary:" + packet.data.toHex())
                                          : QByteArray(char(packet.type) + packet.data);
    return qstrdup(text.constData());
}
template<>
char *toString(const QList<eio::Packet> &packets)
{
    QByteArray text = "[";
    for (const eio::Packet &packet : packets) {
        char *one = toString(packet);
        text += one;
        text += ' ';
        delete[] one;
    }
    text += ']';
    return qstrdup(text.constData());
}
} // namespace QTest

class tst_EngineIo : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decodeText_data();
    void decodeText();
    void decodeTextInvalid_data();
    void decodeTextInvalid();
    void encodeFrame_data();
    void encodeFrame();
    void decodePayload_data();
    void decodePayload();
    void decodePayloadInvalid_data();
    void decodePayloadInvalid();
    void maxPayload();
    void encodePayload_data();
    void encodePayload();
    void appendToPayload();
    void base64MatchesQt();
    void errorStrings();
    void garbageNeverCrashes();
};

void tst_EngineIo::decodeText_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<Packet>("packet");

    const QByteArray open = R"({"sid":"abc","upgrades":["websocket"],"pingInterval":300,)"
                            R"("pingTimeout":200,"maxPayload":1000000})";
    QTest::newRow("open") << "0" + open << Packet::text(PacketType::Open, open);
    QTest::newRow("close") << QByteArray("1") << Packet::text(PacketType::Close);
    QTest::newRow("ping") << QByteArray("2") << Packet::text(PacketType::Ping);
    QTest::newRow("ping probe") << QByteArray("2probe") << Packet::text(PacketType::Ping, "probe");
    QTest::newRow("pong") << QByteArray("3") << Packet::text(PacketType::Pong);
    QTest::newRow("pong probe") << QByteArray("3probe") << Packet::text(PacketType::Pong, "probe");
    QTest::newRow("message") << QByteArray("4hello") << Packet::message("hello");
    QTest::newRow("empty message") << QByteArray("4") << Packet::message({});
    QTest::newRow("socket.io in message")
            << QByteArray(R"(42["message",1])") << Packet::message(R"(2["message",1])");
    QTest::newRow("utf-8 message") << QByteArray("4\xc3\xa9\xf0\x9f\x98\x80")
                                   << Packet::message("\xc3\xa9\xf0\x9f\x98\x80");
    QTest::newRow("separator kept in a frame") << QByteArray("4a\x1e"
                                                             "b")
                                               << Packet::message("a\x1e"
                                                                  "b");
    QTest::newRow("upgrade") << QByteArray("5") << Packet::text(PacketType::Upgrade);
    QTest::newRow("noop") << QByteArray("6") << Packet::text(PacketType::Noop);
}

void tst_EngineIo::decodeText()
{
    QFETCH(QByteArray, frame);
    QFETCH(Packet, packet);
    DecodeError error = DecodeError::TooLarge;
    const auto decoded = eio::decodeText(frame, &error);
    QVERIFY(decoded);
    QCOMPARE(*decoded, packet);
    QVERIFY(!decoded->binary);
    QCOMPARE(eio::encodeFrame(*decoded), frame);
    QVERIFY(eio::decodeText(frame));
}

void tst_EngineIo::decodeTextInvalid_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<DecodeError>("error");

    QTest::newRow("empty") << QByteArray() << DecodeError::Empty;
    QTest::newRow("type 7") << QByteArray("7") << DecodeError::UnknownType;
    QTest::newRow("type 9 with data") << QByteArray("9hello") << DecodeError::UnknownType;
    QTest::newRow("letters") << QByteArray("abc") << DecodeError::UnknownType;
    QTest::newRow("binary marker is not a frame type")
            << QByteArray("bAQID") << DecodeError::UnknownType;
    QTest::newRow("nul") << QByteArray("\0", 1) << DecodeError::UnknownType;
    QTest::newRow("separator") << QByteArray("\x1e") << DecodeError::UnknownType;
    QTest::newRow("space") << QByteArray(" 4") << DecodeError::UnknownType;
    QTest::newRow("slash before 0") << QByteArray("/") << DecodeError::UnknownType;
    QTest::newRow("high byte") << QByteArray("\xb4") << DecodeError::UnknownType;
}

void tst_EngineIo::decodeTextInvalid()
{
    QFETCH(QByteArray, frame);
    QFETCH(DecodeError, error);
    DecodeError actual
            = error == DecodeError::Empty ? DecodeError::UnknownType : DecodeError::Empty;
    QVERIFY(!eio::decodeText(frame, &actual));
    QCOMPARE(eio::toString(actual), eio::toString(error));
    QVERIFY(!eio::decodeText(frame));
}

void tst_EngineIo::encodeFrame_data()
{
    QTest::addColumn<Packet>("packet");
    QTest::addColumn<QByteArray>("frame");

    QTest::newRow("message") << Packet::message("hello") << QByteArray("4hello");
    QTest::newRow("ping") << Packet::text(PacketType::Ping) << QByteArray("2");
    QTest::newRow("pong probe") << Packet::text(PacketType::Pong, "probe") << QByteArray("3probe");
    QTest::newRow("close") << Packet::text(PacketType::Close) << QByteArray("1");
    QTest::newRow("noop") << Packet() << QByteArray("6");
    QTest::newRow("binary is raw") << Packet::binaryMessage(QByteArray("\x01\x02\x03\x04", 4))
                                   << QByteArray("\x01\x02\x03\x04", 4);
    QTest::newRow("empty binary") << Packet::binaryMessage({}) << QByteArray();
}

void tst_EngineIo::encodeFrame()
{
    QFETCH(Packet, packet);
    QFETCH(QByteArray, frame);
    QCOMPARE(eio::encodeFrame(packet), frame);
    if (packet.binary)
        QCOMPARE(eio::decodeBinaryFrame(frame), packet);
}

void tst_EngineIo::decodePayload_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QList<Packet>>("packets");

    QTest::newRow("one message") << QByteArray("4hello") << QList<Packet>{Packet::message("hello")};
    QTest::newRow("three messages")
            << QByteArray("4test1\x1e"
                          "4test2\x1e"
                          "4test3")
            << QList<Packet>{Packet::message("test1"), Packet::message("test2"),
                             Packet::message("test3")};
    QTest::newRow("text and binary")
            << QByteArray("4hello\x1e"
                          "bAQIDBA==")
            << QList<Packet>{Packet::message("hello"),
                             Packet::binaryMessage(QByteArray("\x01\x02\x03\x04", 4))};
    QTest::newRow("pong") << QByteArray("3") << QList<Packet>{Packet::text(PacketType::Pong)};
    QTest::newRow("close") << QByteArray("1") << QList<Packet>{Packet::text(PacketType::Close)};
    QTest::newRow("empty messages") << QByteArray("4\x1e"
                                                  "4")
                                    << QList<Packet>{Packet::message({}), Packet::message({})};
    QTest::newRow("empty binary") << QByteArray("b") << QList<Packet>{Packet::binaryMessage({})};
    QTest::newRow("binary without padding")
            << QByteArray("bAQIDBA") << QList<Packet>{Packet::binaryMessage("\x01\x02\x03\x04")};
    QTest::newRow("binary one byte")
            << QByteArray("b/w==") << QList<Packet>{Packet::binaryMessage("\xff")};
    QTest::newRow("binary two bytes")
            << QByteArray("bAAE=") << QList<Packet>{Packet::binaryMessage(QByteArray("\0\x01", 2))};
    QTest::newRow("socket.io packets") << QByteArray(R"(40{"token":"123"})"
                                                     "\x1e"
                                                     R"(42["message",1])")
                                       << QList<Packet>{Packet::message(R"(0{"token":"123"})"),
                                                        Packet::message(R"(2["message",1])")};
    QTest::newRow("binary socket.io")
            << QByteArray(R"(451-["m",{"_placeholder":true,"num":0}])"
                          "\x1e"
                          "bAQID")
            << QList<Packet>{Packet::message(R"(51-["m",{"_placeholder":true,"num":0}])"),
                             Packet::binaryMessage("\x01\x02\x03")};
}

void tst_EngineIo::decodePayload()
{
    QFETCH(QByteArray, body);
    QFETCH(QList<Packet>, packets);
    const auto decoded = eio::decodePayload(body);
    QVERIFY(decoded);
    QCOMPARE(*decoded, packets);
    // And back: the body re-encodes to something that decodes the same.
    QCOMPARE(eio::decodePayload(eio::encodePayload(*decoded)), decoded);
}

void tst_EngineIo::decodePayloadInvalid_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<DecodeError>("error");

    QTest::newRow("empty body") << QByteArray() << DecodeError::Empty;
    QTest::newRow("only separator") << QByteArray("\x1e") << DecodeError::Empty;
    QTest::newRow("trailing separator") << QByteArray("4a\x1e") << DecodeError::Empty;
    QTest::newRow("leading separator") << QByteArray("\x1e"
                                                     "4a")
                                       << DecodeError::Empty;
    QTest::newRow("empty in the middle") << QByteArray("4a\x1e\x1e"
                                                       "4b")
                                         << DecodeError::Empty;
    QTest::newRow("invalid packet abc") << QByteArray("abc") << DecodeError::UnknownType;
    QTest::newRow("bad type after good") << QByteArray("4a\x1e"
                                                       "9")
                                         << DecodeError::UnknownType;
    QTest::newRow("bad type first") << QByteArray("7x\x1e"
                                                  "4a")
                                    << DecodeError::UnknownType;
    QTest::newRow("upper-case B") << QByteArray("BAQID") << DecodeError::UnknownType;
    QTest::newRow("base64 bad char") << QByteArray("bAQ!D") << DecodeError::BadBase64;
    QTest::newRow("base64 space") << QByteArray("bAQ ID") << DecodeError::BadBase64;
    QTest::newRow("base64 url alphabet") << QByteArray("b-_8=") << DecodeError::BadBase64;
    QTest::newRow("base64 bad padding") << QByteArray("bAQIDBA=") << DecodeError::BadBase64;
    QTest::newRow("base64 too much padding") << QByteArray("bAQIDBA===") << DecodeError::BadBase64;
    QTest::newRow("base64 padding inside") << QByteArray("bAQ==AQ==") << DecodeError::BadBase64;
    QTest::newRow("base64 newline") << QByteArray("bAQIDBA==\n") << DecodeError::BadBase64;
    QTest::newRow("bad base64 after good") << QByteArray("4hello\x1e"
                                                         "bAQIDBA==\x1e"
                                                         "b%%%%")
                                           << DecodeError::BadBase64;
}

void tst_EngineIo::decodePayloadInvalid()
{
    QFETCH(QByteArray, body);
    QFETCH(DecodeError, error);
    DecodeError actual = error == DecodeError::Empty ? DecodeError::TooLarge : DecodeError::Empty;
    QVERIFY(!eio::decodePayload(body, 0, &actual));
    QCOMPARE(eio::toString(actual), eio::toString(error));
    QVERIFY(!eio::decodePayload(body));
}

void tst_EngineIo::maxPayload()
{
    const QByteArray body = "4" + QByteArray(999, 'x');
    QCOMPARE(body.size(), 1000);
    QVERIFY(eio::decodePayload(body, 1000));
    QVERIFY(eio::decodePayload(body, 0));

    DecodeError error = DecodeError::Empty;
    QVERIFY(!eio::decodePayload(body, 999, &error));
    QCOMPARE(eio::toString(error), eio::toString(DecodeError::TooLarge));

    // The size check comes first: an oversized body is refused even if it is malformed.
    error = DecodeError::Empty;
    QVERIFY(!eio::decodePayload(QByteArray(2000, '\x1e'), 1000, &error));
    QCOMPARE(eio::toString(error), eio::toString(DecodeError::TooLarge));

    // The limit applies to the encoded body, base64 included.
    const QByteArray binary = "b" + QByteArray(1000, 'A');
    error = DecodeError::Empty;
    QVERIFY(!eio::decodePayload(binary, 1000, &error));
    QCOMPARE(eio::toString(error), eio::toString(DecodeError::TooLarge));
    QVERIFY(eio::decodePayload(binary, 1001));
}

void tst_EngineIo::encodePayload_data()
{
    QTest::addColumn<QList<Packet>>("packets");
    QTest::addColumn<QByteArray>("body");

    QTest::newRow("nothing") << QList<Packet>{} << QByteArray();
    QTest::newRow("one ping") << QList<Packet>{Packet::text(PacketType::Ping)} << QByteArray("2");
    QTest::newRow("three messages")
            << QList<Packet>{Packet::message("test1"), Packet::message("test2"),
                             Packet::message("test3")}
            << QByteArray("4test1\x1e"
                          "4test2\x1e"
                          "4test3");
    QTest::newRow("echo of text and binary")
            << QList<Packet>{Packet::message("hello"),
                             Packet::binaryMessage(QByteArray("\x01\x02\x03\x04", 4))}
            << QByteArray("4hello\x1e"
                          "bAQIDBA==");
    QTest::newRow("binary first") << QList<Packet>{Packet::binaryMessage("\xff\xfe"),
                                                   Packet::text(PacketType::Noop)}
                                  << QByteArray("b//4=\x1e"
                                                "6");
    QTest::newRow("empty binary") << QList<Packet>{Packet::binaryMessage({})} << QByteArray("b");
    QTest::newRow("open") << QList<Packet>{Packet::text(PacketType::Open, R"({"sid":"x"})")}
                          << QByteArray(R"(0{"sid":"x"})");
}

void tst_EngineIo::encodePayload()
{
    QFETCH(QList<Packet>, packets);
    QFETCH(QByteArray, body);
    QCOMPARE(eio::encodePayload(packets), body);
    if (!packets.isEmpty())
        QCOMPARE(eio::decodePayload(body), packets);
}

void tst_EngineIo::appendToPayload()
{
    QByteArray payload;
    eio::appendToPayload(payload, Packet::message("a"));
    QCOMPARE(payload, "4a");
    eio::appendToPayload(payload, Packet::binaryMessage("\x01"));
    QCOMPARE(payload,
             "4a\x1e"
             "bAQ==");
    eio::appendToPayload(payload, Packet::text(PacketType::Close));
    QCOMPARE(payload,
             "4a\x1e"
             "bAQ==\x1e"
             "1");
    QCOMPARE(eio::encodePayload({Packet::message("a"), Packet::binaryMessage("\x01"),
                                 Packet::text(PacketType::Close)}),
             payload);
}

void tst_EngineIo::base64MatchesQt()
{
    QRandomGenerator random(4242);
    for (int size = 0; size < 200; ++size) {
        QByteArray bytes(size, Qt::Uninitialized);
        for (char &c : bytes)
            c = char(random.bounded(256));
        const QByteArray body = eio::encodePayload({Packet::binaryMessage(bytes)});
        QCOMPARE(body, "b" + bytes.toBase64());
        const auto decoded = eio::decodePayload(body);
        QVERIFY(decoded);
        QCOMPARE(decoded->size(), 1);
        QCOMPARE(decoded->first().data, bytes);
        QVERIFY(decoded->first().binary);
    }
}

void tst_EngineIo::errorStrings()
{
    const QList<DecodeError> errors = {DecodeError::Empty, DecodeError::UnknownType,
                                       DecodeError::BadBase64, DecodeError::TooLarge};
    QStringList seen;
    for (DecodeError error : errors) {
        const QString text = eio::toString(error);
        QVERIFY(!text.isEmpty());
        QVERIFY(!seen.contains(text));
        seen.append(text);
    }
}

void tst_EngineIo::garbageNeverCrashes()
{
    const QList<QByteArray> seeds = {
            "4hello\x1e"
            "bAQIDBA==\x1e"
            "4test",
            R"(40{"token":"123"})"
            "\x1e"
            "2\x1e"
            "3probe",
            "b/w==\x1e"
            "6\x1e"
            "1",
    };
    static constexpr char Alphabet[] = "0123456789bB=+/A\x1e\xff ";
    QRandomGenerator random(99);
    int accepted = 0;
    for (int i = 0; i < 5000; ++i) {
        QByteArray body;
        if (i % 5 == 4) {
            body.resize(int(random.bounded(40)));
            for (char &c : body)
                c = char(random.bounded(256));
        } else {
            body = seeds.at(int(random.bounded(int(seeds.size()))));
            const int edits = 1 + int(random.bounded(3));
            for (int e = 0; e < edits && !body.isEmpty(); ++e) {
                const int pos = int(random.bounded(int(body.size())));
                switch (random.bounded(3)) {
                case 0:
                    body.truncate(pos);
                    break;
                case 1:
                    body[pos] = Alphabet[random.bounded(int(sizeof Alphabet - 1))];
                    break;
                default:
                    body.insert(pos, Alphabet[random.bounded(int(sizeof Alphabet - 1))]);
                    break;
                }
            }
        }
        DecodeError error = DecodeError::Empty;
        const auto packets = eio::decodePayload(body, 64, &error);
        if (!packets) {
            QVERIFY(!eio::toString(error).isEmpty());
            continue;
        }
        ++accepted;
        QVERIFY(!packets->isEmpty());
        // Whatever is accepted encodes back to a payload that decodes to the same packets.
        QCOMPARE(eio::decodePayload(eio::encodePayload(*packets)), packets);
        for (const Packet &packet : *packets) {
            if (!packet.binary)
                QCOMPARE(eio::decodeText(eio::encodeFrame(packet)), packet);
        }
    }
    QVERIFY(accepted > 100);
}

QTEST_APPLESS_MAIN(tst_EngineIo)
#include "tst_engineio.moc"
