// SPDX-License-Identifier: MIT
#include "worker.h"

#include "clock.h"
#include "jsonscan.h"
#include "procstat.h"
#include "token.h"
#include "wsclient.h"
#include "wsframe.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace bench {

namespace {

constexpr uint64_t ControlTag = UINT64_MAX;
constexpr size_t ScratchSize = 256 * 1024;
constexpr size_t MaxMessage = 64 * 1024 * 1024;
constexpr size_t MaxUpgradeResponse = 16 * 1024;
constexpr int64_t ScanIntervalNs = 50 * NsPerMs;
constexpr int MaxRetryDelayMs = 2000;
constexpr int BatchEvents = 64;
constexpr size_t BatchMinConnections = 256;
// A token outlives any bounded run.
constexpr int64_t TokenLifetimeSec = 6 * 3600;

bool isHandshaking(uint8_t state)
{
    return state >= 1 && state <= 5; // TcpConnecting .. Joining
}

int64_t wallSeconds()
{
    return std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
}

} // namespace

Worker::Worker(const Options &options, uint32_t index, int controlFd, std::vector<ConnSpec> specs)
    : m_options(options),
      m_index(index),
      m_control(controlFd),
      m_scratch(ScratchSize),
      m_random(uint64_t(nowNs()) ^ (uint64_t(getpid()) << 32) ^ 0x9E3779B97F4A7C15ULL)
{
    m_conns.resize(specs.size());
    for (size_t i = 0; i < specs.size(); ++i)
        m_conns[i].spec = specs[i];
    // Beyond one address's worth of connections, every socket binds its own 127.0.0.x so
    // that no (source, destination) pair runs out of the 28k ephemeral ports.
    uint32_t highest = 0;
    for (const auto &spec : specs)
        highest = std::max(highest, spec.globalIndex);
    m_bindSources = int64_t(highest) >= options.perSource;
}

Worker::~Worker()
{
    for (auto &c : m_conns) {
        if (c.fd >= 0)
            ::close(c.fd);
    }
    if (m_epoll >= 0)
        ::close(m_epoll);
}

uint32_t Worker::random32()
{
    // xorshift64*: mask keys and jitter need speed, not secrecy.
    m_random ^= m_random >> 12;
    m_random ^= m_random << 25;
    m_random ^= m_random >> 27;
    return uint32_t((m_random * 2685821657736338717ULL) >> 32);
}

int Worker::run(int64_t hardDeadlineNs)
{
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    if (m_epoll < 0)
        return 2;
    fcntl(m_control, F_SETFL, fcntl(m_control, F_GETFL) | O_NONBLOCK);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = ControlTag;
    if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_control, &ev) < 0)
        return 2;

    // Sleeps end to the microsecond, not to the default 50 µs slack.
    prctl(PR_SET_TIMERSLACK, 1000UL);
    const timespec batchPause{0, long(m_options.batchUs) * 1000};
    // With few connections there is nothing to gather, and the pause would only lengthen
    // every round trip.
    const bool batching = m_options.batchUs > 0 && m_conns.size() >= BatchMinConnections;
    std::vector<epoll_event> events(1024);
    while (!m_quit) {
        int64_t now = nowNs();
        if (now >= hardDeadlineNs) {
            std::fprintf(stderr, "chat-loadgen: worker %u passed its hard deadline\n", m_index);
            return 3;
        }
        const int n = epoll_wait(m_epoll, events.data(), int(events.size()), waitTimeoutMs(now));
        if (n < 0 && errno != EINTR)
            return 2;
        ++m_counters.wakeups;
        m_counters.events += uint64_t(std::max(n, 0));
        for (int i = 0; i < n; ++i) {
            if (events[size_t(i)].data.u64 == ControlTag)
                onControl();
            else
                onEvent(uint32_t(events[size_t(i)].data.u64), events[size_t(i)].events);
            if (m_quit)
                break;
        }
        pump(nowNs());
        // On loopback a wake-up costs about as much as a delivery: when the last one brought
        // only a few events, let more arrive before asking again. This delays a reading by
        // at most --batch-us and cuts the generator's CPU per delivery several times over.
        if (batching && n > 0 && n < BatchEvents)
            nanosleep(&batchPause, nullptr);
    }
    return 0;
}

