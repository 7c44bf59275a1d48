// SPDX-License-Identifier: MIT
#pragma once

#include "json.h"

#include <QtCore/QByteArray>
#include <QtCore/QList>
#include <QtCore/QString>

//! Socket.IO protocol v5 (the packet format of Socket.IO v4): packets, namespaces,
//! acknowledgement ids and binary attachments. See docs/protocol.md and
//! https://socket.io/docs/v4/socket-io-protocol/.
namespace chat::sio {

constexpr int ProtocolVersion = 5;
//! The namespace of a packet that names none.
inline const QString MainNamespace = QStringLiteral("/");

enum class PacketType : quint8 {
    Connect = 0,
    Disconnect = 1,
    Event = 2,
    Ack = 3,
    ConnectError = 4,
    BinaryEvent = 5,
    BinaryAck = 6,
};

QString toString(PacketType type);

struct Packet
{
    PacketType type = PacketType::Event;
    QString nsp = MainNamespace;
    //! The acknowledgement id, or -1 when none. Ids are below 2^53.
    qint64 id = -1;
    //! Connect: object (or null when absent); ConnectError: object or string; Event and
    //! BinaryEvent: array whose first element is the event name; Ack and BinaryAck: array;
    //! Disconnect: null. Binary data appears as JsonValue::fromBinary() values in place.
    JsonValue data;

    static Packet event(const QString &nsp, const JsonArray &args, qint64 id = -1)
    {
        return {PacketType::Event, nsp, id, JsonValue(args)};
    }
    static Packet ack(const QString &nsp, qint64 id, const JsonArray &args)
    {
        return {PacketType::Ack, nsp, id, JsonValue(args)};
    }

    friend bool operator==(const Packet &a, const Packet &b)
    {
        return a.type == b.type && a.nsp == b.nsp && a.id == b.id && a.data == b.data;
    }
};

//! A packet on the wire: one text frame, then its binary attachments in order.
struct Encoded
{
    QByteArray text;
    QList<QByteArray> attachments;
};

//! Encodes a packet. An Event or Ack whose data holds binary values is sent as a
//! BinaryEvent or BinaryAck: each binary value becomes {"_placeholder":true,"num":N} and
//! its bytes attachment N.
Encoded encode(const Packet &packet);

//! \brief Decodes text and binary frames into packets, waiting for the binary attachments
//! of BinaryEvent and BinaryAck packets. Never throws; any malformed input is an error.
class Decoder
{
public:
    enum class Status {
        Packet, //!< a complete packet is ready: takePacket()
        NeedMore, //!< a binary packet waits for more attachments
        Error, //!< malformed input: errorString(); the decoder is reset
    };

    explicit Decoder(int maxAttachments = 10) : m_maxAttachments(maxAttachments) { }

    Status feedText(QByteArrayView frame);
    Status feedBinary(const QByteArray &frame);
    Packet takePacket();
    QString errorString() const { return m_error; }
    bool awaitingAttachments() const noexcept { return m_expected > 0; }
    void reset();

private:
    Status fail(const QString &error);
    Status finish();

    int m_maxAttachments;
    int m_expected = 0;
    Packet m_packet;
    JsonValue m_raw;
    QList<QByteArray> m_attachments;
    QString m_error;
};

} // namespace chat::sio
