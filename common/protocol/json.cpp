// SPDX-License-Identifier: MIT
#include "json.h"

#include <QtCore/QHash>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>
#include <QtCore/QStringList>
#include <QtCore/QtEndian>
#include <QtCore/qalgorithms.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

using namespace Qt::StringLiterals;

namespace chat {

namespace {

// 2^63 as a double: the first value above the qint64 range.
constexpr double TwoPow63 = 9223372036854775808.0;

bool doubleFitsInteger(double d) noexcept
{
    return d >= -TwoPow63 && d < TwoPow63 && std::trunc(d) == d;
}

// For every ASCII character: 0 when written as is, 'u' for a \u00xx escape, else the
// letter of its short escape. These are exactly the characters JSON.stringify escapes.
constexpr std::array<char, 128> makeEscapeTable()
{
    std::array<char, 128> table{};
    for (int c = 0; c < 0x20; ++c)
        table[c] = 'u';
    table['\b'] = 'b';
    table['\f'] = 'f';
    table['\n'] = 'n';
    table['\r'] = 'r';
    table['\t'] = 't';
    table['"'] = '"';
    table['\\'] = '\\';
    return table;
}
constexpr std::array<char, 128> EscapeTable = makeEscapeTable();

constexpr char HexDigits[] = "0123456789abcdef";

char *writeUnicodeEscape(char *w, char16_t unit) noexcept
{
    *w++ = '\\';
    *w++ = 'u';
    *w++ = HexDigits[(unit >> 12) & 0xf];
    *w++ = HexDigits[(unit >> 8) & 0xf];
    *w++ = HexDigits[(unit >> 4) & 0xf];
    *w++ = HexDigits[unit & 0xf];
    return w;
}

bool isHighSurrogate(char16_t u) noexcept
{
    return u >= 0xd800 && u < 0xdc00;
}
bool isLowSurrogate(char16_t u) noexcept
{
    return u >= 0xdc00 && u < 0xe000;
}

// Writes a quoted string as JSON.stringify does: UTF-8, with only the mandatory escapes
// and lone surrogates as \udxxx. The output size is computed first so that the buffer
// grows once.
void writeString(QByteArray &out, QStringView s)
{
    const char16_t *const begin = s.utf16();
    const char16_t *const end = begin + s.size();

    qsizetype size = 2;
    for (const char16_t *p = begin; p < end; ++p) {
        const char16_t u = *p;
        if (u < 0x80) {
            const char esc = EscapeTable[u];
            size += esc == 0 ? 1 : (esc == 'u' ? 6 : 2);
        } else if (u < 0x800) {
            size += 2;
        } else if (isHighSurrogate(u) && p + 1 < end && isLowSurrogate(p[1])) {
            size += 4;
            ++p;
        } else if (isHighSurrogate(u) || isLowSurrogate(u)) {
            size += 6;
        } else {
            size += 3;
        }
    }

    const qsizetype start = out.size();
    out.resize(start + size);
    char *w = out.data() + start;
    *w++ = '"';
    for (const char16_t *p = begin; p < end; ++p) {
        const char16_t u = *p;
        if (u < 0x80) {
            const char esc = EscapeTable[u];
            if (esc == 0) {
                *w++ = char(u);
            } else if (esc == 'u') {
                w = writeUnicodeEscape(w, u);
            } else {
                *w++ = '\\';
                *w++ = esc;
            }
        } else if (u < 0x800) {
            *w++ = char(0xc0 | (u >> 6));
            *w++ = char(0x80 | (u & 0x3f));
        } else if (isHighSurrogate(u) && p + 1 < end && isLowSurrogate(p[1])) {
            const char32_t cp
                    = 0x10000 + ((char32_t(u) - 0xd800) << 10) + (char32_t(p[1]) - 0xdc00);
            ++p;
            *w++ = char(0xf0 | (cp >> 18));
            *w++ = char(0x80 | ((cp >> 12) & 0x3f));
            *w++ = char(0x80 | ((cp >> 6) & 0x3f));
            *w++ = char(0x80 | (cp & 0x3f));
        } else if (isHighSurrogate(u) || isLowSurrogate(u)) {
            w = writeUnicodeEscape(w, u);
        } else {
            *w++ = char(0xe0 | (u >> 12));
            *w++ = char(0x80 | ((u >> 6) & 0x3f));
            *w++ = char(0x80 | (u & 0x3f));
        }
    }
    *w++ = '"';
    Q_ASSERT(w == out.data() + out.size());
}

void writeInteger(QByteArray &out, qint64 i)
{
    char buf[24];
    const auto result = std::to_chars(buf, buf + sizeof buf, i);
    out.append(buf, result.ptr - buf);
}

// Number::toString of ECMAScript (the shortest digits that round-trip, laid out in plain
// or exponent form by the magnitude), which JSON.stringify uses for finite numbers.
void writeDouble(QByteArray &out, double d)
{
    if (!std::isfinite(d)) {
        out.append("null", 4);
        return;
    }
    if (d == 0) { // both zeros: JSON.stringify(-0) is "0"
        out.append('0');
        return;
    }
    // Shortest round-trip digits: "d[.ddd]e±x".
    char sci[32];
    const auto result = std::to_chars(sci, sci + sizeof sci, d, std::chars_format::scientific);
    const char *p = sci;
    const char *const sciEnd = result.ptr;

    char digits[20];
    int k = 0;
    const bool negative = *p == '-';
    if (negative)
        ++p;
    for (; p < sciEnd && *p != 'e'; ++p) {
        if (*p != '.')
            digits[k++] = *p;
    }
    int exponent = 0;
    std::from_chars(p + 1 + (p[1] == '+' ? 1 : 0), sciEnd, exponent);
    const int n = exponent + 1; // the position of the decimal point relative to the digits

    char buf[40];
    char *w = buf;
    if (negative)
        *w++ = '-';
    if (k <= n && n <= 21) {
        std::memcpy(w, digits, size_t(k));
        w += k;
        for (int i = k; i < n; ++i)
            *w++ = '0';
    } else if (0 < n && n <= 21) {
        std::memcpy(w, digits, size_t(n));
        w += n;
        *w++ = '.';
        std::memcpy(w, digits + n, size_t(k - n));
        w += k - n;
    } else if (-6 < n && n <= 0) {
        *w++ = '0';
        *w++ = '.';
        for (int i = n; i < 0; ++i)
            *w++ = '0';
        std::memcpy(w, digits, size_t(k));
        w += k;
    } else {
        *w++ = digits[0];
        if (k > 1) {
            *w++ = '.';
            std::memcpy(w, digits + 1, size_t(k - 1));
            w += k - 1;
        }
        *w++ = 'e';
        *w++ = n - 1 < 0 ? '-' : '+';
        w = std::to_chars(w, buf + sizeof buf, std::abs(n - 1)).ptr;
    }
    out.append(buf, w - buf);
}

// Arrays and objects collect their elements on these stacks, shared by all nesting levels,
// and are then built with one allocation of the exact size. They are per thread and keep
// their capacity between parses, unless a large document made them grow.
struct ParseScratch
{
    std::vector<JsonValue> values;
    std::vector<JsonObject::Member> members;

