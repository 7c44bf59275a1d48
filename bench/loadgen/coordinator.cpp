// SPDX-License-Identifier: MIT
#include "coordinator.h"

#include "clock.h"
#include "report.h"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace bench {

namespace {

constexpr int64_t ReplyGraceNs = 5 * NsPerSec;
constexpr double DrainPollSeconds = 0.05;

double seconds(int64_t ns)
{
    return double(ns) / double(NsPerSec);
}

struct GeneratorUsage
{
    double cpuSeconds = 0;
    double maxUtilisation = 0; //!< of one core, over the measured window
    uint64_t wakeups = 0;
    uint64_t events = 0;
};

// Each worker is one single-threaded process: near 100 % of a core, it, not the server,
// sets the pace, and the figures would be the generator's.
constexpr double SaturatedUtilisation = 0.85;

GeneratorUsage generatorUsage(const std::vector<Report> &before, const std::vector<Report> &after,
                              int64_t windowNs)
{
    GeneratorUsage usage;
    for (const auto &a : after) {
        double start = 0;
        uint64_t wakeups = 0, events = 0;
        for (const auto &b : before) {
            if (b.worker == a.worker) {
                start = b.counters.cpuSeconds;
                wakeups = b.counters.wakeups;
                events = b.counters.events;
            }
        }
        const double used = a.counters.cpuSeconds - start;
        usage.wakeups += a.counters.wakeups - wakeups;
        usage.events += a.counters.events - events;
        usage.cpuSeconds += used;
        if (windowNs > 0)
            usage.maxUtilisation = std::max(usage.maxUtilisation, used / seconds(windowNs));
    }
    return usage;
}

std::string generatorJson(const GeneratorUsage &usage, int workers)
{
    JsonLine line;
    line.add("workers", workers)
            .add("cpu_s", usage.cpuSeconds, 3)
            .add("max_core_utilisation", usage.maxUtilisation, 3)
            .add("events_per_wakeup",
                 usage.wakeups ? double(usage.events) / double(usage.wakeups) : 0.0, 2)
            .add("saturated", usage.maxUtilisation > SaturatedUtilisation);
    return line.text();
}

//! Failed attempts by reason, since \a since when given.
std::string failuresJson(const Counters &c, const Counters *since = nullptr)
{
    JsonLine line;
    for (int i = 0; i < FailReasonCount; ++i) {
        const uint64_t count = c.failures[i] - (since ? since->failures[i] : 0);
        if (count)
            line.add(failReasonName(i), count);
    }
    return line.text();
}

std::string refusalsJson(const Counters &c)
{
    static const char *const names[RefusalCount]
            = {"rate_limited", "forbidden", "invalid_payload", "other"};
    JsonLine line;
    for (int i = 0; i < RefusalCount; ++i) {
        if (c.refusals[i])
            line.add(names[i], c.refusals[i]);
    }
    return line.text();
}

double perSecond(uint64_t count, int64_t fromNs, int64_t toNs)
{
    if (count == 0 || toNs <= fromNs)
        return 0;
    return double(count) / seconds(toNs - fromNs);
}

} // namespace