int Worker::waitTimeoutMs(int64_t now) const
{
    if (m_phase == Phase::Send && m_command.rate > 0)
        return 1;
    if (m_phase == Phase::Send) {
        const int64_t next = m_sendStarted ? m_command.endNs : m_command.startNs;
        return int(std::clamp<int64_t>((next - now) / NsPerMs + 1, 0, 50));
    }
    if (!m_queue.empty() || !m_retrying.empty())
        return 5;
    return 50;
}

// ---------------------------------------------------------------------------------------------
// Control channel.

void Worker::onControl()
{
    Command command;
    const ssize_t n = ::recv(m_control, &command, sizeof command, 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        m_quit = true; // the coordinator is gone
        return;
    }
    if (n != ssize_t(sizeof command))
        return;
    switch (command.op) {
    case Op::Connect:
        startPhaseConnect(command);
        break;
    case Op::Send:
        startPhaseSend(command);
        break;
    case Op::SendBatch:
        startPhaseBatch(command);
        break;
    case Op::Stats:
        reply(Op::Stats, command.seq);
        break;
    case Op::Drop:
        drop(command);
        reply(Op::Drop, command.seq);
        break;
    case Op::Quit:
        m_quit = true;
        break;
    }
}

void Worker::reply(Op op, uint32_t seq, bool timedOut)
{
    m_counters.ready = 0;
    std::fill(std::begin(m_counters.readyPerRoom), std::end(m_counters.readyPerRoom), 0);
    for (const auto &c : m_conns) {
        if (c.state == State::Ready && c.spec.role == MemberRole) {
            ++m_counters.ready;
            if (c.spec.room >= 0)
                ++m_counters.readyPerRoom[c.spec.room];
        }
    }
    m_counters.cpuSeconds = selfCpuSeconds();
    m_counters.reportNs = nowNs();
    m_report.op = op;
    m_report.seq = seq;
    m_report.worker = m_index;
    m_report.timedOut = timedOut ? 1 : 0;
    m_report.counters = m_counters;
    // The control socket is blocking for writes in effect: a report is far below its buffer.
    const ssize_t n = ::send(m_control, &m_report, sizeof m_report, MSG_NOSIGNAL);
    if (n != ssize_t(sizeof m_report))
        m_quit = true;
}

void Worker::startPhaseConnect(const Command &command)
{
    m_phase = Phase::Connect;
    m_command = command;
    m_remaining = 0;
    m_queue.clear();
    m_retrying.clear();
    m_report.ready.clear();
    for (uint32_t i = 0; i < m_conns.size(); ++i) {
        Conn &c = m_conns[i];
        if (!(command.roles & c.spec.role))
            continue;
        if (c.state == State::Ready)
            continue;
        c.inPhase = true;
        c.caughtUp = false;
        c.firstAttemptNs = 0;
        c.retryDelayMs = m_options.retryDelayMs;
        ++m_remaining;
        m_queue.push_back(i);
    }
    if (m_remaining == 0)
        endPhase(false);
}

void Worker::startPhaseSend(const Command &command)
{
    m_phase = Phase::Send;
    m_command = command;
    if (command.reset) {
        const auto lastAcked = m_counters;
        m_counters.sent = m_counters.acked = m_counters.refused = m_counters.skipped = 0;
        m_counters.delivered = m_counters.foreign = 0;
        std::fill(std::begin(m_counters.sentPerRoom), std::end(m_counters.sentPerRoom), 0);
        std::fill(std::begin(m_counters.refusedPerRoom), std::end(m_counters.refusedPerRoom), 0);
        std::fill(std::begin(m_counters.refusals), std::end(m_counters.refusals), 0);
        m_counters.firstSendNs = m_counters.lastSendNs = m_counters.lastAckNs = 0;
        m_counters.lastDeliveryNs = 0;
        std::copy(std::begin(lastAcked.lastAckedId), std::end(lastAcked.lastAckedId),
                  std::begin(m_counters.lastAckedId));
        m_report.delivery.clear();
        m_report.ack.clear();
    }
    m_senders.clear();
    for (uint32_t i = 0; i < m_conns.size(); ++i) {
        const Conn &c = m_conns[i];
        if (c.spec.sender && c.spec.role == MemberRole && c.state == State::Ready)
            m_senders.push_back(i);
    }
    m_nextSender = 0;
    m_sentInPhase = 0;
    m_sendStarted = false;
}