    void release()
    {
        constexpr size_t KeptCapacity = 1024;
        values.clear();
        members.clear();
        if (values.capacity() > KeptCapacity)
            std::vector<JsonValue>().swap(values);
        if (members.capacity() > KeptCapacity)
            std::vector<JsonObject::Member>().swap(members);
    }
};

// SWAR over 8 bytes at a time: the bytes that end a plain run of a string are quotes,
// backslashes and control characters, and with \a asciiOnly also bytes of 0x80 and above
// (they need UTF-8 decoding). The mask's lowest set bit is exact: it marks the first such
// byte (borrows only propagate upwards), which is all the scanners need.
constexpr quint64 Ones = 0x0101010101010101ull;
constexpr quint64 Highs = 0x8080808080808080ull;

inline quint64 load8(const uchar *p) noexcept
{
    return qFromLittleEndian<quint64>(p);
}

inline quint64 specialMask(quint64 v, bool asciiOnly) noexcept
{
    const auto zeroBytes = [](quint64 x) { return (x - Ones) & ~x & Highs; };
    const quint64 quote = zeroBytes(v ^ (Ones * '"'));
    const quint64 backslash = zeroBytes(v ^ (Ones * '\\'));
    const quint64 control = (v - Ones * 0x20) & ~v & Highs;
    return quote | backslash | control | (asciiOnly ? v & Highs : 0);
}

//! The number of plain bytes at \a p before the first special one (8 if none).
inline int plainPrefix(const uchar *p, bool asciiOnly) noexcept
{
    const quint64 mask = specialMask(load8(p), asciiOnly);
    return mask ? int(qCountTrailingZeroBits(mask) / 8) : 8;
}

} // namespace

namespace detail {

//! Recursive descent over UTF-8 bytes. Nesting is bounded by maxDepth, which bounds the
//! recursion.
class JsonParser
{
public:
    JsonParser(QByteArrayView utf8, int maxDepth)
        : m_begin(reinterpret_cast<const uchar *>(utf8.data())),
          m_p(m_begin),
          m_end(m_begin + utf8.size()),
          m_maxDepth(maxDepth),
          m_scratch(scratch())
    { }

