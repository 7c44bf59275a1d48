// SPDX-License-Identifier: MIT
#include "wsclient.h"

#include "wsframe.h"

#include <QtCore/QByteArray>

#include <cstring>

namespace bench::ws {

std::string makeKey(uint64_t a, uint64_t b)
{
    char bytes[16];
    std::memcpy(bytes, &a, 8);
    std::memcpy(bytes + 8, &b, 8);
    return QByteArray(bytes, 16).toBase64().toStdString();
}

std::string upgradeRequest(std::string_view host, std::string_view pathAndQuery,
                           std::string_view key)
{
    std::string request;
    request.reserve(256);
    request += "GET ";
    request += pathAndQuery;
    request += " HTTP/1.1\r\nHost: ";
    request += host;
    request += "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ";
    request += key;
    request += "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    return request;
}

namespace {

bool equalsIgnoringCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = char(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = char(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

std::string_view trim(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

} // namespace

UpgradeResult checkUpgradeResponse(std::string_view data, std::string_view key,
                                   size_t &headerLength)
{
    const size_t end = data.find("\r\n\r\n");
    if (end == std::string_view::npos)
        return UpgradeResult::Incomplete;
    headerLength = end + 4;
    const std::string_view head = data.substr(0, end);
    size_t lineEnd = head.find("\r\n");
    const std::string_view status = head.substr(0, lineEnd);
    if (status.size() < 12 || status.substr(0, 5) != "HTTP/" || status.substr(8, 4) != " 101")
        return UpgradeResult::Refused;
    bool accepted = false;
    while (lineEnd != std::string_view::npos) {
        const size_t start = lineEnd + 2;
        lineEnd = head.find("\r\n", start);
        const std::string_view line = head.substr(
                start,
                lineEnd == std::string_view::npos ? std::string_view::npos : lineEnd - start);
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos)
            continue;
        if (equalsIgnoringCase(trim(line.substr(0, colon)), "sec-websocket-accept"))
            accepted = trim(line.substr(colon + 1)) == acceptFor(key);
    }
    return accepted ? UpgradeResult::Accepted : UpgradeResult::Refused;
}

} // namespace bench::ws