void Worker::startPhaseBatch(const Command &command)
{
    m_phase = Phase::SendBatch;
    m_command = command;
    const int64_t now = nowNs();
    m_batchBusy = 0;
    for (auto &c : m_conns) {
        if (c.spec.role != WriterRole || c.state != State::Ready)
            continue;
        c.batchLeft = command.count;
        while (c.batchLeft > 0 && c.inFlight < command.window) {
            --c.batchLeft;
            sendMessage(c, now);
        }
        if (c.inFlight > 0)
            ++m_batchBusy;
    }
    if (m_batchBusy == 0)
        endPhase(false);
}

void Worker::drop(const Command &command)
{
    for (auto &c : m_conns) {
        if (!(command.roles & c.spec.role) || c.fd < 0)
            continue;
        closeSocket(c, m_options.dropWithReset);
        c.state = State::Dropped;
    }
}

void Worker::endPhase(bool timedOut)
{
    const Phase phase = m_phase;
    m_phase = Phase::None;
    m_queue.clear();
    m_retrying.clear();
    switch (phase) {
    case Phase::Connect:
        reply(Op::Connect, m_command.seq, timedOut);
        break;
    case Phase::Send:
        reply(Op::Send, m_command.seq, timedOut);
        break;
    case Phase::SendBatch:
        reply(Op::SendBatch, m_command.seq, timedOut);
        break;
    case Phase::None:
        break;
    }
}

// ---------------------------------------------------------------------------------------------
// The periodic part of the loop: connection slots, retries, timeouts, pacing, deadlines.

void Worker::pump(int64_t now)
{
    if (m_phase == Phase::Connect) {
        if (!m_retrying.empty()) {
            auto due = std::partition(m_retrying.begin(), m_retrying.end(),
                                      [&](uint32_t i) { return m_conns[i].retryAtNs > now; });
            for (auto it = due; it != m_retrying.end(); ++it)
                m_queue.push_back(*it);
            m_retrying.erase(due, m_retrying.end());
        }
        const uint32_t limit = m_command.concurrency ? m_command.concurrency : UINT32_MAX;
        while (!m_queue.empty() && m_handshaking < limit) {
            const uint32_t i = m_queue.front();
            m_queue.pop_front();
            startAttempt(i);
        }
    }

    if (now - m_lastScanNs >= ScanIntervalNs) {
        m_lastScanNs = now;
        const int64_t attemptBound = int64_t(m_options.connectTimeout * double(NsPerSec));
        for (auto &c : m_conns) {
            if (isHandshaking(uint8_t(c.state)) && now - c.attemptNs > attemptBound)
                fail(c, FailTimeout);
        }
    }

    if (m_phase == Phase::Send)
        pumpSend(now);

    if (m_phase != Phase::None && m_phase != Phase::Send && now >= m_command.deadlineNs) {
        for (auto &c : m_conns) {
            if (!c.inPhase)
                continue;
            c.inPhase = false;
            if (c.state != State::Ready) {
                ++m_counters.failed;
                ++m_counters.failures[FailTimeout];
                if (isHandshaking(uint8_t(c.state)) || c.state == State::RetryWait) {
                    closeSocket(c, false);
                    c.state = State::Failed;
                }
            } else if (m_command.useSince && !c.caughtUp) {
                ++m_counters.historyIncomplete;
            }
        }
        m_remaining = 0;
        endPhase(true);
    }
}

void Worker::pumpSend(int64_t now)
{
    if (now < m_command.startNs)
        return;
    if (!m_sendStarted) {
        m_sendStarted = true;
        if (m_command.rate <= 0) {
            for (const uint32_t i : m_senders) {
                Conn &c = m_conns[i];
                while (c.state == State::Ready && c.inFlight < m_command.window)
                    sendMessage(c, now);
            }
        }
    }
    if (now >= m_command.endNs) {
        endPhase(false);
        return;
    }
    if (m_command.rate <= 0 || m_senders.empty())
        return;
    const auto due = uint64_t(double(now - m_command.startNs) * m_command.rate / double(NsPerSec));
    while (m_sentInPhase < due) {
        Conn *chosen = nullptr;
        for (size_t probe = 0; probe < m_senders.size(); ++probe) {
            Conn &c = m_conns[m_senders[m_nextSender]];
            m_nextSender = (m_nextSender + 1) % m_senders.size();
            if (c.state == State::Ready && c.inFlight < m_command.window) {
                chosen = &c;
                break;
            }
        }
        if (!chosen) {
            // Every window is full: the server is behind. Falling further behind to catch
            // up later would only measure the generator's burst, so these sends are skipped.
            m_counters.skipped += due - m_sentInPhase;
            m_sentInPhase = due;
            break;
        }
        sendMessage(*chosen, now);
        ++m_sentInPhase;
    }
}