    ~JsonParser() { m_scratch.release(); }
    JsonParser(const JsonParser &) = delete;
    JsonParser &operator=(const JsonParser &) = delete;

    std::optional<JsonValue> parseDocument()
    {
        JsonValue value;
        skipWhitespace();
        if (m_p == m_end) {
            fail("empty input");
            return std::nullopt;
        }
        if (!parseValue(value, 0))
            return std::nullopt;
        skipWhitespace();
        if (m_p != m_end) {
            fail("unexpected data after the value");
            return std::nullopt;
        }
        return value;
    }

    QString errorString() const
    {
        return u"JSON parse error at offset %1: %2"_s.arg(m_errorOffset)
                .arg(QLatin1StringView(m_error));
    }

private:
    static ParseScratch &scratch()
    {
        thread_local ParseScratch instance;
        return instance;
    }

    bool fail(const char *message)
    {
        // Keep the first (innermost) error.
        if (!m_error) {
            m_error = message;
            m_errorOffset = m_p - m_begin;
        }
        return false;
    }

    void skipWhitespace() noexcept
    {
        while (m_p < m_end && (*m_p == ' ' || *m_p == '\n' || *m_p == '\r' || *m_p == '\t'))
            ++m_p;
    }

    static bool isDigit(uchar c) noexcept { return c >= '0' && c <= '9'; }

    bool parseLiteral(const char *literal, qsizetype length)
    {
        if (m_end - m_p < length || std::memcmp(m_p, literal, size_t(length)) != 0)
            return fail("invalid literal");
        m_p += length;
        return true;
    }

    bool parseValue(JsonValue &out, int depth)
    {
        if (m_p == m_end)
            return fail("unexpected end of input");
        switch (*m_p) {
        case '{':
            return parseObject(out, depth + 1);
        case '[':
            return parseArray(out, depth + 1);
        case '"': {
            QString s;
            if (!parseString(s))
                return false;
            out = JsonValue(std::move(s));
            return true;
        }
        case 't':
            out = JsonValue(true);
            return parseLiteral("true", 4);
        case 'f':
            out = JsonValue(false);
            return parseLiteral("false", 5);
        case 'n':
            out = JsonValue();
            return parseLiteral("null", 4);
        default:
            if (*m_p == '-' || isDigit(*m_p))
                return parseNumber(out);
            return fail("unexpected character");
        }
    }

    bool parseArray(JsonValue &out, int depth)
    {
        if (depth > m_maxDepth)
            return fail("nesting too deep");
        ++m_p; // '['
        std::vector<JsonValue> &stack = m_scratch.values;
        const size_t base = stack.size();
        skipWhitespace();
        if (m_p < m_end && *m_p == ']') {
            ++m_p;
            out = JsonValue(JsonArray());
            return true;
        }
        for (;;) {
            // Parsed into a local: nested containers may reallocate the stack.
            JsonValue element;
            if (!parseValue(element, depth))
                return false;
            stack.push_back(std::move(element));
            skipWhitespace();
            if (m_p == m_end)
                return fail("unterminated array");
            if (*m_p == ',') {
                ++m_p;
                skipWhitespace();
            } else if (*m_p == ']') {
                ++m_p;
                JsonArray array;
                array.reserve(qsizetype(stack.size() - base));
                for (size_t i = base; i < stack.size(); ++i)
                    array.append(std::move(stack[i]));
                stack.erase(stack.begin() + qptrdiff(base), stack.end());
                out = JsonValue(std::move(array));
                return true;
            } else {
                return fail("expected ',' or ']'");
            }
        }
    }

