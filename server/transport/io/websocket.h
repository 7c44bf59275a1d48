// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>
#include <QtCore/QVarLengthArray>

#include <cstring>
#include <optional>

//! The server side of WebSocket (RFC 6455) for the I/O threads: the opening handshake, the
//! frame codec and message reassembly. Plain functions and one small class, with no I/O, so
//! that every byte sequence can be tested without a socket.
namespace chat::transport::io {

//! An HTTP/1.1 request head. The views point into the bytes that were parsed.
struct RequestHead
{
    struct Field
    {
        QByteArrayView name;
        QByteArrayView value;
    };

    QByteArrayView method;
    QByteArrayView target;
    QByteArrayView version;
    QVarLengthArray<Field, 16> fields;

    //! The first field named \a name (case-insensitive), trimmed; empty when absent.
    QByteArrayView value(QByteArrayView name) const;
    //! The target up to '?'.
    QByteArrayView path() const;
    //! The target after '?', without it; empty when there is none.
    QByteArrayView query() const;
};

//! Longest request head the I/O threads read; a longer one goes to the HTTP server.
constexpr qsizetype MaxRequestHead = 16 * 1024;
//! More header fields than this and the request goes to the HTTP server.
constexpr int MaxHeaderFields = 64;

//! The length of the head at the start of \a bytes, up to and including the empty line that
//! ends it; 0 when the empty line has not arrived yet.
qsizetype requestHeadLength(QByteArrayView bytes);

//! Parses a complete head (as delimited by requestHeadLength()). nullopt when it is not a
//! well-formed HTTP/1.x request head.
std::optional<RequestHead> parseRequestHead(QByteArrayView head);

//! True when the comma-separated list \a list holds \a token (case-insensitive), as in
//! "Connection: keep-alive, Upgrade".
bool hasToken(QByteArrayView list, QByteArrayView token);

//! True when \a head is a WebSocket opening handshake this server answers itself: GET,
//! HTTP/1.1, "Upgrade: websocket", "Connection: upgrade", version 13 and a key of 16 bytes.
bool isWebSocketUpgrade(const RequestHead &head);

//! The Sec-WebSocket-Accept value for a Sec-WebSocket-Key.
QByteArray acceptKey(QByteArrayView key);

//! The complete "101 Switching Protocols" answer for a Sec-WebSocket-Key.
QByteArray upgradeResponse(QByteArrayView key);

enum class Opcode : quint8 {
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
};

//! Close codes of RFC 6455 §7.4.1 that this server sends.
namespace closecode {
constexpr quint16 Normal = 1000;
constexpr quint16 GoingAway = 1001;
constexpr quint16 ProtocolError = 1002;
constexpr quint16 InvalidPayload = 1007;
constexpr quint16 TooBig = 1009;
} // namespace closecode

//! Largest frame header: 2 bytes, 8 of extended length, 4 of mask.
constexpr int MaxFrameHeader = 14;

//! The header of one frame.
struct FrameHeader
{
    bool fin = false;
    Opcode opcode = Opcode::Continuation;
    bool masked = false;
    //! The masking key as it appears on the wire.
    quint8 mask[4] = {};
    quint64 payloadLength = 0;
    int headerLength = 0;
};

enum class HeaderStatus {
    NeedMore, //!< fewer bytes than the header has
    Ok,
    ProtocolError, //!< reserved bits, unknown opcode, bad control frame, bad length
};

//! Reads the frame header at the start of \a data. Does not judge what depends on the
//! connection (masking, fragmentation state, size limit).
HeaderStatus parseFrameHeader(const uchar *data, qsizetype size, FrameHeader *header);

//! XORs \a size bytes with the 4-byte \a mask, starting at mask byte 0, eight bytes at a time.
void unmask(uchar *data, qsizetype size, const quint8 mask[4]) noexcept;

//! Writes the header of an unmasked, final frame; returns its length (2, 4 or 10).
int writeFrameHeader(uchar *out, Opcode opcode, quint64 payloadLength) noexcept;

//! One unmasked final frame (server to client): header, then \a prefix (when not 0), then
//! \a payload, in one allocation.
QByteArray serverFrame(Opcode opcode, QByteArrayView payload, char prefix = 0);

//! A close frame with \a code (and no reason).
QByteArray closeFrame(quint16 code);

//! Strict UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF), with an ASCII
//! fast path eight bytes at a time.
bool isValidUtf8(QByteArrayView bytes) noexcept;

//! \brief Reads the frames a client sends: checks each one, unmasks it in place, joins
//! fragments, and hands over complete messages and control frames.
//!
//! It keeps only the fragments of a message in progress; whatever follows the last complete
//! frame is left to the caller, who gives it again with more bytes appended.
class FrameReader
{
public:
    struct Message
    {
        //! Text, Binary, Close, Ping or Pong.
        Opcode opcode;
        //! Unmasked; valid until read() returns.
        QByteArrayView payload;
    };

