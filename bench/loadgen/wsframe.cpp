// SPDX-License-Identifier: MIT
#include "wsframe.h"

#include <QtCore/QByteArray>
#include <QtCore/QCryptographicHash>

#include <cstring>

namespace bench::ws {

void mask(char *data, size_t length, const uint8_t key[4])
{
    // Eight is a multiple of four, so the key keeps its phase across words; memcpy keeps the
    // loads legal at any alignment and compiles to plain 64-bit moves.
    uint8_t doubled[8];
    std::memcpy(doubled, key, 4);
    std::memcpy(doubled + 4, key, 4);
    uint64_t word;
    std::memcpy(&word, doubled, 8);
    size_t i = 0;
    for (; i + 8 <= length; i += 8) {
        uint64_t chunk;
        std::memcpy(&chunk, data + i, 8);
        chunk ^= word;
        std::memcpy(data + i, &chunk, 8);
    }
    for (; i < length; ++i)
        data[i] = char(uint8_t(data[i]) ^ key[i & 3]);
}

void maskBytewise(char *data, size_t length, const uint8_t key[4])
{
    for (size_t i = 0; i < length; ++i)
        data[i] = char(uint8_t(data[i]) ^ key[i % 4]);
}

namespace {

size_t writeHeader(uint8_t *h, uint8_t opcode, uint64_t length, bool fin, bool masked)
{
    h[0] = uint8_t((fin ? 0x80 : 0) | (opcode & 0x0F));
    const uint8_t maskBit = masked ? 0x80 : 0;
    if (length < 126) {
        h[1] = uint8_t(maskBit | length);
        return 2;
    }
    if (length <= 0xFFFF) {
        h[1] = maskBit | 126;
        h[2] = uint8_t(length >> 8);
        h[3] = uint8_t(length);
        return 4;
    }
    h[1] = maskBit | 127;
    for (int i = 0; i < 8; ++i)
        h[2 + i] = uint8_t(length >> (56 - 8 * i));
    return 10;
}

} // namespace

void appendFrame(std::string &out, uint8_t opcode, std::string_view payload, uint32_t maskKey,
                 bool fin)
{
    uint8_t header[14];
    size_t headerLength = writeHeader(header, opcode, payload.size(), fin, true);
    uint8_t key[4];
    std::memcpy(key, &maskKey, 4);
    std::memcpy(header + headerLength, key, 4);
    headerLength += 4;
    const size_t start = out.size();
    out.resize(start + headerLength + payload.size());
    char *p = out.data() + start;
    std::memcpy(p, header, headerLength);
    if (!payload.empty())
        std::memcpy(p + headerLength, payload.data(), payload.size());
    mask(p + headerLength, payload.size(), key);
}

void appendServerFrame(std::string &out, uint8_t opcode, std::string_view payload, bool fin)
{
    uint8_t header[10];
    const size_t headerLength = writeHeader(header, opcode, payload.size(), fin, false);
    out.append(reinterpret_cast<const char *>(header), headerLength);
    out.append(payload);
}

ParseResult parseHeader(const uint8_t *data, size_t length, Header &header)
{
    if (length < 2)
        return ParseResult::Incomplete;
    header.fin = data[0] & 0x80;
    if (data[0] & 0x70)
        return ParseResult::Invalid; // no extension was negotiated
    header.opcode = data[0] & 0x0F;
    const bool control = header.opcode & 0x08;
    switch (header.opcode) {
    case Continuation:
    case Text:
    case Binary:
    case Close:
    case Ping:
    case Pong:
        break;
    default:
        return ParseResult::Invalid;
    }
    header.masked = data[1] & 0x80;
    uint64_t payloadLength = data[1] & 0x7F;
    size_t pos = 2;
    if (payloadLength == 126) {
        if (length < 4)
            return ParseResult::Incomplete;
        payloadLength = (uint64_t(data[2]) << 8) | data[3];
        pos = 4;
    } else if (payloadLength == 127) {
        if (length < 10)
            return ParseResult::Incomplete;
        payloadLength = 0;
        for (int i = 0; i < 8; ++i)
            payloadLength = (payloadLength << 8) | data[2 + i];
        if (payloadLength >> 63)
            return ParseResult::Invalid;
        pos = 10;
    }
    if (control && (!header.fin || payloadLength > 125))
        return ParseResult::Invalid;
    if (header.masked) {
        if (length < pos + 4)
            return ParseResult::Incomplete;
        std::memcpy(header.maskKey, data + pos, 4);
        pos += 4;
    }
    header.payloadLength = payloadLength;
    header.headerLength = pos;
    return ParseResult::Ok;
}

std::string acceptFor(std::string_view key)
{
    QByteArray input(key.data(), qsizetype(key.size()));
    input += QByteArrayLiteral("258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    const QByteArray accept = QCryptographicHash::hash(input, QCryptographicHash::Sha1).toBase64();
    return accept.toStdString();
}

} // namespace bench::ws