    bool parseObject(JsonValue &out, int depth)
    {
        if (depth > m_maxDepth)
            return fail("nesting too deep");
        ++m_p; // '{'
        std::vector<JsonObject::Member> &stack = m_scratch.members;
        const size_t base = stack.size();
        // Duplicate keys are found by a linear scan while the object is small, and through
        // an index once it grows, so that many keys stay linear.
        constexpr size_t IndexThreshold = 16;
        QHash<QString, size_t> index;

        skipWhitespace();
        if (m_p < m_end && *m_p == '}') {
            ++m_p;
            out = JsonValue(JsonObject());
            return true;
        }
        for (;;) {
            if (m_p == m_end || *m_p != '"')
                return fail("expected a string key");
            QString key;
            if (!parseString(key, true))
                return false;
            skipWhitespace();
            if (m_p == m_end || *m_p != ':')
                return fail("expected ':'");
            ++m_p;
            skipWhitespace();
            JsonValue value;
            if (!parseValue(value, depth))
                return false;

            // JSON.parse keeps the first position of a repeated key and its last value.
            size_t existing = 0;
            bool found = false;
            if (stack.size() - base < IndexThreshold) {
                for (size_t i = base; i < stack.size(); ++i) {
                    if (stack[i].first == key) {
                        existing = i;
                        found = true;
                        break;
                    }
                }
            } else {
                if (index.isEmpty()) {
                    index.reserve(qsizetype(2 * (stack.size() - base)));
                    for (size_t i = base; i < stack.size(); ++i)
                        index.insert(stack[i].first, i);
                }
                const auto it = index.constFind(key);
                found = it != index.constEnd();
                if (found)
                    existing = *it;
                else
                    index.insert(key, stack.size());
            }
            if (found)
                stack[existing].second = std::move(value);
            else
                stack.emplace_back(std::move(key), std::move(value));

            skipWhitespace();
            if (m_p == m_end)
                return fail("unterminated object");
            if (*m_p == ',') {
                ++m_p;
                skipWhitespace();
            } else if (*m_p == '}') {
                ++m_p;
                JsonObject object;
                object.m_members.reserve(qsizetype(stack.size() - base));
                for (size_t i = base; i < stack.size(); ++i)
                    object.m_members.append(std::move(stack[i]));
                stack.erase(stack.begin() + qptrdiff(base), stack.end());
                out = JsonValue(std::move(object));
                return true;
            } else {
                return fail("expected ',' or '}'");
            }
        }
    }

    static int hexValue(uchar c) noexcept
    {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    }

    bool parseString(QString &out, bool isKey = false)
    {
        ++m_p; // '"'
        const uchar *const start = m_p;
        bool plainAscii = true;
        const uchar *p = m_p;
        for (;;) {
            while (m_end - p >= 8) {
                const int plain = plainPrefix(p, plainAscii);
                p += plain;
                if (plain < 8)
                    break;
            }
            if (p == m_end) {
                m_p = p;
                return fail("unterminated string");
            }
            const uchar c = *p;
            if (c == '"')
                break;
            if (c < 0x20) {
                m_p = p;
                return fail("control character in string");
            }
            if (c == '\\') {
                plainAscii = false;
                if (m_end - p < 2) {
                    m_p = m_end;
                    return fail("unterminated string");
                }
                p += 2;
                continue;
            }
            if (c >= 0x80)
                plainAscii = false;
            ++p;
        }
        const uchar *const stop = p;
        m_p = stop + 1;

        if (plainAscii) {
            const QLatin1StringView text(reinterpret_cast<const char *>(start), stop - start);
            out = isKey ? internedKey(text) : QString(text);
            return true;
        }
        return decodeString(start, stop, out);
    }

    // Object keys repeat from one message to the next ("roomId", "message", ...): a small
    // per-thread cache hands out shared copies instead of allocating each key again.
    static QString internedKey(QLatin1StringView text)
    {
        constexpr qsizetype MaxCachedLength = 32;
        if (text.isEmpty() || text.size() > MaxCachedLength)
            return QString(text);
        quint32 hash = 2166136261u; // FNV-1a
        for (const char c : text)
            hash = (hash ^ uchar(c)) * 16777619u;
        thread_local std::array<QString, 256> cache;
        QString &slot = cache[hash & 0xff];
        if (slot != text)
            slot = QString(text);
        return slot;
    }