// ---------------------------------------------------------------------------------------------
// Connection life cycle.

void Worker::startAttempt(uint32_t index)
{
    Conn &c = m_conns[index];
    const int64_t now = nowNs();
    c.attemptNs = now;
    if (c.firstAttemptNs == 0)
        c.firstAttemptNs = now;
    ++m_counters.attempts;
    c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) {
        ++m_handshaking;
        c.state = State::TcpConnecting;
        fail(c, FailOther);
        return;
    }
    const int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (m_bindSources) {
        setsockopt(c.fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
        sockaddr_in source{};
        source.sin_family = AF_INET;
        source.sin_addr.s_addr
                = htonl((127u << 24) + 1u + c.spec.globalIndex / uint32_t(m_options.perSource));
        if (::bind(c.fd, reinterpret_cast<sockaddr *>(&source), sizeof source) < 0) {
            ++m_handshaking;
            c.state = State::TcpConnecting;
            fail(c, FailNoPort);
            return;
        }
    }
    sockaddr_in target{};
    target.sin_family = AF_INET;
    target.sin_addr = m_options.host;
    target.sin_port = htons(m_options.port);
    ++m_handshaking;
    c.state = State::TcpConnecting;
    if (::connect(c.fd, reinterpret_cast<sockaddr *>(&target), sizeof target) < 0
        && errno != EINPROGRESS) {
        fail(c,
             errno == ECONNREFUSED            ? FailRefused
                     : errno == EADDRNOTAVAIL ? FailNoPort
                                              : FailOther);
        return;
    }
    epoll_event ev{};
    ev.events = EPOLLOUT | EPOLLIN;
    ev.data.u64 = index;
    if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, c.fd, &ev) < 0)
        fail(c, FailOther);
}

void Worker::onEvent(uint32_t index, uint32_t events)
{
    if (index >= m_conns.size())
        return;
    Conn &c = m_conns[index];
    if (c.fd < 0)
        return;
    if (c.state == State::TcpConnecting) {
        if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
            onConnected(c);
        return;
    }
    const uint32_t generation = c.generation;
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
        onReadable(c);
    if (c.generation == generation && c.fd >= 0 && (events & EPOLLOUT))
        onWritable(c);
}

void Worker::onConnected(Conn &c)
{
    int error = 0;
    socklen_t length = sizeof error;
    getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) {
        fail(c, error == ECONNREFUSED ? FailRefused : error == ECONNRESET ? FailReset : FailOther);
        return;
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = uint64_t(&c - m_conns.data());
    epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &ev);
    c.state = State::Upgrading;
    c.key = ws::makeKey((uint64_t(random32()) << 32) | random32(),
                        (uint64_t(random32()) << 32) | random32());
    const std::string host = m_options.hostText + ":" + std::to_string(m_options.port);
    const std::string request
            = ws::upgradeRequest(host, m_options.path + "?EIO=4&transport=websocket", c.key);
    writeOut(c, request.data(), request.size());
}

void Worker::onReadable(Conn &c)
{
    const uint32_t generation = c.generation;
    for (int round = 0; round < 8; ++round) {
        const ssize_t n = ::recv(c.fd, m_scratch.data(), m_scratch.size(), 0);
        if (n == 0) {
            fail(c, c.state == State::Ready ? FailServerClosed : FailReset);
            return;
        }
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR)
                return;
            fail(c, FailReset);
            return;
        }
        if (c.in.empty() && c.state != State::Upgrading) {
            consume(c, m_scratch.data(), size_t(n), false);
        } else {
            c.in.append(m_scratch.data(), size_t(n));
            if (c.state == State::Upgrading && !parseUpgrade(c))
                return;
            if (c.generation != generation)
                return;
            if (!c.in.empty())
                consume(c, c.in.data(), c.in.size(), true);
        }
        if (c.generation != generation || size_t(n) < m_scratch.size())
            return;
    }
}

