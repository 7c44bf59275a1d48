// SPDX-License-Identifier: MIT
#include "protocol/engineio.h"
#include "protocol/socketio.h"

#include <QtCore/QRandomGenerator>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
namespace sio = chat::sio;
using chat::JsonArray;
using chat::JsonObject;
using chat::JsonValue;
using sio::Decoder;
using sio::Packet;
using sio::PacketType;

Q_DECLARE_METATYPE(sio::Packet)

namespace {

const QByteArray Bytes123("\x01\x02\x03", 3);
const QByteArray Bytes456("\x04\x05\x06", 3);

JsonValue json(QByteArrayView text)
{
    const auto value = JsonValue::parse(text);
    Q_ASSERT(value);
    return *value;
}

JsonValue placeholder(int num)
{
    return JsonObject{{u"_placeholder"_s, true}, {u"num"_s, num}};
}

QString describe(const Packet &packet)
{
    return u"%1 nsp=%2 id=%3 data=%4"_s.arg(sio::toString(packet.type), packet.nsp)
            .arg(packet.id)
            .arg(chat::toString(packet.data));
}

QString describe(Decoder::Status status)
{
    switch (status) {
    case Decoder::Status::Packet:
        return u"Packet"_s;
    case Decoder::Status::NeedMore:
        return u"NeedMore"_s;
    case Decoder::Status::Error:
        return u"Error"_s;
    }
    return u"?"_s;
}

// What a packet becomes on the wire and back: the main namespace by name, and a type that
// follows whether the data holds binary.
Packet normalized(Packet packet)
{
    if (packet.nsp.isEmpty())
        packet.nsp = sio::MainNamespace;
    const bool binary = packet.data.hasBinary();
    if (packet.type == PacketType::Event || packet.type == PacketType::BinaryEvent)
        packet.type = binary ? PacketType::BinaryEvent : PacketType::Event;
    if (packet.type == PacketType::Ack || packet.type == PacketType::BinaryAck)
        packet.type = binary ? PacketType::BinaryAck : PacketType::Ack;
    return packet;
}

// Feeds an encoded packet; returns the last status.
Decoder::Status feed(Decoder &decoder, const sio::Encoded &encoded)
{
    Decoder::Status status = decoder.feedText(encoded.text);
    for (const QByteArray &attachment : encoded.attachments) {
        if (status != Decoder::Status::NeedMore)
            return Decoder::Status::Error;
        status = decoder.feedBinary(attachment);
    }
    return status;
}

} // namespace

class tst_SocketIo : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decode_data();
    void decode();
    void decodeInvalid_data();
    void decodeInvalid();
    void unexpectedBinaryFrame();
    void textWhileAwaitingAttachments();
    void packetStream();
    void encode_data();
    void encode();
    void conformanceFrames_data();
    void conformanceFrames();
    void typeNames();
    void roundTripMany();
    void garbageNeverCrashes();
};