    // Escapes and UTF-8 (validated: no overlong forms, no encoded surrogates) into UTF-16;
    // a UTF-16 string never has more code units than its UTF-8 source has bytes.
    bool decodeString(const uchar *p, const uchar *const stop, QString &out)
    {
        out = QString(stop - p, Qt::Uninitialized);
        char16_t *const begin = reinterpret_cast<char16_t *>(out.data());
        char16_t *w = begin;
        const auto failAt = [this](const uchar *at, const char *message) {
            m_p = at;
            return fail(message);
        };

        while (p < stop) {
            const uchar c = *p;
            if (c == '\\') {
                const uchar e = p[1];
                switch (e) {
                case '"':
                case '\\':
                case '/':
                    *w++ = e;
                    break;
                case 'b':
                    *w++ = u'\b';
                    break;
                case 'f':
                    *w++ = u'\f';
                    break;
                case 'n':
                    *w++ = u'\n';
                    break;
                case 'r':
                    *w++ = u'\r';
                    break;
                case 't':
                    *w++ = u'\t';
                    break;
                case 'u': {
                    if (stop - p < 6)
                        return failAt(p, "invalid \\u escape");
                    int unit = 0;
                    for (int i = 2; i < 6; ++i) {
                        const int h = hexValue(p[i]);
                        if (h < 0)
                            return failAt(p, "invalid \\u escape");
                        unit = unit << 4 | h;
                    }
                    // Lone surrogates are kept, as JSON.parse does; pairs simply end up
                    // adjacent.
                    *w++ = char16_t(unit);
                    p += 4;
                    break;
                }
                default:
                    return failAt(p, "invalid escape");
                }
                p += 2;
                continue;
            }
            if (c < 0x80) {
                // Plain ASCII: widen whole words while they have nothing to decode.
                while (stop - p >= 8) {
                    const int plain = plainPrefix(p, true);
                    for (int i = 0; i < plain; ++i)
                        w[i] = p[i];
                    w += plain;
                    p += plain;
                    if (plain < 8)
                        break;
                }
                if (p < stop && *p < 0x80 && *p != '\\')
                    *w++ = *p++;
                continue;
            }

            char32_t cp;
            int length;
            if (c >= 0xc2 && c <= 0xdf) {
                length = 2;
                cp = c & 0x1f;
            } else if (c >= 0xe0 && c <= 0xef) {
                length = 3;
                cp = c & 0x0f;
            } else if (c >= 0xf0 && c <= 0xf4) {
                length = 4;
                cp = c & 0x07;
            } else {
                return failAt(p, "invalid UTF-8");
            }
            if (stop - p < length)
                return failAt(p, "invalid UTF-8");
            for (int i = 1; i < length; ++i) {
                if ((p[i] & 0xc0) != 0x80)
                    return failAt(p, "invalid UTF-8");
                cp = cp << 6 | (p[i] & 0x3f);
            }
            if ((length == 3 && (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000)))
                || (length == 4 && (cp < 0x10000 || cp > 0x10ffff))) {
                return failAt(p, "invalid UTF-8");
            }
            if (cp >= 0x10000) {
                *w++ = char16_t(0xd800 + ((cp - 0x10000) >> 10));
                *w++ = char16_t(0xdc00 + ((cp - 0x10000) & 0x3ff));
            } else {
                *w++ = char16_t(cp);
            }
            p += length;
        }
        out.truncate(w - begin);
        return true;
    }