bool Worker::parseUpgrade(Conn &c)
{
    size_t headerLength = 0;
    switch (ws::checkUpgradeResponse(c.in, c.key, headerLength)) {
    case ws::UpgradeResult::Incomplete:
        if (c.in.size() > MaxUpgradeResponse)
            fail(c, FailHttp);
        return false;
    case ws::UpgradeResult::Refused:
        fail(c, FailHttp);
        return false;
    case ws::UpgradeResult::Accepted:
        break;
    }
    c.in.erase(0, headerLength);
    std::string().swap(c.key);
    c.state = State::WaitOpen;
    return true;
}

void Worker::consume(Conn &c, char *data, size_t length, bool fromBuffer)
{
    const uint32_t generation = c.generation;
    size_t pos = 0;
    while (pos < length) {
        ws::Header header;
        const auto result = ws::parseHeader(reinterpret_cast<const uint8_t *>(data + pos),
                                            length - pos, header);
        if (result == ws::ParseResult::Incomplete)
            break;
        if (result == ws::ParseResult::Invalid || header.payloadLength > MaxMessage) {
            fail(c, FailProtocol);
            return;
        }
        if (length - pos - header.headerLength < header.payloadLength)
            break;
        char *payload = data + pos + header.headerLength;
        const size_t payloadLength = size_t(header.payloadLength);
        if (header.masked)
            ws::mask(payload, payloadLength, header.maskKey);
        pos += header.headerLength + payloadLength;
        onFrame(c, header.opcode, header.fin, std::string_view(payload, payloadLength));
        if (c.generation != generation)
            return; // closed: data may be gone
    }
    if (fromBuffer) {
        c.in.erase(0, pos);
    } else if (pos < length) {
        c.in.assign(data + pos, length - pos);
    }
    if (c.in.empty() && c.in.capacity() > 4096)
        std::string().swap(c.in); // idle connections keep no buffer
}

void Worker::onFrame(Conn &c, uint8_t opcode, bool fin, std::string_view payload)
{
    switch (opcode) {
    case ws::Ping: {
        m_frame.clear();
        ws::appendFrame(m_frame, ws::Pong, payload, random32());
        writeOut(c, m_frame.data(), m_frame.size());
        return;
    }
    case ws::Pong:
        return;
    case ws::Close:
        fail(c, c.state == State::Ready ? FailServerClosed : FailProtocol);
        return;
    case ws::Continuation:
        if (c.fragOpcode == 0) {
            fail(c, FailProtocol);
            return;
        }
        c.frag.append(payload);
        if (c.frag.size() > MaxMessage) {
            fail(c, FailProtocol);
            return;
        }
        if (fin) {
            const uint8_t messageOpcode = c.fragOpcode;
            c.fragOpcode = 0;
            std::string message;
            message.swap(c.frag);
            if (messageOpcode == ws::Text)
                onEngineText(c, message);
        }
        return;
    case ws::Text:
    case ws::Binary:
        if (c.fragOpcode != 0) {
            fail(c, FailProtocol);
            return;
        }
        if (!fin) {
            c.fragOpcode = opcode;
            c.frag.assign(payload);
            return;
        }
        if (opcode == ws::Text)
            onEngineText(c, payload);
        return;
    default:
        fail(c, FailProtocol);
    }
}

void Worker::onEngineText(Conn &c, std::string_view text)
{
    if (text.empty()) {
        fail(c, FailProtocol);
        return;
    }
    switch (text[0]) {
    case '0': // open
        if (c.state == State::WaitOpen)
            sendConnect(c);
        return;
    case '1': // close
        fail(c, c.state == State::Ready ? FailServerClosed : FailProtocol);
        return;
    case '2': { // ping: the pong echoes its data
        m_text.clear();
        m_text += '3';
        m_text.append(text.data() + 1, text.size() - 1);
        sendText(c, m_text);
        return;
    }
    case '4':
        onSocketIo(c, text.substr(1));
        return;
    default:
        return; // pong, upgrade, noop
    }
}

