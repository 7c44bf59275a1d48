// SPDX-License-Identifier: MIT
#include "jsonscan.h"

#include <cstring>

namespace bench::json {

size_t skipBlank(std::string_view text, size_t pos)
{
    while (pos < text.size()
           && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' || text[pos] == '\r'))
        ++pos;
    return pos;
}

namespace {

// The index after the closing quote of the string whose opening quote is at pos.
size_t stringEnd(std::string_view text, size_t pos)
{
    ++pos;
    while (pos < text.size()) {
        const void *hit = std::memchr(text.data() + pos, '"', text.size() - pos);
        if (!hit)
            return npos;
        size_t quote = size_t(static_cast<const char *>(hit) - text.data());
        size_t backslashes = 0;
        while (quote - backslashes > pos && text[quote - backslashes - 1] == '\\')
            ++backslashes;
        if (backslashes % 2 == 0)
            return quote + 1;
        pos = quote + 1;
    }
    return npos;
}

} // namespace

size_t valueEnd(std::string_view text, size_t pos)
{
    pos = skipBlank(text, pos);
    if (pos >= text.size())
        return npos;
    const char c = text[pos];
    if (c == '"')
        return stringEnd(text, pos);
    if (c == '{' || c == '[') {
        int depth = 0;
        while (pos < text.size()) {
            const char d = text[pos];
            if (d == '"') {
                pos = stringEnd(text, pos);
                if (pos == npos)
                    return npos;
                continue;
            }
            if (d == '{' || d == '[') {
                ++depth;
            } else if (d == '}' || d == ']') {
                if (--depth == 0)
                    return pos + 1;
            }
            ++pos;
        }
        return npos;
    }
    const size_t start = pos;
    while (pos < text.size()) {
        const char d = text[pos];
        if (d == ',' || d == ']' || d == '}' || d == ' ' || d == '\t' || d == '\n' || d == '\r')
            break;
        ++pos;
    }
    return pos > start ? pos : npos;
}

std::optional<std::string_view> member(std::string_view object, std::string_view key)
{
    size_t pos = skipBlank(object, 0);
    if (pos >= object.size() || object[pos] != '{')
        return std::nullopt;
    pos = skipBlank(object, pos + 1);
    if (pos < object.size() && object[pos] == '}')
        return std::nullopt;
    while (pos < object.size()) {
        if (object[pos] != '"')
            return std::nullopt;
        const size_t keyEnd = stringEnd(object, pos);
        if (keyEnd == npos)
            return std::nullopt;
        const std::string_view name = object.substr(pos + 1, keyEnd - pos - 2);
        pos = skipBlank(object, keyEnd);
        if (pos >= object.size() || object[pos] != ':')
            return std::nullopt;
        const size_t valueStart = skipBlank(object, pos + 1);
        const size_t end = valueEnd(object, valueStart);
        if (end == npos)
            return std::nullopt;
        if (name == key)
            return object.substr(valueStart, end - valueStart);
        pos = skipBlank(object, end);
        if (pos >= object.size() || object[pos] != ',')
            return std::nullopt;
        pos = skipBlank(object, pos + 1);
    }
    return std::nullopt;
}

std::optional<std::string_view> element(std::string_view array, size_t index)
{
    std::optional<std::string_view> found;
    size_t i = 0;
    const bool ok = forEachElement(array, [&](std::string_view value) {
        if (i++ == index)
            found = value;
    });
    return ok ? found : std::nullopt;
}

std::optional<int64_t> toInt(std::string_view value)
{
    if (value.empty())
        return std::nullopt;
    size_t pos = 0;
    const bool negative = value[0] == '-';
    if (negative)
        ++pos;
    if (pos >= value.size() || pos + 18 < value.size())
        return std::nullopt;
    int64_t result = 0;
    for (; pos < value.size(); ++pos) {
        const char c = value[pos];
        if (c < '0' || c > '9')
            return std::nullopt;
        result = result * 10 + (c - '0');
    }
    return negative ? -result : result;
}

namespace {

void appendUtf8(std::string &out, uint32_t cp)
{
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xC0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += char(0xE0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    } else {
        out += char(0xF0 | (cp >> 18));
        out += char(0x80 | ((cp >> 12) & 0x3F));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    }
}

std::optional<uint32_t> hex4(std::string_view text, size_t pos)
{
    if (pos + 4 > text.size())
        return std::nullopt;
    uint32_t value = 0;
    for (size_t i = pos; i < pos + 4; ++i) {
        const char c = text[i];
        value <<= 4;
        if (c >= '0' && c <= '9')
            value |= uint32_t(c - '0');
        else if (c >= 'a' && c <= 'f')
            value |= uint32_t(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            value |= uint32_t(c - 'A' + 10);
        else
            return std::nullopt;
    }
    return value;
}

} // namespace

std::optional<std::string> toString(std::string_view value)
{
    if (value.size() < 2 || value.front() != '"' || value.back() != '"')
        return std::nullopt;
    std::string out;
    out.reserve(value.size() - 2);
    for (size_t i = 1; i + 1 < value.size(); ++i) {
        const char c = value[i];
        if (c != '\\') {
            out += c;
            continue;
        }
        if (++i + 1 >= value.size())
            return std::nullopt;
        switch (value[i]) {
        case '"':
        case '\\':
        case '/':
            out += value[i];
            break;
        case 'b':
            out += '\b';
            break;
        case 'f':
            out += '\f';
            break;
        case 'n':
            out += '\n';
            break;
        case 'r':
            out += '\r';
            break;
        case 't':
            out += '\t';
            break;
        case 'u': {
            auto cp = hex4(value, i + 1);
            if (!cp)
                return std::nullopt;
            i += 4;
            if (*cp >= 0xD800 && *cp < 0xDC00 && i + 6 < value.size() && value[i + 1] == '\\'
                && value[i + 2] == 'u') {
                auto low = hex4(value, i + 3);
                if (low && *low >= 0xDC00 && *low < 0xE000) {
                    *cp = 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
                    i += 6;
                }
            }
            appendUtf8(out, *cp);
            break;
        }
        default:
            return std::nullopt;
        }
    }
    return out;
}

void appendQuoted(std::string &out, std::string_view text)
{
    static const char hex[] = "0123456789abcdef";
    out += '"';
    for (const char c : text) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (uint8_t(c) < 0x20) {
                out += "\\u00";
                out += hex[uint8_t(c) >> 4];
                out += hex[uint8_t(c) & 0xF];
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

} // namespace bench::json