void tst_SocketIo::decode_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QList<QByteArray>>("attachments");
    QTest::addColumn<Packet>("packet");

    const QString main = sio::MainNamespace;
    const QList<QByteArray> none;
    const auto packet = [](PacketType type, const QString &nsp, qint64 id, const JsonValue &data) {
        return Packet{type, nsp, id, data};
    };

    QTest::newRow("connect") << QByteArray("0") << none
                             << packet(PacketType::Connect, main, -1, {});
    QTest::newRow("connect with auth")
            << QByteArray(R"(0{"token":"123"})") << none
            << packet(PacketType::Connect, main, -1, json(R"({"token":"123"})"));
    QTest::newRow("connect namespace with comma")
            << QByteArray("0/custom,") << none << packet(PacketType::Connect, u"/custom"_s, -1, {});
    QTest::newRow("connect namespace without comma")
            << QByteArray("0/custom") << none << packet(PacketType::Connect, u"/custom"_s, -1, {});
    QTest::newRow("connect namespace with auth")
            << QByteArray(R"(0/custom,{"token":"abc"})") << none
            << packet(PacketType::Connect, u"/custom"_s, -1, json(R"({"token":"abc"})"));
    QTest::newRow("connect nested namespace")
            << QByteArray("0/a/b-c.d,{}") << none
            << packet(PacketType::Connect, u"/a/b-c.d"_s, -1, JsonObject{});
    QTest::newRow("connect explicit main namespace")
            << QByteArray("0/,") << none << packet(PacketType::Connect, main, -1, {});
    QTest::newRow("disconnect") << QByteArray("1") << none
                                << packet(PacketType::Disconnect, main, -1, {});
    QTest::newRow("disconnect namespace") << QByteArray("1/custom,") << none
                                          << packet(PacketType::Disconnect, u"/custom"_s, -1, {});
    QTest::newRow("disconnect namespace without comma")
            << QByteArray("1/custom") << none
            << packet(PacketType::Disconnect, u"/custom"_s, -1, {});
    QTest::newRow("event") << QByteArray(R"(2["message",1,"2",{"3":[true]}])") << none
                           << packet(PacketType::Event, main, -1,
                                     json(R"(["message",1,"2",{"3":[true]}])"));
    QTest::newRow("event name only") << QByteArray(R"(2["ping"])") << none
                                     << packet(PacketType::Event, main, -1, json(R"(["ping"])"));
    QTest::newRow("event with ack id")
            << QByteArray(R"(2456["message-with-ack",1,"2",{"3":[false]}])") << none
            << packet(PacketType::Event, main, 456,
                      json(R"(["message-with-ack",1,"2",{"3":[false]}])"));
    QTest::newRow("event ack id 0") << QByteArray(R"(20["a"])") << none
                                    << packet(PacketType::Event, main, 0, json(R"(["a"])"));
    QTest::newRow("event largest ack id")
            << QByteArray(R"(29007199254740991["a"])") << none
            << packet(PacketType::Event, main, 9007199254740991, json(R"(["a"])"));
    QTest::newRow("event namespace and id")
            << QByteArray(R"(2/admin,12["user:ban",{"userId":5}])") << none
            << packet(PacketType::Event, u"/admin"_s, 12, json(R"(["user:ban",{"userId":5}])"));
    QTest::newRow("event namespace")
            << QByteArray(R"(2/admin,["stats"])") << none
            << packet(PacketType::Event, u"/admin"_s, -1, json(R"(["stats"])"));
    QTest::newRow("event with spaces in json")
            << QByteArray(R"(2[ "a" , 1 ])") << none
            << packet(PacketType::Event, main, -1, json(R"(["a",1])"));
    QTest::newRow("event utf-8")
            << QByteArray("2[\"message:send\",{\"message\":\"xin ch\xc3\xa0o \xf0\x9f\x98\x80\"}]")
            << none
            << packet(PacketType::Event, main, -1,
                      JsonArray{u"message:send"_s, JsonObject{{u"message"_s, u"xin chào 😀"_s}}});
    QTest::newRow("event with placeholder-like object is not binary")
            << QByteArray(R"(2["a",{"_placeholder":true,"num":0}])") << none
            << packet(PacketType::Event, main, -1, JsonArray{u"a"_s, placeholder(0)});
    QTest::newRow("ack") << QByteArray(R"(3456[1,"2",{"3":[false]}])") << none
                         << packet(PacketType::Ack, main, 456, json(R"([1,"2",{"3":[false]}])"));
    QTest::newRow("ack empty") << QByteArray("3/admin,7[]") << none
                               << packet(PacketType::Ack, u"/admin"_s, 7, JsonArray{});
    QTest::newRow("ack without id")
            << QByteArray("3[1]") << none << packet(PacketType::Ack, main, -1, JsonArray{1});
    QTest::newRow("connect error object")
            << QByteArray(R"(4{"message":"unauthorized"})") << none
            << packet(PacketType::ConnectError, main, -1, json(R"({"message":"unauthorized"})"));
    QTest::newRow("connect error namespace")
            << QByteArray(R"(4/random,{"message":"Invalid namespace"})") << none
            << packet(PacketType::ConnectError, u"/random"_s, -1,
                      json(R"({"message":"Invalid namespace"})"));
    QTest::newRow("connect error string")
            << QByteArray(R"(4"too_many_connections")") << none
            << packet(PacketType::ConnectError, main, -1, JsonValue(u"too_many_connections"_s));

    QTest::newRow("binary event") << QByteArray(
            R"(52-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])")
                                  << QList<QByteArray>{Bytes123, Bytes456}
                                  << packet(PacketType::BinaryEvent, main, -1,
                                            JsonArray{u"message"_s, JsonValue::fromBinary(Bytes123),
                                                      JsonValue::fromBinary(Bytes456)});
    QTest::newRow("binary event with ack id") << QByteArray(
            R"(52-789["message-with-ack",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])")
                                              << QList<QByteArray>{Bytes123, Bytes456}
                                              << packet(PacketType::BinaryEvent, main, 789,
                                                        JsonArray{u"message-with-ack"_s,
                                                                  JsonValue::fromBinary(Bytes123),
                                                                  JsonValue::fromBinary(Bytes456)});
    QTest::newRow("binary ack")
            << QByteArray(R"(62-789[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])")
            << QList<QByteArray>{Bytes123, Bytes456}
            << packet(PacketType::BinaryAck, main, 789,
                      JsonArray{JsonValue::fromBinary(Bytes123), JsonValue::fromBinary(Bytes456)});
    QTest::newRow("binary nested in object, namespace and id")
            << QByteArray(R"(51-/admin,5["up",{"file":{"_placeholder":true,"num":0},"name":"x"}])")
            << QList<QByteArray>{Bytes123}
            << packet(PacketType::BinaryEvent, u"/admin"_s, 5,
                      JsonArray{u"up"_s,
                                JsonObject{{u"file"_s, JsonValue::fromBinary(Bytes123)},
                                           {u"name"_s, u"x"_s}}});
    QTest::newRow("placeholders reused and out of order") << QByteArray(
            R"(52-["twice",{"_placeholder":true,"num":1},[{"_placeholder":true,"num":0}],{"_placeholder":true,"num":1}])")
                                                          << QList<QByteArray>{Bytes123, Bytes456}
                                                          << packet(PacketType::BinaryEvent, main,
                                                                    -1,
                                                                    JsonArray{
                                                                            u"twice"_s,
                                                                            JsonValue::fromBinary(
                                                                                    Bytes456),
                                                                            JsonArray{JsonValue::fromBinary(
                                                                                    Bytes123)},
                                                                            JsonValue::fromBinary(
                                                                                    Bytes456)});
    QTest::newRow("placeholder false is data")
            << QByteArray(
                       R"(51-["a",{"_placeholder":false,"num":0},{"_placeholder":true,"num":0}])")
            << QList<QByteArray>{Bytes123}
            << packet(PacketType::BinaryEvent, main, -1,
                      JsonArray{u"a"_s, JsonObject{{u"_placeholder"_s, false}, {u"num"_s, 0}},
                                JsonValue::fromBinary(Bytes123)});
    QTest::newRow("unused attachment")
            << QByteArray(R"(51-["a"])") << QList<QByteArray>{Bytes123}
            << packet(PacketType::BinaryEvent, main, -1, json(R"(["a"])"));
    QTest::newRow("empty attachment")
            << QByteArray(R"(51-["a",{"_placeholder":true,"num":0}])")
            << QList<QByteArray>{QByteArray()}
            << packet(PacketType::BinaryEvent, main, -1,
                      JsonArray{u"a"_s, JsonValue::fromBinary(QByteArray())});
    QByteArray ten = R"(510-["ten")";
    QList<QByteArray> tenAttachments;
    JsonArray tenData{u"ten"_s};
    for (int i = 0; i < 10; ++i) {
        ten += R"(,{"_placeholder":true,"num":)" + QByteArray::number(i) + '}';
        tenAttachments.append(QByteArray(i, char(i)));
        tenData.append(JsonValue::fromBinary(QByteArray(i, char(i))));
    }
    ten += ']';
    QTest::newRow("maximum attachments")
            << ten << tenAttachments << packet(PacketType::BinaryEvent, main, -1, tenData);
}