void Worker::onSocketIo(Conn &c, std::string_view packet)
{
    if (packet.empty())
        return;
    const char type = packet[0];
    size_t pos = 1;
    if (pos < packet.size() && packet[pos] == '/') {
        const size_t comma = packet.find(',', pos);
        if (comma == std::string_view::npos)
            return; // another namespace, no payload: not ours
        if (packet.substr(pos, comma - pos) != "/")
            return;
        pos = comma + 1;
    }
    uint64_t id = UINT64_MAX;
    if (pos < packet.size() && packet[pos] >= '0' && packet[pos] <= '9') {
        id = 0;
        while (pos < packet.size() && packet[pos] >= '0' && packet[pos] <= '9')
            id = id * 10 + uint64_t(packet[pos++] - '0');
    }
    const std::string_view data = packet.substr(pos);
    switch (type) {
    case '0': // CONNECT
        if (c.state != State::WaitConnect)
            return;
        if (c.spec.room < 0)
            becomeReady(c);
        else
            sendJoin(c);
        return;
    case '1': // DISCONNECT
        fail(c, c.state == State::Ready ? FailServerClosed : FailConnectError);
        return;
    case '2': // EVENT
        onSocketEvent(c, data);
        return;
    case '3': // ACK
        if (id != UINT64_MAX)
            onAck(c, id, data);
        return;
    case '4': { // CONNECT_ERROR
        const auto message = json::member(data, "message");
        const auto text = message ? json::toString(*message) : std::nullopt;
        fail(c,
             text == "unauthorized"                   ? FailUnauthorized
                     : text == "too_many_connections" ? FailTooMany
                                                      : FailConnectError);
        return;
    }
    default:
        return;
    }
}

void Worker::onSocketEvent(Conn &c, std::string_view data)
{
    // Fast path: a delivery, the one event that arrives at fan-out rates.
    static constexpr std::string_view messageNew = "[\"message:new\",";
    if (data.substr(0, messageNew.size()) == messageNew) {
        const size_t end = json::valueEnd(data, messageNew.size());
        if (end != json::npos)
            onMessageNew(c, data.substr(messageNew.size(), end - messageNew.size()));
        return;
    }
    static constexpr std::string_view history = "[\"room:history\",";
    if (data.substr(0, history.size()) == history) {
        const size_t end = json::valueEnd(data, history.size());
        if (end != json::npos)
            onHistory(c, data.substr(history.size(), end - history.size()));
    }
}

void Worker::onMessageNew(Conn &c, std::string_view message)
{
    const int64_t now = nowNs();
    if (const auto id = json::member(message, "id")) {
        if (const auto value = json::toInt(*id))
            c.lastSeenId = std::max(c.lastSeenId, *value);
    }
    const auto text = json::member(message, "message");
    if (!text || text->size() < 4 || text->substr(0, 3) != "\"#B") {
        ++m_counters.foreign;
        return;
    }
    int64_t sentNs = 0;
    for (size_t i = 3; i < text->size() && (*text)[i] >= '0' && (*text)[i] <= '9'; ++i)
        sentNs = sentNs * 10 + ((*text)[i] - '0');
    m_report.delivery.record((now - sentNs) / 1000);
    ++m_counters.delivered;
    m_counters.lastDeliveryNs = now;
}

void Worker::onHistory(Conn &c, std::string_view payload)
{
    int64_t newest = 0;
    if (const auto messages = json::member(payload, "messages")) {
        json::forEachElement(*messages, [&](std::string_view message) {
            if (const auto id = json::member(message, "id")) {
                if (const auto value = json::toInt(*id))
                    newest = std::max(newest, *value);
            }
        });
    }
    const int64_t before = c.lastSeenId;
    c.lastSeenId = std::max(c.lastSeenId, newest);
    if (!c.inPhase || !m_command.useSince || c.caughtUp || c.spec.room < 0)
        return;
    const int64_t target = m_command.targets[c.spec.room];
    if (newest >= target || (newest == 0 && before >= target)) {
        c.caughtUp = true;
        maybeDone(c);
    } else if (const auto more = json::member(payload, "hasMore"); more && *more == "true") {
        ++m_counters.historyIncomplete;
    }
}

