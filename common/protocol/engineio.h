// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QList>
#include <QtCore/QString>

#include <optional>

//! Engine.IO protocol v4: packets, and the long-polling payload that joins them.
//! See docs/protocol.md and https://socket.io/docs/v4/engine-io-protocol/.
namespace chat::eio {

constexpr int ProtocolVersion = 4;
//! The separator of packets in a long-polling payload.
constexpr char RecordSeparator = '\x1e';

enum class PacketType : char {
    Open = '0',
    Close = '1',
    Ping = '2',
    Pong = '3',
    Message = '4',
    Upgrade = '5',
    Noop = '6',
};

struct Packet
{
    PacketType type = PacketType::Noop;
    //! For a text packet, what follows the type digit; for a binary message, the raw bytes.
    QByteArray data;
    //! A binary message (only PacketType::Message can be binary).
    bool binary = false;

    static Packet text(PacketType type, QByteArray data = {})
    {
        return {type, std::move(data), false};
    }
    static Packet message(QByteArray text) { return {PacketType::Message, std::move(text), false}; }
    static Packet binaryMessage(QByteArray bytes)
    {
        return {PacketType::Message, std::move(bytes), true};
    }

    friend bool operator==(const Packet &a, const Packet &b)
    {
        return a.type == b.type && a.binary == b.binary && a.data == b.data;
    }
};

enum class DecodeError {
    Empty, //!< no type digit
    UnknownType, //!< the first byte is not '0'..'6'
    BadBase64, //!< a 'b' packet in a payload whose base64 does not decode
    TooLarge, //!< the payload is larger than the allowed maximum
};

QString toString(DecodeError error);

//! Decodes a WebSocket text frame (or one packet of a payload): type digit, then data.
//! Returns the error for an empty frame or an unknown type.
std::optional<Packet> decodeText(QByteArrayView frame, DecodeError *error = nullptr);

//! A WebSocket binary frame is a binary message with no type prefix.
inline Packet decodeBinaryFrame(const QByteArray &frame)
{
    return Packet::binaryMessage(frame);
}

//! The WebSocket frame content of a packet: type digit + data for text packets, the raw bytes
//! for a binary message.
QByteArray encodeFrame(const Packet &packet);

//! Splits a long-polling payload on the record separator and decodes every packet
//! ('b' + base64 for binary messages). Fails as a whole on any bad packet, or when
//! \a maxPayload > 0 and the body is larger than it.
std::optional<QList<Packet>> decodePayload(QByteArrayView body, qsizetype maxPayload = 0,
                                           DecodeError *error = nullptr);

//! Joins packets into a long-polling payload; binary messages become 'b' + base64.
QByteArray encodePayload(const QList<Packet> &packets);
//! Appends one packet to \a payload in payload form, with a separator if it is not empty.
void appendToPayload(QByteArray &payload, const Packet &packet);

} // namespace chat::eio