void tst_SocketIo::decode()
{
    QFETCH(QByteArray, text);
    QFETCH(QList<QByteArray>, attachments);
    QFETCH(Packet, packet);

    Decoder decoder;
    Decoder::Status status = decoder.feedText(text);
    for (const QByteArray &attachment : attachments) {
        QCOMPARE(describe(status), u"NeedMore"_s);
        QVERIFY(decoder.awaitingAttachments());
        status = decoder.feedBinary(attachment);
    }
    QVERIFY2(status == Decoder::Status::Packet, qPrintable(decoder.errorString()));
    QVERIFY(!decoder.awaitingAttachments());
    const Packet decoded = decoder.takePacket();
    QCOMPARE(describe(decoded), describe(packet));
    QVERIFY(decoded == packet);

    // Encoding it again gives a packet that decodes the same (each binary value becomes its
    // own attachment, and a binary packet without binary values becomes a plain one).
    const sio::Encoded encoded = sio::encode(decoded);
    QCOMPARE(encoded.attachments.isEmpty(), !decoded.data.hasBinary());
    QCOMPARE(describe(feed(decoder, encoded)), u"Packet"_s);
    QVERIFY(decoder.takePacket() == normalized(decoded));
}

void tst_SocketIo::decodeInvalid_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QList<QByteArray>>("attachments");

    const QList<QByteArray> none;
    const QList<QByteArray> one{Bytes123};

    QTest::newRow("empty") << QByteArray() << none;
    QTest::newRow("type 7") << QByteArray("7") << none;
    QTest::newRow("type 9 with data") << QByteArray(R"(9["a"])") << none;
    QTest::newRow("letter type abc") << QByteArray("abc") << none;
    QTest::newRow("minus") << QByteArray("-1") << none;
    QTest::newRow("namespace without type") << QByteArray("/custom,") << none;
    QTest::newRow("nul type") << QByteArray("\0", 1) << none;

    QTest::newRow("event without payload") << QByteArray("2") << none;
    QTest::newRow("event namespace without payload") << QByteArray("2/admin,") << none;
    QTest::newRow("event id without payload") << QByteArray("212") << none;
    QTest::newRow("event payload object") << QByteArray("2{}") << none;
    QTest::newRow("event payload empty array") << QByteArray("2[]") << none;
    QTest::newRow("event name is a number") << QByteArray("2[1]") << none;
    QTest::newRow("event name is null") << QByteArray("2[null]") << none;
    QTest::newRow("event name is an object") << QByteArray(R"(2[{"a":1}])") << none;
    QTest::newRow("event payload string") << QByteArray(R"(2"a")") << none;
    QTest::newRow("event payload number") << QByteArray("2 5") << none;
    QTest::newRow("event truncated json") << QByteArray(R"(2["a")") << none;
    QTest::newRow("event truncated string") << QByteArray("2[\"a") << none;
    QTest::newRow("event trailing garbage") << QByteArray(R"(2["a"]x)") << none;
    QTest::newRow("event two payloads") << QByteArray(R"(2["a"]["b"])") << none;
    QTest::newRow("event bad ack id abc")
            << QByteArray(R"(2abc["message-with-ack",1,"2",{"3":[false]}])") << none;
    QTest::newRow("event digits then letters") << QByteArray(R"(212abc["a"])") << none;
    QTest::newRow("event negative id") << QByteArray(R"(2-1["a"])") << none;
    QTest::newRow("event ack id 2^53") << QByteArray(R"(29007199254740992["a"])") << none;
    QTest::newRow("event ack id huge")
            << QByteArray(R"(2999999999999999999999999999["a"])") << none;
    QTest::newRow("event bad id after namespace") << QByteArray(R"(2/custom,abc["a"])") << none;
    QTest::newRow("event namespace without slash") << QByteArray(R"(2custom,["a"])") << none;
    QTest::newRow("event namespace swallows payload") << QByteArray(R"(2/custom["a"])") << none;
    QTest::newRow("event single quotes") << QByteArray("2['a']") << none;
    QTest::newRow("event invalid utf-8") << QByteArray("2[\"\xc3\"]") << none;
    QTest::newRow("event nested too deep")
            << QByteArray(R"(2["a",)" + QByteArray(80, '[') + QByteArray(80, ']') + ']') << none;

    QTest::newRow("ack without payload") << QByteArray("31") << none;
    QTest::newRow("ack object") << QByteArray("31{}") << none;
    QTest::newRow("ack string") << QByteArray(R"(31"x")") << none;
    QTest::newRow("ack invalid json") << QByteArray("31[1,]") << none;

    QTest::newRow("connect array") << QByteArray("0[]") << none;
    QTest::newRow("connect string") << QByteArray(R"(0"token")") << none;
    QTest::newRow("connect null") << QByteArray("0null") << none;
    QTest::newRow("connect number") << QByteArray("0/custom,1.5") << none;
    QTest::newRow("connect invalid json") << QByteArray(R"(0{"token":})") << none;

    QTest::newRow("disconnect with object") << QByteArray("1{}") << none;
    QTest::newRow("disconnect with array") << QByteArray("1/custom,[]") << none;
    QTest::newRow("disconnect with null") << QByteArray("1null") << none;

    QTest::newRow("connect error without payload") << QByteArray("4") << none;
    QTest::newRow("connect error namespace only") << QByteArray("4/random,") << none;
    QTest::newRow("connect error array") << QByteArray("4[]") << none;
    QTest::newRow("connect error number") << QByteArray("41") << none;
    QTest::newRow("connect error null") << QByteArray("4null") << none;

    QTest::newRow("binary event without count") << QByteArray(R"(5["a"])") << one;
    QTest::newRow("binary event empty count") << QByteArray(R"(5-["a"])") << one;
    QTest::newRow("binary event count zero") << QByteArray(R"(50-["a"])") << none;
    QTest::newRow("binary event count without dash") << QByteArray(R"(51["a"])") << one;
    QTest::newRow("binary event letter count") << QByteArray(R"(5x-["a"])") << one;
    QTest::newRow("binary event too many attachments") << QByteArray(R"(511-["a"])") << one;
    QTest::newRow("binary event absurd count")
            << QByteArray(R"(599999999999999999999-["a"])") << one;
    QTest::newRow("binary event count only") << QByteArray("51") << one;
    QTest::newRow("binary event no payload") << QByteArray("51-") << one;
    QTest::newRow("binary event object payload") << QByteArray("51-{}") << one;
    QTest::newRow("binary event empty array") << QByteArray("51-[]") << one;
    QTest::newRow("binary event number name") << QByteArray("51-[1]") << one;
    QTest::newRow("binary event invalid json")
            << QByteArray(R"(51-["a",{"_placeholder":true)") << one;
    QTest::newRow("binary ack no payload") << QByteArray("61-1") << one;
    QTest::newRow("binary ack object") << QByteArray("61-{}") << one;

    const QByteArray prefix = R"(51-["a",)";
    QTest::newRow("placeholder num out of range")
            << QByteArray(prefix + R"({"_placeholder":true,"num":1}])") << one;
    QTest::newRow("placeholder num negative")
            << QByteArray(prefix + R"({"_placeholder":true,"num":-1}])") << one;
    QTest::newRow("placeholder num string")
            << QByteArray(prefix + R"({"_placeholder":true,"num":"0"}])") << one;
    QTest::newRow("placeholder num fraction")
            << QByteArray(prefix + R"({"_placeholder":true,"num":0.5}])") << one;
    QTest::newRow("placeholder num huge")
            << QByteArray(prefix + R"({"_placeholder":true,"num":1e300}])") << one;
    QTest::newRow("placeholder num missing")
            << QByteArray(prefix + R"({"_placeholder":true}])") << one;
    QTest::newRow("placeholder deep out of range")
            << QByteArray(R"(52-["a",{"x":[{"y":{"_placeholder":true,"num":2}}]}])")
            << QList<QByteArray>{Bytes123, Bytes456};
    QTest::newRow("placeholder in binary ack out of range")
            << QByteArray(R"(61-3[{"_placeholder":true,"num":7}])") << one;
}