    bool parseNumber(JsonValue &out)
    {
        const uchar *const start = m_p;
        const uchar *p = m_p;
        const bool negative = *p == '-';
        if (negative)
            ++p;
        if (p == m_end || !isDigit(*p)) {
            m_p = p;
            return fail("invalid number");
        }
        const uchar *const intStart = p;
        if (*p == '0') {
            ++p;
            if (p < m_end && isDigit(*p)) {
                m_p = p;
                return fail("leading zero in number");
            }
        } else {
            while (p < m_end && isDigit(*p))
                ++p;
        }
        const uchar *const intEnd = p;
        bool integral = true;
        const uchar *fracStart = nullptr;
        const uchar *fracEnd = nullptr;
        if (p < m_end && *p == '.') {
            ++p;
            if (p == m_end || !isDigit(*p)) {
                m_p = p;
                return fail("expected a digit after '.'");
            }
            fracStart = p;
            while (p < m_end && isDigit(*p))
                ++p;
            fracEnd = p;
            integral = false;
        }
        int exponent = 0;
        if (p < m_end && (*p == 'e' || *p == 'E')) {
            ++p;
            bool negativeExponent = false;
            if (p < m_end && (*p == '+' || *p == '-')) {
                negativeExponent = *p == '-';
                ++p;
            }
            if (p == m_end || !isDigit(*p)) {
                m_p = p;
                return fail("expected a digit in the exponent");
            }
            while (p < m_end && isDigit(*p)) {
                // Saturated: only its sign matters once it is this large.
                if (exponent < 100000)
                    exponent = exponent * 10 + (*p - '0');
                ++p;
            }
            if (negativeExponent)
                exponent = -exponent;
            integral = false;
        }
        m_p = p;

        if (integral) {
            // At most 19 digits; the magnitude limit is 2^63 - 1, or 2^63 when negative.
            const qsizetype digitCount = intEnd - intStart;
            if (digitCount <= 19) {
                quint64 magnitude = 0;
                for (const uchar *d = intStart; d < intEnd; ++d)
                    magnitude = magnitude * 10 + quint64(*d - '0');
                const quint64 limit
                        = quint64(std::numeric_limits<qint64>::max()) + (negative ? 1 : 0);
                if (digitCount < 19 || magnitude <= limit) {
                    out = negative ? JsonValue(qint64(0 - magnitude))
                                   : JsonValue(qint64(magnitude));
                    return true;
                }
            }
        }

        double value = 0;
        const auto result = std::from_chars(reinterpret_cast<const char *>(start),
                                            reinterpret_cast<const char *>(p), value);
        if (result.ec == std::errc::result_out_of_range) {
            // Too large or too small for a double: JSON.parse gives ±Infinity or ±0. The
            // decimal exponent of the first significant digit tells which.
            int magnitude;
            if (!(intEnd - intStart == 1 && *intStart == '0')) {
                magnitude = exponent + int(std::min<qsizetype>(intEnd - intStart, 100000)) - 1;
            } else {
                qsizetype zeros = 0;
                for (const uchar *d = fracStart; fracStart && d < fracEnd && *d == '0'; ++d)
                    ++zeros;
                magnitude = exponent - int(std::min<qsizetype>(zeros, 100000)) - 1;
            }
            value = magnitude > 0 ? std::numeric_limits<double>::infinity() : 0.0;
            if (negative)
                value = -value;
        } else if (result.ec != std::errc() || result.ptr != reinterpret_cast<const char *>(p)) {
            return fail("invalid number");
        }
        out = JsonValue(value);
        return true;
    }

    const uchar *const m_begin;
    const uchar *m_p;
    const uchar *const m_end;
    const int m_maxDepth;
    ParseScratch &m_scratch;
    const char *m_error = nullptr;
    qsizetype m_errorOffset = 0;
};

} // namespace detail

JsonValue::JsonValue(const JsonArray &a) : m_data(std::make_shared<const JsonArray>(a)) { }

JsonValue::JsonValue(JsonArray &&a) : m_data(std::make_shared<const JsonArray>(std::move(a))) { }

JsonValue::JsonValue(const JsonObject &o) : m_data(std::make_shared<const JsonObject>(o)) { }

JsonValue::JsonValue(JsonObject &&o) : m_data(std::make_shared<const JsonObject>(std::move(o))) { }

JsonValue JsonValue::fromBinary(const QByteArray &bytes)
{
    JsonValue value;
    value.m_data = Binary{bytes};
    return value;
}

bool JsonValue::isInteger() const noexcept
{
    if (std::holds_alternative<qint64>(m_data))
        return true;
    const auto *d = std::get_if<double>(&m_data);
    return d && doubleFitsInteger(*d);
}

bool JsonValue::toBool(bool defaultValue) const noexcept
{
    const auto *b = std::get_if<bool>(&m_data);
    return b ? *b : defaultValue;
}

qint64 JsonValue::toInteger(qint64 defaultValue) const noexcept
{
    if (const auto *i = std::get_if<qint64>(&m_data))
        return *i;
    if (const auto *d = std::get_if<double>(&m_data); d && doubleFitsInteger(*d))
        return qint64(*d);
    return defaultValue;
}

