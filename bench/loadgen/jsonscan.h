// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

//! \brief Reads the few fields the load generator needs straight out of JSON text.
//!
//! A delivery is counted hundreds of thousands of times per second; building a DOM for each
//! would make the generator the bottleneck it must never be. These functions only find spans:
//! they trust the server to send well-formed JSON and return "absent" on anything else.
namespace bench::json {

constexpr size_t npos = std::string_view::npos;

//! The index after the value that starts at the first non-blank character from \a pos, or
//! npos when it is truncated or not a value.
size_t valueEnd(std::string_view text, size_t pos);

//! The raw text of member \a key of the object \a object (the key compared as written), or
//! nullopt when it is absent or \a object is not an object.
std::optional<std::string_view> member(std::string_view object, std::string_view key);

//! The raw text of element \a index of the array \a array.
std::optional<std::string_view> element(std::string_view array, size_t index);

//! Calls \a visit(elementText) for each element of \a array; false if \a array is malformed.
template<typename Visit>
bool forEachElement(std::string_view array, Visit &&visit);

std::optional<int64_t> toInt(std::string_view value);
//! The decoded content of a JSON string (\uXXXX escapes of the BMP and surrogate pairs
//! included).
std::optional<std::string> toString(std::string_view value);

//! Appends \a text as a JSON string literal.
void appendQuoted(std::string &out, std::string_view text);

size_t skipBlank(std::string_view text, size_t pos);

template<typename Visit>
bool forEachElement(std::string_view array, Visit &&visit)
{
    size_t pos = skipBlank(array, 0);
    if (pos >= array.size() || array[pos] != '[')
        return false;
    pos = skipBlank(array, pos + 1);
    if (pos < array.size() && array[pos] == ']')
        return true;
    while (pos < array.size()) {
        const size_t end = valueEnd(array, pos);
        if (end == npos)
            return false;
        visit(array.substr(pos, end - pos));
        pos = skipBlank(array, end);
        if (pos >= array.size())
            return false;
        if (array[pos] == ']')
            return true;
        if (array[pos] != ',')
            return false;
        pos = skipBlank(array, pos + 1);
    }
    return false;
}

} // namespace bench::json