void tst_SocketIo::decodeInvalid()
{
    QFETCH(QByteArray, text);
    QFETCH(QList<QByteArray>, attachments);

    Decoder decoder;
    Decoder::Status status = decoder.feedText(text);
    for (const QByteArray &attachment : attachments) {
        if (status != Decoder::Status::NeedMore)
            break;
        status = decoder.feedBinary(attachment);
    }
    QCOMPARE(describe(status), u"Error"_s);
    QVERIFY(!decoder.errorString().isEmpty());
    QVERIFY(!decoder.awaitingAttachments());

    // The decoder is reset and takes the next packet normally.
    QCOMPARE(describe(decoder.feedText(R"(2["next"])")), u"Packet"_s);
    QCOMPARE(decoder.takePacket().data.toJson(), R"(["next"])");
}

void tst_SocketIo::unexpectedBinaryFrame()
{
    Decoder decoder;
    QCOMPARE(describe(decoder.feedBinary(Bytes123)), u"Error"_s);
    QVERIFY(!decoder.errorString().isEmpty());

    // After a complete binary packet, one frame too many.
    QCOMPARE(describe(decoder.feedText(R"(51-["a",{"_placeholder":true,"num":0}])")),
             u"NeedMore"_s);
    QCOMPARE(describe(decoder.feedBinary(Bytes123)), u"Packet"_s);
    QCOMPARE(decoder.takePacket().data[1].toBinary(), Bytes123);
    QCOMPARE(describe(decoder.feedBinary(Bytes456)), u"Error"_s);

    // After a text packet.
    QCOMPARE(describe(decoder.feedText(R"(2["a"])")), u"Packet"_s);
    decoder.takePacket();
    QCOMPARE(describe(decoder.feedBinary(Bytes456)), u"Error"_s);
}

