// SPDX-License-Identifier: MIT
#include "socketio.h"

#include <charconv>

using namespace Qt::StringLiterals;

namespace chat::sio {

namespace {

// Ack ids must stay exact in JavaScript.
constexpr qint64 MaxAckId = (qint64(1) << 53) - 1;

bool isDigit(char c) noexcept
{
    return c >= '0' && c <= '9';
}

void appendNumber(QByteArray &out, qint64 n)
{
    char buf[24];
    const auto result = std::to_chars(buf, buf + sizeof buf, n);
    out.append(buf, result.ptr - buf);
}

// Writes \a value as JSON with every binary value replaced by the next placeholder, in
// depth-first order, and its bytes appended to \a attachments.
void writeWithPlaceholders(QByteArray &out, const JsonValue &value, QList<QByteArray> &attachments)
{
    switch (value.type()) {
    case JsonValue::Type::Binary:
        out.append(R"({"_placeholder":true,"num":)");
        appendNumber(out, attachments.size());
        out.append('}');
        attachments.append(value.toBinary());
        return;
    case JsonValue::Type::Array: {
        if (!value.hasBinary())
            break;
        const JsonArray array = value.toArray();
        out.append('[');
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (i > 0)
                out.append(',');
            writeWithPlaceholders(out, array.at(i), attachments);
        }
        out.append(']');
        return;
    }
    case JsonValue::Type::Object: {
        if (!value.hasBinary())
            break;
        const JsonObject object = value.toObject();
        out.append('{');
        bool first = true;
        for (const auto &member : object) {
            if (!first)
                out.append(',');
            first = false;
            JsonValue(member.first).writeJson(out);
            out.append(':');
            writeWithPlaceholders(out, member.second, attachments);
        }
        out.append('}');
        return;
    }
    default:
        break;
    }
    value.writeJson(out);
}

bool isPayloadValid(PacketType type, const std::optional<JsonValue> &payload)
{
    switch (type) {
    case PacketType::Connect:
        return !payload || payload->isObject();
    case PacketType::Disconnect:
        return !payload;
    case PacketType::ConnectError:
        return payload && (payload->isObject() || payload->isString());
    case PacketType::Event:
    case PacketType::BinaryEvent:
        return payload && payload->isArray() && (*payload)[0].isString();
    case PacketType::Ack:
    case PacketType::BinaryAck:
        return payload && payload->isArray();
    }
    return false;
}

bool isBinaryType(PacketType type) noexcept
{
    return type == PacketType::BinaryEvent || type == PacketType::BinaryAck;
}

// The reconstructPacket() of socket.io-parser: every object whose "_placeholder" is true
// stands for attachment "num". Only containers on the way to a placeholder are rebuilt.
// Returns false on a placeholder that names no attachment.
bool replacePlaceholders(const JsonValue &value, const QList<QByteArray> &attachments,
                         std::optional<JsonValue> &replaced)
{
    if (value.isArray()) {
        const JsonArray array = value.toArray();
        JsonArray rebuilt;
        bool rebuilding = false;
        for (qsizetype i = 0; i < array.size(); ++i) {
            std::optional<JsonValue> element;
            if (!replacePlaceholders(array.at(i), attachments, element))
                return false;
            if (element && !rebuilding) {
                rebuilding = true;
                rebuilt.reserve(array.size());
                rebuilt.append(array.first(i));
            }
            if (rebuilding)
                rebuilt.append(element ? std::move(*element) : array.at(i));
        }
        if (rebuilding)
            replaced = JsonValue(std::move(rebuilt));
        return true;
    }
    if (value.isObject()) {
        const JsonObject object = value.toObject();
        const JsonValue marker = object.value(u"_placeholder");
        if (marker.isBool() && marker.toBool()) {
            const JsonValue num = object.value(u"num");
            if (!num.isInteger() || num.toInteger() < 0 || num.toInteger() >= attachments.size())
                return false;
            replaced = JsonValue::fromBinary(attachments.at(num.toInteger()));
            return true;
        }
        std::optional<JsonObject> rebuilt;
        for (qsizetype i = 0; i < object.size(); ++i) {
            const auto &member = object.members().at(i);
            std::optional<JsonValue> element;
            if (!replacePlaceholders(member.second, attachments, element))
                return false;
            if (element) {
                if (!rebuilt)
                    rebuilt = object;
                rebuilt->insert(member.first, std::move(*element));
            }
        }
        if (rebuilt)
            replaced = JsonValue(std::move(*rebuilt));
        return true;
    }
    return true;
}

} // namespace

QString toString(PacketType type)
{
    switch (type) {
    case PacketType::Connect:
        return u"CONNECT"_s;
    case PacketType::Disconnect:
        return u"DISCONNECT"_s;
    case PacketType::Event:
        return u"EVENT"_s;
    case PacketType::Ack:
        return u"ACK"_s;
    case PacketType::ConnectError:
        return u"CONNECT_ERROR"_s;
    case PacketType::BinaryEvent:
        return u"BINARY_EVENT"_s;
    case PacketType::BinaryAck:
        return u"BINARY_ACK"_s;
    }
    return u"UNKNOWN(%1)"_s.arg(int(type));
}