double JsonValue::toDouble(double defaultValue) const noexcept
{
    if (const auto *i = std::get_if<qint64>(&m_data))
        return double(*i);
    if (const auto *d = std::get_if<double>(&m_data))
        return *d;
    return defaultValue;
}

QString JsonValue::toString(const QString &defaultValue) const
{
    const auto *s = std::get_if<QString>(&m_data);
    return s ? *s : defaultValue;
}

QByteArray JsonValue::toBinary() const
{
    const auto *b = std::get_if<Binary>(&m_data);
    return b ? b->bytes : QByteArray();
}

JsonArray JsonValue::toArray() const
{
    const auto *a = std::get_if<std::shared_ptr<const JsonArray>>(&m_data);
    return a ? **a : JsonArray();
}

JsonObject JsonValue::toObject() const
{
    const auto *o = std::get_if<std::shared_ptr<const JsonObject>>(&m_data);
    return o ? **o : JsonObject();
}

JsonValue JsonValue::operator[](QStringView key) const
{
    const auto *o = std::get_if<std::shared_ptr<const JsonObject>>(&m_data);
    return o ? (*o)->value(key) : JsonValue();
}

JsonValue JsonValue::operator[](qsizetype index) const
{
    const auto *a = std::get_if<std::shared_ptr<const JsonArray>>(&m_data);
    if (!a || index < 0 || index >= (*a)->size())
        return JsonValue();
    return (*a)->at(index);
}

bool JsonValue::hasBinary() const
{
    switch (type()) {
    case Type::Binary:
        return true;
    case Type::Array:
        for (const JsonValue &element : *std::get<std::shared_ptr<const JsonArray>>(m_data)) {
            if (element.hasBinary())
                return true;
        }
        return false;
    case Type::Object:
        for (const auto &member : *std::get<std::shared_ptr<const JsonObject>>(m_data)) {
            if (member.second.hasBinary())
                return true;
        }
        return false;
    default:
        return false;
    }
}

QByteArray JsonValue::toJson() const
{
    QByteArray out;
    out.reserve(64);
    writeJson(out);
    return out;
}

void JsonValue::writeJson(QByteArray &out) const
{
    switch (type()) {
    case Type::Null:
    case Type::Binary:
        out.append("null", 4);
        break;
    case Type::Bool:
        if (std::get<bool>(m_data))
            out.append("true", 4);
        else
            out.append("false", 5);
        break;
    case Type::Integer:
        writeInteger(out, std::get<qint64>(m_data));
        break;
    case Type::Double:
        writeDouble(out, std::get<double>(m_data));
        break;
    case Type::String:
        writeString(out, std::get<QString>(m_data));
        break;
    case Type::Array: {
        const JsonArray &array = *std::get<std::shared_ptr<const JsonArray>>(m_data);
        out.append('[');
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (i > 0)
                out.append(',');
            array.at(i).writeJson(out);
        }
        out.append(']');
        break;
    }
    case Type::Object: {
        const JsonObject &object = *std::get<std::shared_ptr<const JsonObject>>(m_data);
        out.append('{');
        bool first = true;
        for (const auto &member : object) {
            if (!first)
                out.append(',');
            first = false;
            writeString(out, member.first);
            out.append(':');
            member.second.writeJson(out);
        }
        out.append('}');
        break;
    }
    }
}

std::optional<JsonValue> JsonValue::parse(QByteArrayView utf8, QString *error, int maxDepth)
{
    detail::JsonParser parser(utf8, maxDepth);
    std::optional<JsonValue> value = parser.parseDocument();
    if (!value && error)
        *error = parser.errorString();
    return value;
}

QJsonValue JsonValue::toQJsonValue() const
{
    switch (type()) {
    case Type::Null:
    case Type::Binary:
        return QJsonValue(QJsonValue::Null);
    case Type::Bool:
        return QJsonValue(std::get<bool>(m_data));
    case Type::Integer:
        return QJsonValue(std::get<qint64>(m_data));
    case Type::Double:
        return QJsonValue(std::get<double>(m_data));
    case Type::String:
        return QJsonValue(std::get<QString>(m_data));
    case Type::Array: {
        QJsonArray array;
        for (const JsonValue &element : *std::get<std::shared_ptr<const JsonArray>>(m_data))
            array.append(element.toQJsonValue());
        return array;
    }
    case Type::Object: {
        QJsonObject object;
        for (const auto &member : *std::get<std::shared_ptr<const JsonObject>>(m_data))
            object.insert(member.first, member.second.toQJsonValue());
        return object;
    }
    }
    return QJsonValue();
}