void tst_SocketIo::textWhileAwaitingAttachments()
{
    Decoder decoder;
    QCOMPARE(describe(decoder.feedText(
                     R"(52-["a",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])")),
             u"NeedMore"_s);
    QCOMPARE(describe(decoder.feedBinary(Bytes123)), u"NeedMore"_s);
    QVERIFY(decoder.awaitingAttachments());
    QCOMPARE(describe(decoder.feedText(R"(2["b"])")), u"Error"_s);
    QVERIFY(!decoder.errorString().isEmpty());
    QVERIFY(!decoder.awaitingAttachments());
    // The half-received packet is dropped, and so is its stray attachment.
    QCOMPARE(describe(decoder.feedBinary(Bytes456)), u"Error"_s);

    // reset() abandons a partial packet as well.
    QCOMPARE(describe(decoder.feedText(R"(51-["a",{"_placeholder":true,"num":0}])")),
             u"NeedMore"_s);
    decoder.reset();
    QVERIFY(!decoder.awaitingAttachments());
    QCOMPARE(describe(decoder.feedText(R"(2["c"])")), u"Packet"_s);
    QCOMPARE(decoder.takePacket().data.toJson(), R"(["c"])");
}

void tst_SocketIo::packetStream()
{
    // One decoder per connection sees a stream of packets of all kinds.
    Decoder decoder;
    QCOMPARE(describe(decoder.feedText("0")), u"Packet"_s);
    QCOMPARE(sio::toString(decoder.takePacket().type), u"CONNECT"_s);

    QCOMPARE(describe(decoder.feedText(R"(51-/admin,["x",{"_placeholder":true,"num":0}])")),
             u"NeedMore"_s);
    QCOMPARE(describe(decoder.feedBinary(Bytes456)), u"Packet"_s);
    Packet packet = decoder.takePacket();
    QCOMPARE(packet.nsp, u"/admin"_s);
    QCOMPARE(packet.data[1].toBinary(), Bytes456);

    QCOMPARE(describe(decoder.feedText(R"(3/admin,4["done"])")), u"Packet"_s);
    packet = decoder.takePacket();
    QCOMPARE(sio::toString(packet.type), u"ACK"_s);
    QCOMPARE(packet.id, 4);

    // takePacket() leaves a default packet behind.
    const Packet empty = decoder.takePacket();
    QVERIFY(empty.data.isNull());
    QCOMPARE(empty.id, -1);

    QCOMPARE(describe(decoder.feedText("1")), u"Packet"_s);
    QCOMPARE(sio::toString(decoder.takePacket().type), u"DISCONNECT"_s);

    // The attachment limit is the decoder's.
    Decoder strict(1);
    QCOMPARE(describe(strict.feedText(R"(52-["a"])")), u"Error"_s);
    QCOMPARE(describe(strict.feedText(R"(51-["a"])")), u"NeedMore"_s);
    Decoder generous(100);
    QCOMPARE(describe(generous.feedText(R"(5100-["a"])")), u"NeedMore"_s);
    for (int i = 0; i < 99; ++i)
        QCOMPARE(describe(generous.feedBinary(Bytes123)), u"NeedMore"_s);
    QCOMPARE(describe(generous.feedBinary(Bytes123)), u"Packet"_s);
}