Encoded encode(const Packet &packet)
{
    Encoded encoded;
    PacketType type = packet.type;
    // The type follows the data: binary values need attachments, and a binary type without
    // them would be rejected by our decoder.
    bool binary = false;
    if (type == PacketType::Event || type == PacketType::BinaryEvent || type == PacketType::Ack
        || type == PacketType::BinaryAck) {
        binary = packet.data.hasBinary();
        const bool isEvent = type == PacketType::Event || type == PacketType::BinaryEvent;
        type = isEvent ? (binary ? PacketType::BinaryEvent : PacketType::Event)
                       : (binary ? PacketType::BinaryAck : PacketType::Ack);
    }

    QByteArray &out = encoded.text;
    const bool namedNamespace = !packet.nsp.isEmpty() && packet.nsp != MainNamespace;
    // Room for a typical event (a chat message is 300-500 bytes), so that writing the JSON
    // does not grow the buffer step by step.
    out.reserve(512 + (namedNamespace ? packet.nsp.size() * 3 : 0));
    out.append(char('0' + int(type)));

    QByteArray json;
    if (binary) {
        // The attachment count precedes the JSON, so the JSON is written aside first.
        json.reserve(64);
        writeWithPlaceholders(json, packet.data, encoded.attachments);
        appendNumber(out, encoded.attachments.size());
        out.append('-');
    }
    if (namedNamespace) {
        out.append(packet.nsp.toUtf8());
        out.append(',');
    }
    if (packet.id >= 0)
        appendNumber(out, packet.id);
    if (binary)
        out.append(json);
    else if (!packet.data.isNull())
        packet.data.writeJson(out);
    return encoded;
}

Decoder::Status Decoder::feedText(QByteArrayView frame)
{
    if (m_expected > 0)
        return fail(u"text frame while %1 binary attachments are awaited"_s.arg(
                m_expected - m_attachments.size()));
    if (frame.isEmpty())
        return fail(u"empty packet"_s);

    const char *const begin = frame.data();
    const char *const end = begin + frame.size();
    const char *p = begin;

    const char typeChar = *p++;
    if (typeChar < '0' || typeChar > '6')
        return fail(u"unknown packet type"_s);
    Packet packet;
    packet.type = PacketType(typeChar - '0');

    int attachments = 0;
    if (isBinaryType(packet.type)) {
        const char *const digits = p;
        qint64 count = 0;
        while (p < end && isDigit(*p)) {
            count = count * 10 + (*p - '0');
            if (count > m_maxAttachments)
                return fail(u"too many attachments"_s);
            ++p;
        }
        if (p == digits || p == end || *p != '-')
            return fail(u"illegal attachments"_s);
        ++p;
        if (count == 0)
            return fail(u"illegal attachments"_s);
        attachments = int(count);
    }

    if (p < end && *p == '/') {
        const char *const nspStart = p;
        while (p < end && *p != ',')
            ++p;
        packet.nsp = QString::fromUtf8(nspStart, p - nspStart);
        if (p < end)
            ++p; // ','
    }

    if (p < end && isDigit(*p)) {
        qint64 id = 0;
        while (p < end && isDigit(*p)) {
            id = id * 10 + (*p - '0');
            if (id > MaxAckId)
                return fail(u"ack id too large"_s);
            ++p;
        }
        packet.id = id;
    }

    std::optional<JsonValue> payload;
    if (p < end) {
        QString jsonError;
        payload = JsonValue::parse(QByteArrayView(p, end - p), &jsonError);
        if (!payload)
            return fail(u"invalid payload: "_s + jsonError);
    }
    if (!isPayloadValid(packet.type, payload))
        return fail(u"invalid payload for %1"_s.arg(toString(packet.type)));
    if (payload)
        packet.data = std::move(*payload);

    m_packet = std::move(packet);
    if (attachments > 0) {
        m_expected = attachments;
        m_raw = m_packet.data;
        m_attachments.clear();
        m_attachments.reserve(attachments);
        return Status::NeedMore;
    }
    return Status::Packet;
}

Decoder::Status Decoder::feedBinary(const QByteArray &frame)
{
    if (m_expected == 0)
        return fail(u"unexpected binary frame"_s);
    m_attachments.append(frame);
    if (m_attachments.size() < m_expected)
        return Status::NeedMore;
    return finish();
}

Decoder::Status Decoder::finish()
{
    std::optional<JsonValue> replaced;
    if (!replacePlaceholders(m_raw, m_attachments, replaced))
        return fail(u"illegal attachments: placeholder out of range"_s);
    if (replaced)
        m_packet.data = std::move(*replaced);
    m_expected = 0;
    m_raw = JsonValue();
    m_attachments.clear();
    return Status::Packet;
}

Packet Decoder::takePacket()
{
    return std::exchange(m_packet, Packet());
}

void Decoder::reset()
{
    m_expected = 0;
    m_packet = Packet();
    m_raw = JsonValue();
    m_attachments.clear();
}

Decoder::Status Decoder::fail(const QString &error)
{
    reset();
    m_error = error;
    return Status::Error;
}

} // namespace chat::sio