Report mergeReports(const std::vector<Report> &reports)
{
    Report merged;
    Counters &m = merged.counters;
    for (const auto &r : reports) {
        const Counters &c = r.counters;
        merged.timedOut |= r.timedOut;
        m.attempts += c.attempts;
        m.ready += c.ready;
        m.failed += c.failed;
        m.retries += c.retries;
        m.closedByServer += c.closedByServer;
        m.caughtUp += c.caughtUp;
        m.historyIncomplete += c.historyIncomplete;
        m.lastReadyNs = std::max(m.lastReadyNs, c.lastReadyNs);
        m.lastCaughtUpNs = std::max(m.lastCaughtUpNs, c.lastCaughtUpNs);
        for (int i = 0; i < FailReasonCount; ++i)
            m.failures[i] += c.failures[i];
        for (int i = 0; i < MaxRooms; ++i) {
            m.readyPerRoom[i] += c.readyPerRoom[i];
            m.sentPerRoom[i] += c.sentPerRoom[i];
            m.refusedPerRoom[i] += c.refusedPerRoom[i];
            m.lastAckedId[i] = std::max(m.lastAckedId[i], c.lastAckedId[i]);
        }
        for (int i = 0; i < RefusalCount; ++i)
            m.refusals[i] += c.refusals[i];
        m.sent += c.sent;
        m.acked += c.acked;
        m.refused += c.refused;
        m.skipped += c.skipped;
        m.delivered += c.delivered;
        m.foreign += c.foreign;
        if (c.firstSendNs && (!m.firstSendNs || c.firstSendNs < m.firstSendNs))
            m.firstSendNs = c.firstSendNs;
        m.lastSendNs = std::max(m.lastSendNs, c.lastSendNs);
        m.lastAckNs = std::max(m.lastAckNs, c.lastAckNs);
        m.lastDeliveryNs = std::max(m.lastDeliveryNs, c.lastDeliveryNs);
        m.cpuSeconds += c.cpuSeconds;
        m.wakeups += c.wakeups;
        m.events += c.events;
        m.reportNs = std::max(m.reportNs, c.reportNs);
        merged.delivery.merge(r.delivery);
        merged.ack.merge(r.ack);
        merged.ready.merge(r.ready);
    }
    return merged;
}

Coordinator::Coordinator(const Options &options) : m_options(options) { }

Coordinator::~Coordinator()
{
    shutdown();
}

std::vector<std::vector<ConnSpec>> Coordinator::plan(bool withWriters) const
{
    std::vector<std::vector<ConnSpec>> result(static_cast<size_t>(m_workerCount));
    const auto n = uint32_t(m_options.connections);
    const bool sends
            = m_options.scenario == Scenario::Fanout || m_options.scenario == Scenario::Persist;
    for (uint32_t g = 0; g < n; ++g) {
        ConnSpec spec;
        spec.globalIndex = g;
        spec.role = MemberRole;
        spec.room = int8_t(m_options.rooms > 0 ? int(g % uint32_t(m_options.rooms)) : -1);
        // Senders are the first S connections: round-robin over the rooms and the workers.
        spec.sender = sends && g < uint32_t(m_options.senders);
        result[g % uint32_t(m_workerCount)].push_back(spec);
    }
    if (withWriters) {
        for (int r = 0; r < m_options.rooms; ++r) {
            ConnSpec spec;
            spec.globalIndex = n + uint32_t(r);
            spec.role = WriterRole;
            spec.room = int8_t(r);
            result[0].push_back(spec);
        }
    }
    return result;
}

int64_t Coordinator::phaseDeadline(int64_t from) const
{
    return from + int64_t(m_options.timeout * double(NsPerSec));
}

bool Coordinator::spawn(const std::vector<std::vector<ConnSpec>> &plan)
{
    const pid_t parent = getpid();
    std::fflush(nullptr); // a child must not flush the parent's buffered output again
    for (size_t w = 0; w < plan.size(); ++w) {
        int pair[2];
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0) {
            m_error = std::string("socketpair: ") + std::strerror(errno);
            return false;
        }
        const int buffer = 4 * int(sizeof(Report));
        for (const int fd : pair) {
            setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
        }
        const pid_t pid = fork();
        if (pid < 0) {
            m_error = std::string("fork: ") + std::strerror(errno);
            ::close(pair[0]);
            ::close(pair[1]);
            return false;
        }
        if (pid == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != parent)
                _exit(4);
            ::close(pair[0]);
            for (const auto &other : m_workers)
                ::close(other.fd);
            int status;
            {
                Worker worker(m_options, uint32_t(w), pair[1], plan[w]);
                status = worker.run(m_hardDeadlineNs);
            }
            std::fflush(nullptr);
            _exit(status);
        }
        ::close(pair[1]);
        m_workers.push_back({pid, pair[0]});
    }
    return true;
}