void Worker::onAck(Conn &c, uint64_t id, std::string_view data)
{
    const int64_t now = nowNs();
    const auto result = json::element(data, 0);
    const bool ok = result && json::member(*result, "ok") == std::string_view("true");

    if (id == c.joinAckId) {
        c.joinAckId = UINT64_MAX;
        if (c.state != State::Joining)
            return;
        const auto room = result ? json::member(*result, "room") : std::nullopt;
        const auto roomId = room ? json::member(*room, "id") : std::nullopt;
        const auto value = roomId ? json::toInt(*roomId) : std::nullopt;
        if (!ok || !value) {
            fail(c, FailJoin);
            return;
        }
        c.roomId = *value;
        becomeReady(c);
        return;
    }

    auto it = c.pending.begin();
    while (it != c.pending.end() && it->first != id)
        ++it;
    if (it == c.pending.end())
        return;
    m_report.ack.record((now - it->second) / 1000);
    c.pending.erase(it);
    --c.inFlight;
    m_counters.lastAckNs = now;
    if (ok) {
        ++m_counters.acked;
        if (c.spec.role == WriterRole && c.spec.room >= 0) {
            if (const auto messageId = json::member(*result, "id")) {
                if (const auto value = json::toInt(*messageId)) {
                    int64_t &last = m_counters.lastAckedId[c.spec.room];
                    last = std::max(last, *value);
                }
            }
        }
    } else {
        ++m_counters.refused;
        if (c.spec.room >= 0)
            ++m_counters.refusedPerRoom[c.spec.room];
        const auto error = result ? json::member(*result, "error") : std::nullopt;
        const auto code = error ? json::member(*error, "code") : std::nullopt;
        if (code == std::string_view("\"rate_limited\""))
            ++m_counters.refusals[RefusedRateLimited];
        else if (code == std::string_view("\"forbidden\""))
            ++m_counters.refusals[RefusedForbidden];
        else if (code == std::string_view("\"invalid_payload\""))
            ++m_counters.refusals[RefusedInvalid];
        else
            ++m_counters.refusals[RefusedOther];
    }

    if (m_phase == Phase::Send && m_command.rate <= 0 && c.spec.sender && m_sendStarted
        && now < m_command.endNs && c.state == State::Ready) {
        sendMessage(c, now);
    } else if (m_phase == Phase::SendBatch && c.spec.role == WriterRole) {
        if (c.batchLeft > 0 && c.state == State::Ready) {
            --c.batchLeft;
            sendMessage(c, now);
        } else if (c.inFlight == 0 && --m_batchBusy == 0) {
            endPhase(false);
        }
    }
}

void Worker::sendConnect(Conn &c)
{
    TokenClaims claims;
    claims.userId = m_options.userBase + int64_t(c.spec.globalIndex);
    claims.name = "bench " + std::to_string(c.spec.globalIndex);
    claims.exp = wallSeconds() + TokenLifetimeSec;
    m_text.assign("40{\"token\":\"");
    m_text += mintToken(m_options.jwtSecret, claims);
    m_text += "\"}";
    c.state = State::WaitConnect;
    sendText(c, m_text);
}

void Worker::sendJoin(Conn &c)
{
    c.joinAckId = c.nextAckId++;
    m_text.assign("42");
    m_text += std::to_string(c.joinAckId);
    m_text += "[\"room:join\",{\"roomSlug\":";
    json::appendQuoted(m_text, m_options.roomSlugs[size_t(c.spec.room)]);
    if (c.inPhase && m_command.useSince) {
        m_text += ",\"since\":";
        m_text += std::to_string(c.lastSeenId);
    }
    m_text += "}]";
    c.state = State::Joining;
    sendText(c, m_text);
}

void Worker::sendMessage(Conn &c, int64_t now)
{
    const uint64_t ackId = c.nextAckId++;
    const uint32_t seq = c.seq++;
    char head[96];
    const int headLength
            = std::snprintf(head, sizeof head, "#B%lld:%u:%u:", static_cast<long long>(now),
                            c.spec.globalIndex, seq);
    m_text.assign("42");
    m_text += std::to_string(ackId);
    m_text += "[\"message:send\",{\"roomId\":";
    m_text += std::to_string(c.roomId);
    m_text += ",\"message\":\"";
    m_text.append(head, size_t(headLength));
    if (m_options.messageSize > headLength)
        m_text.append(size_t(m_options.messageSize - headLength), 'x');
    m_text += "\",\"type\":\"text\",\"clientId\":\"b";
    m_text += std::to_string(c.spec.globalIndex);
    m_text += '-';
    m_text += std::to_string(seq);
    m_text += "\"}]";
    c.pending.emplace_back(ackId, now);
    ++c.inFlight;
    ++m_counters.sent;
    if (c.spec.room >= 0)
        ++m_counters.sentPerRoom[c.spec.room];
    if (m_counters.firstSendNs == 0)
        m_counters.firstSendNs = now;
    m_counters.lastSendNs = now;
    sendText(c, m_text);
}

