// SPDX-License-Identifier: MIT
#include "mockserver.h"

#include "clock.h"
#include "jsonscan.h"
#include "wsframe.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace bench {

namespace {

volatile std::sig_atomic_t g_stop = 0;

void onSignal(int)
{
    g_stop = 1;
}

constexpr size_t MaxFrame = 1 << 20;
constexpr int HistoryPage = 50;

struct Client
{
    bool open = false;
    bool upgraded = false;
    int room = -1;
    std::string in;
    std::string out;
};

struct Room
{
    std::vector<int> members;
    std::vector<std::pair<int64_t, std::string>> messages; //!< id, message object
};

bool equalsIgnoringCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i]))
            return false;
    }
    return true;
}

class MockServer
{
public:
    int run(uint16_t port, double maxSeconds);

private:
    void accept();
    void onReadable(int fd);
    void onWritable(int fd);
    bool upgrade(int fd);
    void consume(int fd);
    void onText(int fd, std::string_view text);
    void join(int fd, uint64_t ackId, std::string_view payload);
    void send(int fd, uint64_t ackId, std::string_view payload);
    void sendText(int fd, std::string_view text);
    void write(int fd, const char *data, size_t length);
    void drop(int fd);

    int m_listen = -1;
    int m_epoll = -1;
    std::vector<Client> m_clients;
    std::vector<Room> m_rooms;
    std::map<std::string, int, std::less<>> m_roomBySlug;
    int64_t m_nextId = 1;
    std::string m_frame;
    std::string m_text;
    std::vector<char> m_scratch = std::vector<char>(256 * 1024);
};

int MockServer::run(uint16_t port, double maxSeconds)
{
    m_listen = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int one = 1;
    setsockopt(m_listen, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    if (::bind(m_listen, reinterpret_cast<sockaddr *>(&address), sizeof address) < 0
        || ::listen(m_listen, 4096) < 0) {
        std::fprintf(stderr, "chat-loadgen mock-server: %s\n", std::strerror(errno));
        return 2;
    }
    socklen_t length = sizeof address;
    getsockname(m_listen, reinterpret_cast<sockaddr *>(&address), &length);
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = m_listen;
    epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_listen, &ev);
    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);
    std::printf("{\"listening\":true,\"host\":\"127.0.0.1\",\"port\":%u,\"pid\":%d}\n",
                unsigned(ntohs(address.sin_port)), int(getpid()));
    std::fflush(stdout);

    const int64_t deadline = nowNs() + int64_t(maxSeconds * double(NsPerSec));
    std::vector<epoll_event> events(1024);
    while (!g_stop && nowNs() < deadline) {
        const int n = epoll_wait(m_epoll, events.data(), int(events.size()), 100);
        for (int i = 0; i < n; ++i) {
            const int fd = events[size_t(i)].data.fd;
            if (fd == m_listen) {
                accept();
                continue;
            }
            if (events[size_t(i)].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
                onReadable(fd);
            if (size_t(fd) < m_clients.size() && m_clients[size_t(fd)].open
                && (events[size_t(i)].events & EPOLLOUT))
                onWritable(fd);
        }
    }
    for (size_t fd = 0; fd < m_clients.size(); ++fd) {
        if (m_clients[fd].open)
            ::close(int(fd));
    }
    ::close(m_listen);
    ::close(m_epoll);
    return 0;
}