bool Coordinator::call(Command command, int64_t waitUntilNs, std::vector<Report> &reports,
                       const Customize &customize)
{
    command.seq = ++m_seq;
    reports.assign(m_workers.size(), Report());
    std::vector<bool> done(m_workers.size(), false);
    for (size_t w = 0; w < m_workers.size(); ++w) {
        Command own = command;
        if (customize)
            customize(uint32_t(w), own);
        if (::send(m_workers[w].fd, &own, sizeof own, MSG_NOSIGNAL) != ssize_t(sizeof own)) {
            m_error = "a worker is gone";
            return false;
        }
    }
    size_t remaining = m_workers.size();
    std::vector<pollfd> fds(m_workers.size());
    while (remaining > 0) {
        const int64_t now = nowNs();
        if (now >= waitUntilNs) {
            m_error = "workers did not report in time";
            return false;
        }
        for (size_t w = 0; w < m_workers.size(); ++w)
            fds[w] = {m_workers[w].fd, short(done[w] ? 0 : POLLIN), 0};
        const int timeoutMs = int(std::min<int64_t>((waitUntilNs - now) / NsPerMs + 1, 1000));
        if (poll(fds.data(), fds.size(), timeoutMs) < 0 && errno != EINTR) {
            m_error = "poll failed";
            return false;
        }
        for (size_t w = 0; w < m_workers.size(); ++w) {
            if (done[w] || !(fds[w].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            Report &report = reports[w];
            const ssize_t n = ::recv(m_workers[w].fd, &report, sizeof report, 0);
            if (n != ssize_t(sizeof report)) {
                m_error = "a worker ended early (see its message above)";
                return false;
            }
            if (report.seq != command.seq)
                continue; // a late report of an earlier phase
            done[w] = true;
            --remaining;
        }
    }
    return true;
}

bool Coordinator::stats(std::vector<Report> &reports)
{
    Command command;
    command.op = Op::Stats;
    return call(command, nowNs() + ReplyGraceNs, reports);
}

void Coordinator::shutdown()
{
    Command quit;
    quit.op = Op::Quit;
    for (auto &w : m_workers) {
        ::send(w.fd, &quit, sizeof quit, MSG_NOSIGNAL);
        ::close(w.fd);
        w.fd = -1;
    }
    const int64_t until = nowNs() + ReplyGraceNs;
    for (auto &w : m_workers) {
        while (w.pid > 0) {
            const pid_t r = waitpid(w.pid, nullptr, WNOHANG);
            if (r == w.pid || (r < 0 && errno != EINTR)) {
                w.pid = -1;
                break;
            }
            if (nowNs() >= until) {
                kill(w.pid, SIGKILL);
                waitpid(w.pid, nullptr, 0);
                w.pid = -1;
                break;
            }
            sleepFor(0.01);
        }
    }
    m_workers.clear();
}

ProcSample Coordinator::sampleServer() const
{
    return sampleProcesses(m_options.serverPids);
}

void Coordinator::sleepFor(double secondsToSleep) const
{
    if (secondsToSleep <= 0)
        return;
    timespec ts{};
    ts.tv_sec = time_t(secondsToSleep);
    ts.tv_nsec = long((secondsToSleep - double(ts.tv_sec)) * 1e9);
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) { }
}

int Coordinator::run()
{
    // Each worker holds its connections plus a few descriptors of its own.
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    const int64_t perWorker = std::max<int64_t>(1, int64_t(limit.rlim_cur) - 64);
    const int64_t total = int64_t(m_options.connections) + m_options.rooms;
    m_workerCount = int(std::max<int64_t>(m_options.workers, (total + perWorker - 1) / perWorker));
    if (m_workerCount != m_options.workers && !m_options.quiet) {
        std::fprintf(stderr, "chat-loadgen: %d workers, as %lld descriptors per process allow\n",
                     m_workerCount, static_cast<long long>(perWorker));
    }
    // Everything has a bound: the run as a whole too.
    const double bound = 5 * m_options.timeout + m_options.duration + m_options.drain
            + 3 * m_options.settle + 30;
    m_hardDeadlineNs = nowNs() + int64_t(bound * double(NsPerSec));

    int status = 2;
    switch (m_options.scenario) {
    case Scenario::Connect:
        status = runConnect();
        break;
    case Scenario::Fanout:
        status = runFanout();
        break;
    case Scenario::Storm:
        status = runStorm();
        break;
    case Scenario::Persist:
        status = runPersist();
        break;
    case Scenario::SelfTest:
    case Scenario::MockServer:
        break;
    }
    shutdown();
    if (status == 2)
        std::fprintf(stderr, "chat-loadgen: %s\n", m_error.c_str());
    return status;
}

bool Coordinator::connectMembers(Report &merged, int64_t &startNs, std::vector<Report> &reports)
{
    Command command;
    command.op = Op::Connect;
    command.roles = MemberRole;
    command.concurrency
            = uint32_t(std::max(1, (m_options.concurrency + m_workerCount - 1) / m_workerCount));
    startNs = nowNs();
    command.deadlineNs = phaseDeadline(startNs);
    if (!call(command, command.deadlineNs + ReplyGraceNs, reports))
        return false;
    merged = mergeReports(reports);
    return true;
}

namespace {

JsonLine header(const Options &o)
{
    JsonLine line;
    line.add("case", o.caseName)
            .add("scenario", scenarioName(o.scenario))
            .add("label", o.label)
            .add("date", utcNow())
            .addRaw("machine", machineJson())
            .add("target", o.hostText + ":" + std::to_string(o.port));
    return line;
}

void printResult(const JsonLine &line)
{
    std::printf("%s\n", line.text().c_str());
    std::fflush(stdout);
}

std::string label(const Options &o)
{
    return o.label.empty() ? std::string() : " [" + o.label + "]";
}

} // namespace

int Coordinator::runConnect()
{
    if (!spawn(plan(false)))
        return 2;
    const ProcSample before = sampleServer();
    Report merged;
    int64_t startNs = 0;
    std::vector<Report> reports;
    if (!connectMembers(merged, startNs, reports))
        return 2;
    const int64_t connectedNs = nowNs();
    sleepFor(m_options.settle);
    const ProcSample after = sampleServer();
    std::vector<Report> end;
    if (!stats(end))
        return 2;
    const Report now = mergeReports(end);
    const Counters &c = merged.counters;
    const uint64_t ready = now.counters.ready;
    const double connectSeconds = c.lastReadyNs > 0 ? seconds(c.lastReadyNs - startNs) : NAN;
    const auto usage = generatorUsage({}, reports, connectedNs - startNs);
    const bool ok = c.failed == 0 && ready == uint64_t(m_options.connections) && !merged.timedOut;

    JsonLine line = header(m_options);
    line.add("connections", m_options.connections)
            .add("rooms", m_options.rooms)
            .add("connected", ready)
            .add("failed", c.failed)
            .addRaw("failures", failuresJson(c))
            .add("connect_time_s", connectSeconds, 3)
            .add("connects_per_s", perSecond(ready, startNs, c.lastReadyNs), 1)
            .addLatency("connect_latency_ms", merged.ready);
    if (before.ok && after.ok) {
        const int64_t grown = after.rssKb - before.rssKb;
        line.add("server_rss_before_kb", before.rssKb)
                .add("server_rss_after_kb", after.rssKb)
                .add("server_rss_per_connection_kb", ready ? double(grown) / double(ready) : NAN, 2)
                .add("server_cpu_s", after.cpuSeconds - before.cpuSeconds, 3);
    } else {
        line.addNull("server_rss_before_kb")
                .addNull("server_rss_after_kb")
                .addNull("server_rss_per_connection_kb")
                .addNull("server_cpu_s");
    }
    line.addRaw("generator", generatorJson(usage, m_workerCount)).add("ok", ok);
    printResult(line);

    if (!m_options.quiet) {
        std::fprintf(stderr,
                     "connect%s: %llu/%d connections joined in %.3f s (%llu failed), "
                     "p50 %.1f ms p99 %.1f ms\n",
                     label(m_options).c_str(), static_cast<unsigned long long>(ready),
                     m_options.connections, connectSeconds,
                     static_cast<unsigned long long>(c.failed),
                     double(merged.ready.percentile(50)) / 1000.0,
                     double(merged.ready.percentile(99)) / 1000.0);
        if (before.ok && after.ok && ready) {
            std::fprintf(stderr, "  server RSS %lld -> %lld KB: %.2f KB per connection\n",
                         static_cast<long long>(before.rssKb), static_cast<long long>(after.rssKb),
                         double(after.rssKb - before.rssKb) / double(ready));
        }
        if (usage.maxUtilisation > SaturatedUtilisation)
            std::fprintf(stderr, "  warning: the generator was saturated; add --workers\n");
    }
    return ok ? 0 : 1;
}

bool Coordinator::sendAndDrain(bool waitForDeliveries, Report &merged, std::vector<Report> &before,
                               int64_t &startNs, int64_t &drainEndNs)
{
    if (!stats(before))
        return false;
    const auto workerPlan = plan(false);
    std::vector<int> senders(workerPlan.size(), 0);
    for (size_t w = 0; w < workerPlan.size(); ++w) {
        for (const auto &spec : workerPlan[w])
            senders[w] += spec.sender ? 1 : 0;
    }
    Command command;
    command.op = Op::Send;
    command.window = uint32_t(m_options.window);
    command.reset = 1;
    // A common start a little ahead, so that every worker begins in the same millisecond.
    startNs = nowNs() + 20 * NsPerMs;
    command.startNs = startNs;
    command.endNs = startNs + int64_t(m_options.duration * double(NsPerSec));
    std::vector<Report> reports;
    const int totalSenders = std::max(1, m_options.senders);
    if (!call(command, command.endNs + ReplyGraceNs, reports, [&](uint32_t w, Command &own) {
            own.rate = m_options.rate * double(senders[w]) / double(totalSenders);
        }))
        return false;
    const int64_t drainUntil = command.endNs + int64_t(m_options.drain * double(NsPerSec));
    for (;;) {
        if (!stats(reports))
            return false;
        merged = mergeReports(reports);
        const Counters &c = merged.counters;
        bool complete = c.acked + c.refused >= c.sent;
        if (waitForDeliveries) {
            uint64_t expected = 0;
            for (int r = 0; r < MaxRooms; ++r)
                expected += (c.sentPerRoom[r] - c.refusedPerRoom[r]) * c.readyPerRoom[r];
            complete = complete && c.delivered >= expected;
        }
        drainEndNs = nowNs();
        if (complete || drainEndNs >= drainUntil)
            break;
        sleepFor(DrainPollSeconds);
    }
    m_lastReports = reports; // per worker, for the CPU accounting

    return true;
}

int Coordinator::runFanout()
{
    if (!spawn(plan(false)))
        return 2;
    Report connected;
    int64_t connectStart = 0;
    std::vector<Report> reports;
    if (!connectMembers(connected, connectStart, reports))
        return 2;
    sleepFor(m_options.settle);

    const ProcSample serverBefore = sampleServer();
    Report merged;
    std::vector<Report> before;
    int64_t startNs = 0, drainEndNs = 0;
    if (!sendAndDrain(true, merged, before, startNs, drainEndNs))
        return 2;
    const ProcSample serverAfter = sampleServer();

    const Counters &c = merged.counters;
    uint64_t expected = 0;
    for (int r = 0; r < MaxRooms; ++r)
        expected += (c.sentPerRoom[r] - c.refusedPerRoom[r]) * c.readyPerRoom[r];
    const int64_t windowEnd = std::max(c.lastDeliveryNs, c.lastAckNs);
    const double deliveriesPerSecond = perSecond(c.delivered, c.firstSendNs, c.lastDeliveryNs);
    const auto usage = generatorUsage(before, m_lastReports, windowEnd - startNs);
    const bool complete = c.delivered >= expected && expected > 0;
    const bool ok = complete && connected.counters.failed == 0 && c.refused == 0;
    const double serverCpu = serverBefore.ok && serverAfter.ok
            ? serverAfter.cpuSeconds - serverBefore.cpuSeconds
            : NAN;

    JsonLine line = header(m_options);
    line.add("rooms", m_options.rooms)
            .add("members", m_options.members)
            .add("connections", m_options.connections)
            .add("connected", c.ready)
            .add("connect_failed", connected.counters.failed)
            .add("senders", m_options.senders)
            .add("rate", m_options.rate, 1)
            .add("window", m_options.window)
            .add("size", m_options.messageSize)
            .add("duration_s", m_options.duration, 3)
            .add("sent", c.sent)
            .add("acked", c.acked)
            .add("refused", c.refused)
            .addRaw("refusals", refusalsJson(c))
            .add("skipped", c.skipped)
            .add("messages_per_s", perSecond(c.acked, c.firstSendNs, c.lastAckNs), 1)
            .add("expected", expected)
            .add("delivered", c.delivered)
            .add("delivery_ratio", expected ? double(c.delivered) / double(expected) : NAN, 6)
            .add("deliveries_per_s", deliveriesPerSecond, 1)
            .addLatency("latency_ms", merged.delivery)
            .addLatency("ack_latency_ms", merged.ack)
            .add("closed_by_server", c.closedByServer)
            .add("server_cpu_s", serverCpu, 3)
            .add("server_cpu_s_per_1000_deliveries",
                 c.delivered ? serverCpu * 1000.0 / double(c.delivered) : NAN, 6)
            .addRaw("generator", generatorJson(usage, m_workerCount))
            .add("ok", ok);
    printResult(line);

    if (!m_options.quiet) {
        std::fprintf(stderr,
                     "fanout%s: %d rooms x %d members, %d senders: %llu/%llu deliveries "
                     "(%.4f), %.0f deliveries/s\n",
                     label(m_options).c_str(), m_options.rooms, m_options.members,
                     m_options.senders, static_cast<unsigned long long>(c.delivered),
                     static_cast<unsigned long long>(expected),
                     expected ? double(c.delivered) / double(expected) : 0.0, deliveriesPerSecond);
        std::fprintf(stderr,
                     "  latency p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms; "
                     "server CPU %.3f s (%.4f s per 1000 deliveries)\n",
                     double(merged.delivery.percentile(50)) / 1000.0,
                     double(merged.delivery.percentile(90)) / 1000.0,
                     double(merged.delivery.percentile(99)) / 1000.0,
                     double(merged.delivery.max()) / 1000.0, serverCpu,
                     c.delivered ? serverCpu * 1000.0 / double(c.delivered) : 0.0);
        std::fprintf(stderr, "  generator: %.2f CPU s, busiest worker at %.0f %% of a core%s\n",
                     usage.cpuSeconds, usage.maxUtilisation * 100.0,
                     usage.maxUtilisation > SaturatedUtilisation
                             ? " (saturated: add --workers; the figures may be the generator's)"
                             : "");
        if (c.skipped)
            std::fprintf(stderr, "  %llu sends skipped: every sender's window was full\n",
                         static_cast<unsigned long long>(c.skipped));
    }
    return ok ? 0 : 1;
}

int Coordinator::runPersist()
{
    if (!spawn(plan(false)))
        return 2;
    Report connected;
    int64_t connectStart = 0;
    std::vector<Report> reports;
    if (!connectMembers(connected, connectStart, reports))
        return 2;
    sleepFor(std::min(m_options.settle, 1.0));

    const ProcSample serverBefore = sampleServer();
    Report merged;
    std::vector<Report> before;
    int64_t startNs = 0, drainEndNs = 0;
    if (!sendAndDrain(false, merged, before, startNs, drainEndNs))
        return 2;
    const ProcSample serverAfter = sampleServer();

    const Counters &c = merged.counters;
    const double storedPerSecond = perSecond(c.acked, c.firstSendNs, c.lastAckNs);
    const auto usage = generatorUsage(before, m_lastReports, c.lastAckNs - startNs);
    const bool ok = c.acked == c.sent && c.sent > 0 && connected.counters.failed == 0;
    const double serverCpu = serverBefore.ok && serverAfter.ok
            ? serverAfter.cpuSeconds - serverBefore.cpuSeconds
            : NAN;

    JsonLine line = header(m_options);
    line.add("senders", m_options.senders)
            .add("rooms", m_options.rooms)
            .add("connected", c.ready)
            .add("rate", m_options.rate, 1)
            .add("window", m_options.window)
            .add("size", m_options.messageSize)
            .add("duration_s", m_options.duration, 3)
            .add("sent", c.sent)
            .add("stored", c.acked)
            .add("refused", c.refused)
            .addRaw("refusals", refusalsJson(c))
            .add("skipped", c.skipped)
            .add("stored_per_s", storedPerSecond, 1)
            .addLatency("ack_latency_ms", merged.ack)
            .add("delivered", c.delivered)
            .add("server_cpu_s", serverCpu, 3)
            .add("server_cpu_s_per_1000_messages",
                 c.acked ? serverCpu * 1000.0 / double(c.acked) : NAN, 6)
            .addRaw("generator", generatorJson(usage, m_workerCount))
            .add("ok", ok);
    printResult(line);

    if (!m_options.quiet) {
        std::fprintf(stderr,
                     "persist%s: %d senders over %d rooms: %llu/%llu stored, %.0f messages/s; "
                     "ack p50 %.2f ms  p99 %.2f ms  max %.2f ms\n",
                     label(m_options).c_str(), m_options.senders, m_options.rooms,
                     static_cast<unsigned long long>(c.acked),
                     static_cast<unsigned long long>(c.sent), storedPerSecond,
                     double(merged.ack.percentile(50)) / 1000.0,
                     double(merged.ack.percentile(99)) / 1000.0, double(merged.ack.max()) / 1000.0);
        std::fprintf(stderr, "  generator: %.2f CPU s, busiest worker at %.0f %% of a core%s\n",
                     usage.cpuSeconds, usage.maxUtilisation * 100.0,
                     usage.maxUtilisation > SaturatedUtilisation ? " (saturated: add --workers)"
                                                                 : "");
    }
    return ok ? 0 : 1;
}

int Coordinator::runStorm()
{
    if (!spawn(plan(true)))
        return 2;
    std::vector<Report> reports;

    // The writers stay connected throughout: they fill the rooms before the clients join and
    // while they are away, so that every client has something to catch up with.
    Command writers;
    writers.op = Op::Connect;
    writers.roles = WriterRole;
    writers.concurrency = uint32_t(m_options.rooms);
    writers.deadlineNs = phaseDeadline(nowNs());
    if (!call(writers, writers.deadlineNs + ReplyGraceNs, reports))
        return 2;
    if (mergeReports(reports).counters.failed) {
        m_error = "the storm's writers could not connect and join";
        return 2;
    }
    auto batch = [&](int count) {
        Command command;
        command.op = Op::SendBatch;
        command.roles = WriterRole;
        command.count = uint32_t(count);
        command.window = uint32_t(std::min(count, 64));
        command.deadlineNs = phaseDeadline(nowNs());
        return count == 0 || call(command, command.deadlineNs + ReplyGraceNs, reports);
    };
    if (!batch(m_options.preload))
        return 2;

    Report joined;
    int64_t joinStart = 0;
    if (!connectMembers(joined, joinStart, reports))
        return 2;
    sleepFor(m_options.settle);

    const ProcSample serverBefore = sampleServer();
    Command drop;
    drop.op = Op::Drop;
    drop.roles = MemberRole;
    const int64_t dropNs = nowNs();
    if (!call(drop, dropNs + ReplyGraceNs, reports))
        return 2;
    if (!batch(m_options.missed))
        return 2;
    if (!stats(reports))
        return 2;
    const Report afterMissed = mergeReports(reports);
    std::vector<Report> before = reports;

    Command reconnect;
    reconnect.op = Op::Connect;
    reconnect.roles = MemberRole;
    reconnect.retry = 1;
    reconnect.useSince = 1;
    reconnect.concurrency = m_options.stormConcurrency > 0
            ? uint32_t(std::max(1, m_options.stormConcurrency / m_workerCount))
            : 0;
    for (int r = 0; r < MaxRooms; ++r)
        reconnect.targets[r] = afterMissed.counters.lastAckedId[r];
    const int64_t startNs = nowNs();
    reconnect.deadlineNs = phaseDeadline(startNs);
    if (!call(reconnect, reconnect.deadlineNs + ReplyGraceNs, reports))
        return 2;
    const int64_t endNs = nowNs();
    const ProcSample serverAfter = sampleServer();
    const Report merged = mergeReports(reports);
    // The phase's own counters: subtract what the first connect and the writers left.
    const Counters &c = merged.counters;
    const uint64_t failed = c.failed - afterMissed.counters.failed;
    const uint64_t retries = c.retries - afterMissed.counters.retries;
    const uint64_t caughtUp = c.caughtUp - afterMissed.counters.caughtUp;
    const uint64_t back = c.ready;
    const double allBack = c.lastReadyNs > startNs ? seconds(c.lastReadyNs - startNs) : NAN;
    const double allCaughtUp
            = c.lastCaughtUpNs > startNs ? seconds(c.lastCaughtUpNs - startNs) : NAN;
    const auto usage = generatorUsage(before, reports, endNs - startNs);
    const bool ok = caughtUp == uint64_t(m_options.connections) && !merged.timedOut;
    const double serverCpu = serverBefore.ok && serverAfter.ok
            ? serverAfter.cpuSeconds - serverBefore.cpuSeconds
            : NAN;

    JsonLine line = header(m_options);
    line.add("connections", m_options.connections)
            .add("rooms", m_options.rooms)
            .add("initially_connected", joined.counters.ready)
            .add("missed_per_room", m_options.missed)
            .add("back", back)
            .add("caught_up", caughtUp)
            .add("failed", failed)
            .add("retries", retries)
            .addRaw("failed_attempts", failuresJson(c, &afterMissed.counters))
            .add("history_incomplete", c.historyIncomplete)
            .add("all_back_s", allBack, 3)
            .add("all_caught_up_s", allCaughtUp, 3)
            .addLatency("caught_up_latency_ms", merged.ready)
            .add("server_cpu_s", serverCpu, 3)
            .addRaw("generator", generatorJson(usage, m_workerCount))
            .add("ok", ok);
    printResult(line);

    if (!m_options.quiet) {
        std::fprintf(stderr,
                     "storm%s: %d clients dropped and reconnected: %llu back in %.3f s, %llu "
                     "caught up in %.3f s (%llu retries, %llu failed)\n",
                     label(m_options).c_str(), m_options.connections,
                     static_cast<unsigned long long>(back), allBack,
                     static_cast<unsigned long long>(caughtUp), allCaughtUp,
                     static_cast<unsigned long long>(retries),
                     static_cast<unsigned long long>(failed));
        std::fprintf(stderr, "  per client: p50 %.1f ms  p99 %.1f ms  max %.1f ms\n",
                     double(merged.ready.percentile(50)) / 1000.0,
                     double(merged.ready.percentile(99)) / 1000.0,
                     double(merged.ready.max()) / 1000.0);
    }
    return ok ? 0 : 1;
}

} // namespace bench