void tst_SocketIo::encode_data()
{
    QTest::addColumn<Packet>("packet");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QList<QByteArray>>("attachments");

    const QString main = sio::MainNamespace;
    const QList<QByteArray> none;
    const JsonValue bin123 = JsonValue::fromBinary(Bytes123);
    const JsonValue bin456 = JsonValue::fromBinary(Bytes456);

    QTest::newRow("connect") << Packet{PacketType::Connect, main, -1, {}} << QByteArray("0")
                             << none;
    QTest::newRow("connect reply")
            << Packet{PacketType::Connect, main, -1, JsonObject{{u"sid"_s, u"x"_s}}}
            << QByteArray(R"(0{"sid":"x"})") << none;
    QTest::newRow("connect reply namespace")
            << Packet{PacketType::Connect, u"/custom"_s, -1, JsonObject{{u"sid"_s, u"x"_s}}}
            << QByteArray(R"(0/custom,{"sid":"x"})") << none;
    QTest::newRow("connect namespace no data")
            << Packet{PacketType::Connect, u"/custom"_s, -1, {}} << QByteArray("0/custom,") << none;
    QTest::newRow("disconnect") << Packet{PacketType::Disconnect, main, -1, {}} << QByteArray("1")
                                << none;
    QTest::newRow("disconnect namespace") << Packet{PacketType::Disconnect, u"/admin"_s, -1, {}}
                                          << QByteArray("1/admin,") << none;
    QTest::newRow("event") << Packet::event(
            main, {u"message-back"_s, 1, u"2"_s, JsonObject{{u"3"_s, JsonArray{true}}}})
                           << QByteArray(R"(2["message-back",1,"2",{"3":[true]}])") << none;
    QTest::newRow("event with id and namespace") << Packet::event(u"/admin"_s, {u"stats"_s}, 12)
                                                 << QByteArray(R"(2/admin,12["stats"])") << none;
    QTest::newRow("event id 0") << Packet::event(main, {u"a"_s}, 0) << QByteArray(R"(20["a"])")
                                << none;
    QTest::newRow("empty namespace is main")
            << Packet::event(QString(), {u"a"_s}) << QByteArray(R"(2["a"])") << none;
    QTest::newRow("event utf-8 and escapes")
            << Packet::event(main, {u"m"_s, u"é😀\n\"\u0001"_s})
            << QByteArray("2[\"m\",\"\xc3\xa9\xf0\x9f\x98\x80\\n\\\"\\u0001\"]") << none;
    QTest::newRow("non-ascii namespace")
            << Packet::event(u"/é"_s, {u"a"_s}) << QByteArray("2/\xc3\xa9,[\"a\"]") << none;
    QTest::newRow("ack") << Packet::ack(main, 456,
                                        {1, u"2"_s, JsonObject{{u"3"_s, JsonArray{false}}}})
                         << QByteArray(R"(3456[1,"2",{"3":[false]}])") << none;
    QTest::newRow("ack namespace empty")
            << Packet::ack(u"/admin"_s, 7, {}) << QByteArray("3/admin,7[]") << none;
    QTest::newRow("connect error")
            << Packet{PacketType::ConnectError, u"/random"_s, -1,
                      JsonObject{{u"message"_s, u"Invalid namespace"_s}}}
            << QByteArray(R"(4/random,{"message":"Invalid namespace"})") << none;
    QTest::newRow("connect error main") << Packet{PacketType::ConnectError, main, -1,
                                                  JsonObject{{u"message"_s, u"unauthorized"_s}}}
                                        << QByteArray(R"(4{"message":"unauthorized"})") << none;
    QTest::newRow("connect error string")
            << Packet{PacketType::ConnectError, main, -1, JsonValue(u"banned"_s)}
            << QByteArray(R"(4"banned")") << none;

    QTest::newRow("binary event")
            << Packet::event(main, {u"message-back"_s, bin123, bin456})
            << QByteArray(
                       R"(52-["message-back",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])")
            << QList<QByteArray>{Bytes123, Bytes456};
    QTest::newRow("binary ack")
            << Packet::ack(main, 789, {bin123, bin456})
            << QByteArray(R"(62-789[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])")
            << QList<QByteArray>{Bytes123, Bytes456};
    QTest::newRow("binary ack namespace")
            << Packet::ack(u"/admin"_s, 3, {bin456})
            << QByteArray(R"(61-/admin,3[{"_placeholder":true,"num":0}])")
            << QList<QByteArray>{Bytes456};
    QTest::newRow("binary depth-first numbering")
            << Packet::event(main,
                             {u"up"_s,
                              JsonObject{{u"a"_s, bin123},
                                         {u"b"_s, JsonArray{bin456, JsonObject{{u"c"_s, bin123}}}},
                                         {u"d"_s, 5}},
                              bin456},
                             9)
            << QByteArray(
                       R"(54-9["up",{"a":{"_placeholder":true,"num":0},"b":[{"_placeholder":true,"num":1},{"c":{"_placeholder":true,"num":2}}],"d":5},{"_placeholder":true,"num":3}])")
            << QList<QByteArray>{Bytes123, Bytes456, Bytes123, Bytes456};
    QTest::newRow("binary type given for an event")
            << Packet{PacketType::BinaryEvent, main, -1, JsonArray{u"m"_s, bin123}}
            << QByteArray(R"(51-["m",{"_placeholder":true,"num":0}])")
            << QList<QByteArray>{Bytes123};
    QTest::newRow("binary type without binary data is a plain event")
            << Packet{PacketType::BinaryEvent, main, -1, JsonArray{u"m"_s}}
            << QByteArray(R"(2["m"])") << none;
    QTest::newRow("binary ack type without binary data is a plain ack")
            << Packet{PacketType::BinaryAck, main, 1, JsonArray{}} << QByteArray("31[]") << none;
}

