// SPDX-License-Identifier: MIT
#include "engineio.h"

using namespace Qt::StringLiterals;

namespace chat::eio {

namespace {

bool isPacketType(char c) noexcept
{
    return c >= char(PacketType::Open) && c <= char(PacketType::Noop);
}

// Base64 written straight into the payload: QByteArray::toBase64() would allocate a
// temporary for every binary packet.
void appendBase64(QByteArray &out, const QByteArray &bytes)
{
    static constexpr char Alphabet[]
            = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const qsizetype inSize = bytes.size();
    const qsizetype start = out.size();
    out.resize(start + (inSize + 2) / 3 * 4);
    char *w = out.data() + start;
    const auto *in = reinterpret_cast<const uchar *>(bytes.constData());
    qsizetype i = 0;
    for (; i + 3 <= inSize; i += 3) {
        const quint32 v = quint32(in[i]) << 16 | quint32(in[i + 1]) << 8 | in[i + 2];
        *w++ = Alphabet[v >> 18];
        *w++ = Alphabet[(v >> 12) & 0x3f];
        *w++ = Alphabet[(v >> 6) & 0x3f];
        *w++ = Alphabet[v & 0x3f];
    }
    if (const qsizetype rest = inSize - i; rest > 0) {
        const quint32 v = quint32(in[i]) << 16 | (rest == 2 ? quint32(in[i + 1]) << 8 : 0);
        *w++ = Alphabet[v >> 18];
        *w++ = Alphabet[(v >> 12) & 0x3f];
        *w++ = rest == 2 ? Alphabet[(v >> 6) & 0x3f] : '=';
        *w++ = '=';
    }
}

qsizetype encodedSize(const Packet &packet)
{
    return packet.binary ? 1 + (packet.data.size() + 2) / 3 * 4 : 1 + packet.data.size();
}

} // namespace

QString toString(DecodeError error)
{
    switch (error) {
    case DecodeError::Empty:
        return u"empty packet"_s;
    case DecodeError::UnknownType:
        return u"unknown packet type"_s;
    case DecodeError::BadBase64:
        return u"invalid base64 in a binary packet"_s;
    case DecodeError::TooLarge:
        return u"payload too large"_s;
    }
    return u"unknown error"_s;
}

std::optional<Packet> decodeText(QByteArrayView frame, DecodeError *error)
{
    if (frame.isEmpty()) {
        if (error)
            *error = DecodeError::Empty;
        return std::nullopt;
    }
    const char type = frame.front();
    if (!isPacketType(type)) {
        if (error)
            *error = DecodeError::UnknownType;
        return std::nullopt;
    }
    return Packet::text(PacketType(type), frame.sliced(1).toByteArray());
}

QByteArray encodeFrame(const Packet &packet)
{
    if (packet.binary)
        return packet.data;
    QByteArray frame;
    frame.reserve(1 + packet.data.size());
    frame.append(char(packet.type));
    frame.append(packet.data);
    return frame;
}

std::optional<QList<Packet>> decodePayload(QByteArrayView body, qsizetype maxPayload,
                                           DecodeError *error)
{
    const auto failWith = [error](DecodeError e) -> std::optional<QList<Packet>> {
        if (error)
            *error = e;
        return std::nullopt;
    };
    if (maxPayload > 0 && body.size() > maxPayload)
        return failWith(DecodeError::TooLarge);

    QList<Packet> packets;
    qsizetype pos = 0;
    for (;;) {
        qsizetype next = body.indexOf(RecordSeparator, pos);
        if (next < 0)
            next = body.size();
        const QByteArrayView part = body.sliced(pos, next - pos);
        if (!part.isEmpty() && part.front() == 'b') {
            auto decoded = QByteArray::fromBase64Encoding(part.sliced(1).toByteArray(),
                                                          QByteArray::AbortOnBase64DecodingErrors);
            if (!decoded)
                return failWith(DecodeError::BadBase64);
            packets.append(Packet::binaryMessage(std::move(*decoded)));
        } else {
            DecodeError e = DecodeError::Empty;
            auto packet = decodeText(part, &e);
            if (!packet)
                return failWith(e);
            packets.append(std::move(*packet));
        }
        if (next == body.size())
            break;
        pos = next + 1;
    }
    return packets;
}

QByteArray encodePayload(const QList<Packet> &packets)
{
    qsizetype size = 0;
    for (const Packet &packet : packets)
        size += encodedSize(packet) + 1;
    QByteArray payload;
    payload.reserve(size);
    for (const Packet &packet : packets)
        appendToPayload(payload, packet);
    return payload;
}

void appendToPayload(QByteArray &payload, const Packet &packet)
{
    if (!payload.isEmpty())
        payload.append(RecordSeparator);
    if (packet.binary) {
        payload.append('b');
        appendBase64(payload, packet.data);
    } else {
        payload.append(char(packet.type));
        payload.append(packet.data);
    }
}

} // namespace chat::eio
