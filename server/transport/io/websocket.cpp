// SPDX-License-Identifier: MIT
#include "websocket.h"

#include <QtCore/QCryptographicHash>

namespace chat::transport::io {

namespace {

bool isTokenChar(uchar c) noexcept
{
    // RFC 9110 tchar.
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

bool isBase64Char(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+'
            || c == '/';
}

QByteArrayView trimmedView(QByteArrayView view) noexcept
{
    while (!view.isEmpty() && (view.front() == ' ' || view.front() == '\t'))
        view = view.sliced(1);
    while (!view.isEmpty() && (view.back() == ' ' || view.back() == '\t'))
        view.chop(1);
    return view;
}

bool equalsIgnoringCase(QByteArrayView a, QByteArrayView b) noexcept
{
    return a.size() == b.size() && a.compare(b, Qt::CaseInsensitive) == 0;
}

quint64 loadUnaligned64(const uchar *p) noexcept
{
    quint64 v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

} // namespace

QByteArrayView RequestHead::value(QByteArrayView name) const
{
    for (const Field &field : fields) {
        if (equalsIgnoringCase(field.name, name))
            return field.value;
    }
    return {};
}

QByteArrayView RequestHead::path() const
{
    const qsizetype question = target.indexOf('?');
    return question < 0 ? target : target.first(question);
}

QByteArrayView RequestHead::query() const
{
    const qsizetype question = target.indexOf('?');
    return question < 0 ? QByteArrayView() : target.sliced(question + 1);
}

qsizetype requestHeadLength(QByteArrayView bytes)
{
    const qsizetype end = bytes.indexOf(QByteArrayView("\r\n\r\n"));
    return end < 0 ? 0 : end + 4;
}

std::optional<RequestHead> parseRequestHead(QByteArrayView head)
{
    if (!head.endsWith(QByteArrayView("\r\n\r\n")))
        return std::nullopt;
    RequestHead result;
    qsizetype lineEnd = head.indexOf(QByteArrayView("\r\n"));
    const QByteArrayView requestLine = head.first(lineEnd);

    // method SP target SP version, each non-empty, nothing else.
    const qsizetype firstSpace = requestLine.indexOf(' ');
    if (firstSpace <= 0)
        return std::nullopt;
    const qsizetype secondSpace = requestLine.indexOf(' ', firstSpace + 1);
    if (secondSpace <= firstSpace + 1 || secondSpace == requestLine.size() - 1
        || requestLine.indexOf(' ', secondSpace + 1) >= 0)
        return std::nullopt;
    result.method = requestLine.first(firstSpace);
    result.target = requestLine.sliced(firstSpace + 1, secondSpace - firstSpace - 1);
    result.version = requestLine.sliced(secondSpace + 1);
    for (const char c : result.method) {
        if (!isTokenChar(uchar(c)))
            return std::nullopt;
    }
    for (const char c : result.target) {
        // Visible ASCII only: no controls, no spaces, no bytes above 0x7e.
        if (uchar(c) <= 0x20 || uchar(c) >= 0x7f)
            return std::nullopt;
    }
    if (result.version != QByteArrayView("HTTP/1.1")
        && result.version != QByteArrayView("HTTP/1.0"))
        return std::nullopt;

    qsizetype pos = lineEnd + 2;
    while (pos < head.size() - 2) {
        lineEnd = head.indexOf(QByteArrayView("\r\n"), pos);
        const QByteArrayView line = head.sliced(pos, lineEnd - pos);
        pos = lineEnd + 2;
        const qsizetype colon = line.indexOf(':');
        // No obsolete line folding, no white space before the colon, a token name.
        if (colon <= 0)
            return std::nullopt;
        const QByteArrayView name = line.first(colon);
        for (const char c : name) {
            if (!isTokenChar(uchar(c)))
                return std::nullopt;
        }
        const QByteArrayView value = trimmedView(line.sliced(colon + 1));
        for (const char c : value) {
            if ((uchar(c) < 0x20 && c != '\t') || uchar(c) == 0x7f)
                return std::nullopt;
        }
        if (result.fields.size() >= MaxHeaderFields)
            return std::nullopt;
        result.fields.append({name, value});
    }
    return result;
}

bool hasToken(QByteArrayView list, QByteArrayView token)
{
    qsizetype pos = 0;
    while (pos <= list.size()) {
        qsizetype comma = list.indexOf(',', pos);
        if (comma < 0)
            comma = list.size();
        if (equalsIgnoringCase(trimmedView(list.sliced(pos, comma - pos)), token))
            return true;
        pos = comma + 1;
    }
    return false;
}

bool isWebSocketUpgrade(const RequestHead &head)
{
    if (head.method != QByteArrayView("GET") || head.version != QByteArrayView("HTTP/1.1"))
        return false;
    if (!hasToken(head.value("upgrade"), "websocket")
        || !hasToken(head.value("connection"), "upgrade"))
        return false;
    if (head.value("sec-websocket-version") != QByteArrayView("13"))
        return false;
    // Base64 of 16 bytes: 22 characters and "==".
    const QByteArrayView key = head.value("sec-websocket-key");
    if (key.size() != 24 || !key.endsWith(QByteArrayView("==")))
        return false;
    for (const char c : key.first(22)) {
        if (!isBase64Char(c))
            return false;
    }
    return true;
}

QByteArray acceptKey(QByteArrayView key)
{
    QCryptographicHash sha1(QCryptographicHash::Sha1);
    sha1.addData(key);
    sha1.addData(QByteArrayView("258EAFA5-E914-47DA-95CA-C5AB0DC85B11"));
    return sha1.result().toBase64();
}

QByteArray upgradeResponse(QByteArrayView key)
{
    return QByteArrayLiteral("HTTP/1.1 101 Switching Protocols\r\n"
                             "Upgrade: websocket\r\n"
                             "Connection: Upgrade\r\n"
                             "Sec-WebSocket-Accept: ")
            + acceptKey(key) + QByteArrayLiteral("\r\n\r\n");
}

HeaderStatus parseFrameHeader(const uchar *data, qsizetype size, FrameHeader *header)
{
    if (size < 2)
        return HeaderStatus::NeedMore;
    const uchar b0 = data[0];
    const uchar b1 = data[1];
    // No extension is negotiated, so the reserved bits must be clear.
    if (b0 & 0x70)
        return HeaderStatus::ProtocolError;
    const quint8 opcode = b0 & 0x0f;
    const bool control = opcode >= 0x8;
    switch (opcode) {
    case 0x0:
    case 0x1:
    case 0x2:
    case 0x8:
    case 0x9:
    case 0xA:
        break;
    default:
        return HeaderStatus::ProtocolError;
    }
    header->fin = b0 & 0x80;
    header->opcode = Opcode(opcode);
    header->masked = b1 & 0x80;
    quint64 length = b1 & 0x7f;
    int pos = 2;
    if (control && (!header->fin || length > 125))
        return HeaderStatus::ProtocolError;
    if (length == 126) {
        if (size < 4)
            return HeaderStatus::NeedMore;
        length = quint64(data[2]) << 8 | data[3];
        pos = 4;
    } else if (length == 127) {
        if (size < 10)
            return HeaderStatus::NeedMore;
        length = 0;
        for (int i = 2; i < 10; ++i)
            length = length << 8 | data[i];
        // The most significant bit must be 0.
        if (length >> 63)
            return HeaderStatus::ProtocolError;
        pos = 10;
    }
    if (header->masked) {
        if (size < pos + 4)
            return HeaderStatus::NeedMore;
        std::memcpy(header->mask, data + pos, 4);
        pos += 4;
    }
    header->payloadLength = length;
    header->headerLength = pos;
    return HeaderStatus::Ok;
}

void unmask(uchar *data, qsizetype size, const quint8 mask[4]) noexcept
{
    // The key repeated twice, in memory order, so that a 64-bit XOR covers eight positions.
    uchar key8[8];
    std::memcpy(key8, mask, 4);
    std::memcpy(key8 + 4, mask, 4);
    quint64 key;
    std::memcpy(&key, key8, 8);
    qsizetype i = 0;
    for (; i + 32 <= size; i += 32) {
        quint64 w[4];
        std::memcpy(w, data + i, sizeof w);
        w[0] ^= key;
        w[1] ^= key;
        w[2] ^= key;
        w[3] ^= key;
        std::memcpy(data + i, w, sizeof w);
    }
    for (; i + 8 <= size; i += 8) {
        const quint64 w = loadUnaligned64(data + i) ^ key;
        std::memcpy(data + i, &w, 8);
    }
    for (; i < size; ++i)
        data[i] ^= mask[i & 3];
}

int writeFrameHeader(uchar *out, Opcode opcode, quint64 payloadLength) noexcept
{
    out[0] = uchar(0x80 | quint8(opcode));
    if (payloadLength < 126) {
        out[1] = uchar(payloadLength);
        return 2;
    }
    if (payloadLength <= 0xffff) {
        out[1] = 126;
        out[2] = uchar(payloadLength >> 8);
        out[3] = uchar(payloadLength);
        return 4;
    }
    out[1] = 127;
    for (int i = 0; i < 8; ++i)
        out[2 + i] = uchar(payloadLength >> (8 * (7 - i)));
    return 10;
}

QByteArray serverFrame(Opcode opcode, QByteArrayView payload, char prefix)
{
    const qsizetype length = payload.size() + (prefix ? 1 : 0);
    uchar header[MaxFrameHeader];
    const int headerLength = writeFrameHeader(header, opcode, quint64(length));
    QByteArray frame(headerLength + length, Qt::Uninitialized);
    char *out = frame.data();
    std::memcpy(out, header, size_t(headerLength));
    out += headerLength;
    if (prefix)
        *out++ = prefix;
    if (!payload.isEmpty())
        std::memcpy(out, payload.data(), size_t(payload.size()));
    return frame;
}

QByteArray closeFrame(quint16 code)
{
    const char payload[2] = {char(code >> 8), char(code & 0xff)};
    return serverFrame(Opcode::Close, QByteArrayView(payload, 2));
}

bool isValidUtf8(QByteArrayView bytes) noexcept
{
    const auto *p = reinterpret_cast<const uchar *>(bytes.data());
    const uchar *const end = p + bytes.size();
    while (p < end) {
        // Eight ASCII bytes at a time: chat text is mostly ASCII (JSON punctuation, keys).
        if (end - p >= 8 && (loadUnaligned64(p) & 0x8080808080808080ull) == 0) {
            p += 8;
            continue;
        }
        const uchar c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        int extra;
        quint32 minimum;
        quint32 code;
        if ((c & 0xe0) == 0xc0) {
            extra = 1;
            minimum = 0x80;
            code = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            extra = 2;
            minimum = 0x800;
            code = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            extra = 3;
            minimum = 0x10000;
            code = c & 0x07;
        } else {
            return false;
        }
        if (end - p <= extra)
            return false;
        for (int i = 1; i <= extra; ++i) {
            const uchar next = p[i];
            if ((next & 0xc0) != 0x80)
                return false;
            code = code << 6 | (next & 0x3f);
        }
        if (code < minimum || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
            return false;
        p += extra + 1;
    }
    return true;
}

} // namespace chat::transport::io