JsonValue JsonValue::fromQJsonValue(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return JsonValue();
    case QJsonValue::Bool:
        return JsonValue(value.toBool());
    case QJsonValue::Double: {
        // QJsonValue keeps integers exactly; toInteger() agrees for any two defaults only
        // when the value is an integer within the qint64 range.
        const qint64 i = value.toInteger(0);
        if (i == value.toInteger(1))
            return JsonValue(i);
        return JsonValue(value.toDouble());
    }
    case QJsonValue::String:
        return JsonValue(value.toString());
    case QJsonValue::Array: {
        const QJsonArray source = value.toArray();
        JsonArray array;
        array.reserve(source.size());
        for (const QJsonValue &element : source)
            array.append(fromQJsonValue(element));
        return JsonValue(std::move(array));
    }
    case QJsonValue::Object: {
        const QJsonObject source = value.toObject();
        JsonObject object;
        // QJsonObject keys are unique, so insert() would only repeat the scan.
        for (auto it = source.begin(); it != source.end(); ++it)
            object.insert(it.key(), fromQJsonValue(it.value()));
        return JsonValue(std::move(object));
    }
    }
    return JsonValue();
}

bool operator==(const JsonValue &a, const JsonValue &b)
{
    using Type = JsonValue::Type;
    const Type ta = a.type();
    const Type tb = b.type();
    if (ta != tb) {
        // JSON has one number type: an Integer equals the Double of the same value.
        if (ta == Type::Integer && tb == Type::Double) {
            const double d = std::get<double>(b.m_data);
            return doubleFitsInteger(d) && qint64(d) == std::get<qint64>(a.m_data);
        }
        if (ta == Type::Double && tb == Type::Integer)
            return b == a;
        return false;
    }
    switch (ta) {
    case Type::Null:
        return true;
    case Type::Bool:
        return std::get<bool>(a.m_data) == std::get<bool>(b.m_data);
    case Type::Integer:
        return std::get<qint64>(a.m_data) == std::get<qint64>(b.m_data);
    case Type::Double:
        return std::get<double>(a.m_data) == std::get<double>(b.m_data);
    case Type::String:
        return std::get<QString>(a.m_data) == std::get<QString>(b.m_data);
    case Type::Binary:
        return std::get<JsonValue::Binary>(a.m_data).bytes
                == std::get<JsonValue::Binary>(b.m_data).bytes;
    case Type::Array: {
        const auto &pa = std::get<std::shared_ptr<const JsonArray>>(a.m_data);
        const auto &pb = std::get<std::shared_ptr<const JsonArray>>(b.m_data);
        return pa == pb || *pa == *pb;
    }
    case Type::Object: {
        const auto &pa = std::get<std::shared_ptr<const JsonObject>>(a.m_data);
        const auto &pb = std::get<std::shared_ptr<const JsonObject>>(b.m_data);
        return pa == pb || *pa == *pb;
    }
    }
    return false;
}

JsonObject::JsonObject(std::initializer_list<Member> members)
{
    m_members.reserve(qsizetype(members.size()));
    for (const Member &member : members)
        insert(member.first, member.second);
}

bool JsonObject::contains(QStringView key) const noexcept
{
    for (const Member &member : m_members) {
        if (member.first == key)
            return true;
    }
    return false;
}

JsonValue JsonObject::value(QStringView key) const
{
    for (const Member &member : m_members) {
        if (member.first == key)
            return member.second;
    }
    return JsonValue();
}

JsonObject &JsonObject::insert(const QString &key, const JsonValue &value)
{
    for (Member &member : m_members) {
        if (member.first == key) {
            member.second = value;
            return *this;
        }
    }
    m_members.emplace_back(key, value);
    return *this;
}

void JsonObject::remove(QStringView key)
{
    m_members.removeIf([key](const Member &member) { return member.first == key; });
}

QStringList JsonObject::keys() const
{
    QStringList keys;
    keys.reserve(m_members.size());
    for (const Member &member : m_members)
        keys.append(member.first);
    return keys;
}

QString toString(const JsonValue &value)
{
    return QString::fromUtf8(value.toJson());
}

} // namespace chat