void MockServer::accept()
{
    for (;;) {
        const int fd = ::accept4(m_listen, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        const int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (size_t(fd) >= m_clients.size())
            m_clients.resize(size_t(fd) + 1024);
        m_clients[size_t(fd)] = Client();
        m_clients[size_t(fd)].open = true;
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = fd;
        epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
    }
}

void MockServer::drop(int fd)
{
    Client &c = m_clients[size_t(fd)];
    if (!c.open)
        return;
    if (c.room >= 0) {
        auto &members = m_rooms[size_t(c.room)].members;
        members.erase(std::remove(members.begin(), members.end(), fd), members.end());
    }
    c = Client();
    ::close(fd);
}

void MockServer::onReadable(int fd)
{
    const ssize_t n = ::recv(fd, m_scratch.data(), m_scratch.size(), 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        drop(fd);
        return;
    }
    if (n < 0)
        return;
    Client &c = m_clients[size_t(fd)];
    c.in.append(m_scratch.data(), size_t(n));
    if (!c.upgraded && !upgrade(fd))
        return;
    consume(fd);
}

bool MockServer::upgrade(int fd)
{
    Client &c = m_clients[size_t(fd)];
    const size_t end = c.in.find("\r\n\r\n");
    if (end == std::string::npos) {
        if (c.in.size() > 16384)
            drop(fd);
        return false;
    }
    std::string key;
    size_t lineStart = c.in.find("\r\n") + 2;
    while (lineStart < end) {
        const size_t lineEnd = c.in.find("\r\n", lineStart);
        const std::string_view line(c.in.data() + lineStart, lineEnd - lineStart);
        const size_t colon = line.find(':');
        if (colon != std::string_view::npos
            && equalsIgnoringCase(line.substr(0, colon), "sec-websocket-key")) {
            std::string_view value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ')
                value.remove_prefix(1);
            key = std::string(value);
        }
        lineStart = lineEnd + 2;
    }
    c.in.erase(0, end + 4);
    if (key.empty()) {
        drop(fd);
        return false;
    }
    c.upgraded = true;
    const std::string response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                                 "Connection: Upgrade\r\nSec-WebSocket-Accept: "
            + ws::acceptFor(key) + "\r\n\r\n";
    write(fd, response.data(), response.size());
    sendText(fd,
             "0{\"sid\":\"mock\",\"upgrades\":[],\"pingInterval\":25000,"
             "\"pingTimeout\":20000,\"maxPayload\":1000000}");
    return m_clients[size_t(fd)].open;
}

void MockServer::consume(int fd)
{
    size_t pos = 0;
    for (;;) {
        Client &c = m_clients[size_t(fd)];
        if (!c.open)
            return;
        ws::Header header;
        const auto result = ws::parseHeader(reinterpret_cast<const uint8_t *>(c.in.data()) + pos,
                                            c.in.size() - pos, header);
        if (result == ws::ParseResult::Incomplete)
            break;
        if (result == ws::ParseResult::Invalid || !header.masked || !header.fin
            || header.payloadLength > MaxFrame) {
            drop(fd);
            return;
        }
        if (c.in.size() - pos - header.headerLength < header.payloadLength)
            break;
        char *payload = c.in.data() + pos + header.headerLength;
        const auto length = size_t(header.payloadLength);
        ws::mask(payload, length, header.maskKey);
        pos += header.headerLength + length;
        switch (header.opcode) {
        case ws::Text:
            // Copied: an answer that fails drops the client, and its buffer with it.
            m_text.assign(payload, length);
            onText(fd, m_text);
            break;
        case ws::Ping:
            m_frame.clear();
            ws::appendServerFrame(m_frame, ws::Pong, std::string_view(payload, length));
            write(fd, m_frame.data(), m_frame.size());
            break;
        case ws::Close:
            drop(fd);
            return;
        default:
            break;
        }
    }
    Client &c = m_clients[size_t(fd)];
    if (c.open)
        c.in.erase(0, pos);
}

void MockServer::onText(int fd, std::string_view text)
{
    if (text.substr(0, 2) == "40") {
        sendText(fd, "40{\"sid\":\"mock\"}");
        return;
    }
    if (text.substr(0, 2) != "42")
        return;
    size_t pos = 2;
    uint64_t ackId = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9')
        ackId = ackId * 10 + uint64_t(text[pos++] - '0');
    const std::string_view data = text.substr(pos);
    const auto name = json::element(data, 0);
    const auto payload = json::element(data, 1);
    if (!name || !payload)
        return;
    if (*name == "\"room:join\"")
        join(fd, ackId, *payload);
    else if (*name == "\"message:send\"")
        send(fd, ackId, *payload);
}

void MockServer::join(int fd, uint64_t ackId, std::string_view payload)
{
    const auto slugText = json::member(payload, "roomSlug");
    const auto slug = slugText ? json::toString(*slugText) : std::nullopt;
    if (!slug)
        return;
    auto it = m_roomBySlug.find(*slug);
    if (it == m_roomBySlug.end()) {
        it = m_roomBySlug.emplace(*slug, int(m_rooms.size())).first;
        m_rooms.emplace_back();
    }
    const int room = it->second;
    Client &c = m_clients[size_t(fd)];
    if (c.room != room) {
        if (c.room >= 0) {
            auto &members = m_rooms[size_t(c.room)].members;
            members.erase(std::remove(members.begin(), members.end(), fd), members.end());
        }
        c.room = room;
        m_rooms[size_t(room)].members.push_back(fd);
    }
    sendText(fd,
             "43" + std::to_string(ackId)
                     + "[{\"ok\":true,\"room\":{\"id\":" + std::to_string(room + 1) + "}}]");
    const auto &messages = m_rooms[size_t(room)].messages;
    size_t first = messages.size() > HistoryPage ? messages.size() - HistoryPage : 0;
    if (const auto since = json::member(payload, "since")) {
        const int64_t after = json::toInt(*since).value_or(0);
        first = size_t(std::upper_bound(messages.begin(), messages.end(), after,
                                        [](int64_t id, const auto &m) { return id < m.first; })
                       - messages.begin());
    }
    std::string history
            = "42[\"room:history\",{\"roomId\":" + std::to_string(room + 1) + ",\"messages\":[";
    for (size_t i = first; i < messages.size(); ++i) {
        if (i > first)
            history += ',';
        history += messages[i].second;
    }
    history += "],\"hasMore\":false}]";
    sendText(fd, history);
}

void MockServer::send(int fd, uint64_t ackId, std::string_view payload)
{
    const int room = m_clients[size_t(fd)].room;
    const auto message = json::member(payload, "message");
    if (room < 0 || !message) {
        sendText(fd,
                 "43" + std::to_string(ackId)
                         + "[{\"ok\":false,\"error\":{\"code\":\"forbidden\",\"message\":\"\"}}]");
        return;
    }
    const int64_t id = m_nextId++;
    std::string object = "{\"id\":" + std::to_string(id) + ",\"roomId\":" + std::to_string(room + 1)
            + ",\"message\":" + std::string(*message) + ",\"type\":\"text\"}";
    // One frame for the whole room, written as is to every member.
    std::string frame;
    ws::appendServerFrame(frame, ws::Text, "42[\"message:new\"," + object + "]");
    const std::vector<int> members = m_rooms[size_t(room)].members;
    for (const int member : members)
        write(member, frame.data(), frame.size());
    m_rooms[size_t(room)].messages.emplace_back(id, std::move(object));
    if (m_clients[size_t(fd)].open)
        sendText(fd,
                 "43" + std::to_string(ackId) + "[{\"ok\":true,\"id\":" + std::to_string(id)
                         + ",\"created_at\":\"1970-01-01T00:00:00.000Z\"}]");
}

void MockServer::sendText(int fd, std::string_view text)
{
    m_frame.clear();
    ws::appendServerFrame(m_frame, ws::Text, text);
    write(fd, m_frame.data(), m_frame.size());
}

void MockServer::write(int fd, const char *data, size_t length)
{
    Client &c = m_clients[size_t(fd)];
    if (!c.open)
        return;
    if (!c.out.empty()) {
        c.out.append(data, length);
        return;
    }
    ssize_t n = ::send(fd, data, length, MSG_NOSIGNAL);
    if (n == ssize_t(length))
        return;
    if (n < 0) {
        if (errno != EAGAIN && errno != EINTR) {
            drop(fd);
            return;
        }
        n = 0;
    }
    c.out.assign(data + n, length - size_t(n));
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.fd = fd;
    epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &ev);
}

void MockServer::onWritable(int fd)
{
    Client &c = m_clients[size_t(fd)];
    if (c.out.empty())
        return;
    const ssize_t n = ::send(fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (n < 0) {
        if (errno != EAGAIN && errno != EINTR)
            drop(fd);
        return;
    }
    c.out.erase(0, size_t(n));
    if (c.out.empty()) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = fd;
        epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &ev);
    }
}

} // namespace

int runMockServer(uint16_t port, double maxSeconds)
{
    MockServer server;
    return server.run(port, maxSeconds);
}

} // namespace bench