    //! Handles the complete frames at the start of \a data (unmasked in place) and calls
    //! \a sink(const Message &) for each message or control frame; \a sink returns false to
    //! stop. Returns the bytes consumed, or -1 on a protocol error: closeCode() says which.
    //! Messages (joined fragments included) over \a maxMessage bytes are an error (1009).
    template<typename Sink>
    qsizetype read(uchar *data, qsizetype size, qint64 maxMessage, Sink &&sink);

    //! The close code for the error read() reported.
    quint16 closeCode() const noexcept { return m_closeCode; }
    //! True while a fragmented message waits for its last frame.
    bool inMessage() const noexcept { return m_messageOpcode != 0; }

private:
    qsizetype fail(quint16 code)
    {
        m_closeCode = code;
        m_fragments = QByteArray();
        m_messageOpcode = 0;
        return -1;
    }

    QByteArray m_fragments;
    quint8 m_messageOpcode = 0;
    quint16 m_closeCode = 0;
};

template<typename Sink>
qsizetype FrameReader::read(uchar *data, qsizetype size, qint64 maxMessage, Sink &&sink)
{
    qsizetype pos = 0;
    while (pos < size) {
        FrameHeader header;
        const HeaderStatus status = parseFrameHeader(data + pos, size - pos, &header);
        if (status == HeaderStatus::NeedMore)
            break;
        if (status == HeaderStatus::ProtocolError || !header.masked)
            return fail(closecode::ProtocolError);
        const bool control = quint8(header.opcode) >= 0x8;
        const qint64 already = control ? 0 : m_fragments.size();
        if (header.payloadLength > quint64(maxMessage - already))
            return fail(closecode::TooBig);
        const qsizetype length = qsizetype(header.payloadLength);
        if (size - pos - header.headerLength < length)
            break;
        uchar *payload = data + pos + header.headerLength;
        unmask(payload, length, header.mask);
        pos += header.headerLength + length;
        const QByteArrayView bytes(payload, length);

        if (control) {
            if (header.opcode == Opcode::Close && !bytes.isEmpty()) {
                if (bytes.size() < 2)
                    return fail(closecode::ProtocolError);
                const quint16 code = quint16(quint16(payload[0]) << 8 | payload[1]);
                const bool validCode = (code >= 1000 && code <= 1003)
                        || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
                if (!validCode)
                    return fail(closecode::ProtocolError);
                if (!isValidUtf8(bytes.sliced(2)))
                    return fail(closecode::InvalidPayload);
            }
            if (!sink(Message{header.opcode, bytes}))
                return pos;
            continue;
        }

        if (header.opcode == Opcode::Continuation) {
            if (m_messageOpcode == 0)
                return fail(closecode::ProtocolError);
            m_fragments.append(QByteArrayView(bytes));
            if (!header.fin)
                continue;
            const Opcode opcode = Opcode(m_messageOpcode);
            m_messageOpcode = 0;
            const QByteArray message = std::exchange(m_fragments, QByteArray());
            if (opcode == Opcode::Text && !isValidUtf8(message))
                return fail(closecode::InvalidPayload);
            if (!sink(Message{opcode, message}))
                return pos;
            continue;
        }

        // A new Text or Binary message.
        if (m_messageOpcode != 0)
            return fail(closecode::ProtocolError);
        if (!header.fin) {
            m_messageOpcode = quint8(header.opcode);
            m_fragments = QByteArray(reinterpret_cast<const char *>(payload), length);
            continue;
        }
        if (header.opcode == Opcode::Text && !isValidUtf8(bytes))
            return fail(closecode::InvalidPayload);
        if (!sink(Message{header.opcode, bytes}))
            return pos;
    }
    return pos;
}

} // namespace chat::transport::io