void tst_SocketIo::encode()
{
    QFETCH(Packet, packet);
    QFETCH(QByteArray, text);
    QFETCH(QList<QByteArray>, attachments);

    const sio::Encoded encoded = sio::encode(packet);
    QCOMPARE(encoded.text, text);
    QCOMPARE(encoded.attachments, attachments);

    Decoder decoder;
    QCOMPARE(describe(feed(decoder, encoded)), u"Packet"_s);
    const Packet decoded = decoder.takePacket();
    QCOMPARE(describe(decoded), describe(normalized(packet)));
    QVERIFY(decoded == normalized(packet));
}

void tst_SocketIo::conformanceFrames_data()
{
    QTest::addColumn<Packet>("packet");
    QTest::addColumn<QByteArray>("frame");

    const QString main = sio::MainNamespace;
    // The exact WebSocket frames the socket.io-protocol test suite compares.
    QTest::newRow("echo") << Packet::event(
            main, {u"message-back"_s, 1, u"2"_s, JsonObject{{u"3"_s, JsonArray{true}}}})
                          << QByteArray(R"(42["message-back",1,"2",{"3":[true]}])");
    QTest::newRow("ack") << Packet::ack(main, 456,
                                        {1, u"2"_s, JsonObject{{u"3"_s, JsonArray{false}}}})
                         << QByteArray(R"(43456[1,"2",{"3":[false]}])");
    QTest::newRow("binary echo")
            << Packet::event(main,
                             {u"message-back"_s, JsonValue::fromBinary(Bytes123),
                              JsonValue::fromBinary(Bytes456)})
            << QByteArray(
                       R"(452-["message-back",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
    QTest::newRow("binary ack")
            << Packet::ack(main, 789,
                           {JsonValue::fromBinary(Bytes123), JsonValue::fromBinary(Bytes456)})
            << QByteArray(
                       R"(462-789[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
    QTest::newRow("connect custom")
            << Packet{PacketType::Connect, u"/custom"_s, -1, JsonObject{{u"sid"_s, u"x"_s}}}
            << QByteArray(R"(40/custom,{"sid":"x"})");
    QTest::newRow("auth custom") << Packet::event(u"/custom"_s,
                                                  {u"auth"_s, JsonObject{{u"token"_s, u"abc"_s}}})
                                 << QByteArray(R"(42/custom,["auth",{"token":"abc"}])");
    QTest::newRow("auth main") << Packet::event(main, {u"auth"_s, JsonObject{}})
                               << QByteArray(R"(42["auth",{}])");
    QTest::newRow("invalid namespace")
            << Packet{PacketType::ConnectError, u"/random"_s, -1,
                      JsonObject{{u"message"_s, u"Invalid namespace"_s}}}
            << QByteArray(R"(44/random,{"message":"Invalid namespace"})");
}

void tst_SocketIo::conformanceFrames()
{
    QFETCH(Packet, packet);
    QFETCH(QByteArray, frame);
    const sio::Encoded encoded = sio::encode(packet);
    QCOMPARE(chat::eio::encodeFrame(chat::eio::Packet::message(encoded.text)), frame);
    for (const QByteArray &attachment : encoded.attachments)
        QCOMPARE(chat::eio::encodeFrame(chat::eio::Packet::binaryMessage(attachment)), attachment);
}

void tst_SocketIo::typeNames()
{
    QCOMPARE(sio::toString(PacketType::Connect), u"CONNECT"_s);
    QCOMPARE(sio::toString(PacketType::Disconnect), u"DISCONNECT"_s);
    QCOMPARE(sio::toString(PacketType::Event), u"EVENT"_s);
    QCOMPARE(sio::toString(PacketType::Ack), u"ACK"_s);
    QCOMPARE(sio::toString(PacketType::ConnectError), u"CONNECT_ERROR"_s);
    QCOMPARE(sio::toString(PacketType::BinaryEvent), u"BINARY_EVENT"_s);
    QCOMPARE(sio::toString(PacketType::BinaryAck), u"BINARY_ACK"_s);
    QCOMPARE(sio::toString(PacketType(9)), u"UNKNOWN(9)"_s);
}

void tst_SocketIo::roundTripMany()
{
    // Every kind of packet, with and without namespace, id and binary, survives encode+decode.
    QRandomGenerator random(5150);
    const QStringList namespaces{sio::MainNamespace, u"/admin"_s, u"/custom"_s};
    Decoder decoder(10);
    for (int i = 0; i < 2000; ++i) {
        Packet packet;
        packet.nsp = namespaces.at(int(random.bounded(int(namespaces.size()))));
        JsonArray args;
        const int argc = int(random.bounded(5));
        int binaries = 0;
        for (int a = 0; a < argc; ++a) {
            switch (random.bounded(5)) {
            case 0:
                args.append(qint64(random.generate64() >> 12));
                break;
            case 1:
                args.append(u"arg %1"_s.arg(a));
                break;
            case 2:
                if (binaries < 10) {
                    ++binaries;
                    args.append(JsonValue::fromBinary(QByteArray(int(random.bounded(8)), 'b')));
                }
                break;
            case 3:
                args.append(JsonObject{{u"k"_s, JsonArray{a, true, JsonValue()}}});
                break;
            default:
                args.append(random.generateDouble());
                break;
            }
        }
        switch (random.bounded(5)) {
        case 0:
            packet.type = PacketType::Connect;
            packet.data
                    = random.bounded(2) ? JsonValue() : JsonValue(JsonObject{{u"token"_s, u"t"_s}});
            break;
        case 1:
            packet.type = PacketType::Disconnect;
            break;
        case 2:
            packet.type = PacketType::ConnectError;
            packet.data = JsonObject{{u"message"_s, u"nope"_s}};
            break;
        case 3:
            args.prepend(u"event"_s);
            packet = Packet::event(packet.nsp, args,
                                   random.bounded(2) ? -1 : qint64(random.bounded(1000000)));
            break;
        default:
            packet = Packet::ack(packet.nsp, qint64(random.generate64() >> 11), args);
            break;
        }
        const sio::Encoded encoded = sio::encode(packet);
        QVERIFY2(feed(decoder, encoded) == Decoder::Status::Packet,
                 qPrintable(decoder.errorString() + u" for "_s + QString::fromUtf8(encoded.text)));
        const Packet decoded = decoder.takePacket();
        QVERIFY2(decoded == normalized(packet), qPrintable(describe(decoded)));
    }
}

void tst_SocketIo::garbageNeverCrashes()
{
    const QList<QByteArray> seeds = {
            R"(2456["message-with-ack",1,"2",{"3":[false]}])",
            R"(52-789["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])",
            R"(0/custom,{"token":"abc"})",
            R"(4/random,{"message":"Invalid namespace"})",
            R"(61-/admin,3[{"x":{"_placeholder":true,"num":0}}])",
            "1/custom,",
    };
    static constexpr char Alphabet[] = "0123456789-/,[]{}\":_placeholdernumtrue \xc3\xff";
    QRandomGenerator random(31337);
    Decoder decoder(4);
    int packets = 0;
    int errors = 0;
    for (int i = 0; i < 8000; ++i) {
        QByteArray text;
        if (i % 7 == 6) {
            text.resize(int(random.bounded(32)));
            for (char &c : text)
                c = char(random.bounded(256));
        } else {
            text = seeds.at(int(random.bounded(int(seeds.size()))));
            const int edits = int(random.bounded(4));
            for (int e = 0; e < edits && !text.isEmpty(); ++e) {
                const int pos = int(random.bounded(int(text.size())));
                switch (random.bounded(4)) {
                case 0:
                    text.truncate(pos);
                    break;
                case 1:
                    text[pos] = Alphabet[random.bounded(int(sizeof Alphabet - 1))];
                    break;
                case 2:
                    text.insert(pos, Alphabet[random.bounded(int(sizeof Alphabet - 1))]);
                    break;
                default:
                    text.remove(pos, 1);
                    break;
                }
            }
        }

        // Sometimes a stray binary frame first, which must be refused.
        if (random.bounded(10) == 0 && !decoder.awaitingAttachments())
            QCOMPARE(describe(decoder.feedBinary(Bytes123)), u"Error"_s);

        Decoder::Status status = decoder.feedText(text);
        int frames = 0;
        while (status == Decoder::Status::NeedMore && frames++ < 6) {
            if (random.bounded(20) == 0)
                status = decoder.feedText(R"(2["interrupt"])");
            else
                status = decoder.feedBinary(QByteArray(int(random.bounded(4)), 'z'));
        }
        if (status == Decoder::Status::NeedMore) {
            decoder.reset();
            continue;
        }
        if (status == Decoder::Status::Error) {
            ++errors;
            QVERIFY(!decoder.errorString().isEmpty());
            continue;
        }
        ++packets;
        const Packet packet = decoder.takePacket();
        // Whatever is accepted encodes to a packet that decodes the same.
        Decoder second;
        QVERIFY2(feed(second, sio::encode(packet)) == Decoder::Status::Packet,
                 qPrintable(second.errorString() + u" for "_s + describe(packet)));
        QVERIFY2(second.takePacket() == normalized(packet), qPrintable(describe(packet)));
    }
    QVERIFY(packets > 500);
    QVERIFY(errors > 500);
}

QTEST_APPLESS_MAIN(tst_SocketIo)
#include "tst_socketio.moc"