void Worker::sendText(Conn &c, std::string_view text)
{
    m_frame.clear();
    ws::appendFrame(m_frame, ws::Text, text, random32());
    writeOut(c, m_frame.data(), m_frame.size());
}

void Worker::writeOut(Conn &c, const char *data, size_t length)
{
    if (c.fd < 0)
        return;
    if (!c.out.empty()) {
        c.out.append(data, length);
        return;
    }
    ssize_t n = ::send(c.fd, data, length, MSG_NOSIGNAL);
    if (n == ssize_t(length))
        return;
    if (n < 0) {
        if (errno != EAGAIN && errno != EINTR) {
            fail(c, FailReset);
            return;
        }
        n = 0;
    }
    c.out.assign(data + n, length - size_t(n));
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.u64 = uint64_t(&c - m_conns.data());
    epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &ev);
}

void Worker::onWritable(Conn &c)
{
    if (c.out.empty())
        return;
    const ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (n < 0) {
        if (errno != EAGAIN && errno != EINTR)
            fail(c, FailReset);
        return;
    }
    c.out.erase(0, size_t(n));
    if (c.out.empty()) {
        std::string().swap(c.out);
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = uint64_t(&c - m_conns.data());
        epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &ev);
    }
}

void Worker::becomeReady(Conn &c)
{
    if (isHandshaking(uint8_t(c.state)))
        --m_handshaking;
    c.state = State::Ready;
    if (c.inPhase && m_phase == Phase::Connect)
        m_counters.lastReadyNs = std::max(m_counters.lastReadyNs, nowNs());
    maybeDone(c);
}

void Worker::maybeDone(Conn &c)
{
    if (!c.inPhase || m_phase != Phase::Connect || c.state != State::Ready)
        return;
    if (m_command.useSince && !c.caughtUp)
        return;
    const int64_t now = nowNs();
    c.inPhase = false;
    if (m_command.useSince) {
        ++m_counters.caughtUp;
        m_counters.lastCaughtUpNs = std::max(m_counters.lastCaughtUpNs, now);
    }
    m_report.ready.record((now - c.firstAttemptNs) / 1000);
    if (--m_remaining == 0)
        endPhase(false);
}

void Worker::closeSocket(Conn &c, bool reset)
{
    if (c.fd >= 0) {
        if (reset) {
            const linger hard{1, 0};
            setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
        }
        ::close(c.fd); // also leaves the epoll set: the fd was never duplicated
        c.fd = -1;
    }
    if (isHandshaking(uint8_t(c.state)))
        --m_handshaking;
    ++c.generation;
    std::string().swap(c.in);
    std::string().swap(c.out);
    std::string().swap(c.frag);
    c.fragOpcode = 0;
    c.pending.clear();
    c.inFlight = 0;
    c.batchLeft = 0;
    c.joinAckId = UINT64_MAX;
    c.state = State::Idle;
}

void Worker::fail(Conn &c, FailReason reason)
{
    const bool wasReady = c.state == State::Ready;
    closeSocket(c, false);
    ++m_counters.failures[reason];
    if (wasReady)
        ++m_counters.closedByServer;
    c.state = State::Failed;
    if (!c.inPhase || m_phase != Phase::Connect)
        return;
    const int64_t now = nowNs();
    if (m_command.retry) {
        // Jittered exponential backoff, as socket.io-client does, so that a storm is not
        // replayed in lockstep.
        const int delay = c.retryDelayMs / 2 + int(random32() % uint32_t(c.retryDelayMs + 1));
        c.retryDelayMs = std::min(MaxRetryDelayMs, c.retryDelayMs * 2);
        const int64_t at = now + int64_t(delay) * NsPerMs;
        if (at < m_command.deadlineNs) {
            ++m_counters.retries;
            c.state = State::RetryWait;
            c.retryAtNs = at;
            m_retrying.push_back(uint32_t(&c - m_conns.data()));
            return;
        }
    }
    finishInPhase(c);
}

void Worker::finishInPhase(Conn &c)
{
    c.inPhase = false;
    ++m_counters.failed;
    if (--m_remaining == 0)
        endPhase(false);
}

} // namespace bench
