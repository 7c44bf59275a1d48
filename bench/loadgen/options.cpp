// SPDX-License-Identifier: MIT
#include "options.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <functional>
#include <map>

namespace bench {

const char *usage()
{
    return R"(usage: chat-loadgen <scenario> --port P [options]

Scenarios (each prints one JSON line on stdout and a summary on stderr):
  connect   N authenticated connections, each joined to one room: time, failures, server RSS
  fanout    R rooms x M members, S senders: deliveries/s, end-to-end latency, server CPU
  storm     N clients drop and reconnect at once, joining with `since`: time until caught up
  persist   S senders with acks after commit: messages stored/s, ack latency
  selftest  check the frame codec, masking, JSON scanner and token minting, then exit
  mock-server  serve the smallest fan-out server the generator can measure, on --port (0:
            any), for --timeout seconds (default 600): it shows the generator's own ceiling

Target (loopback only):
  --host A            127.x.y.z address of the server (default 127.0.0.1)
  --port P            its port (required)
  --path P            Engine.IO path (default /socket.io/)
  --server-pid P[,P]  server process(es) whose RSS and CPU /proc reports
  --label NAME        name of the server in the JSON line
  --case NAME         name of the measurement in the JSON line (default: the scenario)
  --jwt-secret S      HS256 secret (default: $CHAT_JWT_SECRET)
  --user-base N       first user_id (default 1000000); every connection is its own user

Load:
  --connections N     connect, storm (default 1000)
  --rooms R           rooms used, round-robin over connections (default 1; connect: 0 = no join)
  --room-slugs a,b,.. room slugs (default the six default rooms)
  --members M         fanout: members per room (default 1000)
  --senders S         senders (default 1; persist: 6), spread over the rooms
  --rate X            messages/s over all senders; 0 = closed loop on --window (default 0)
  --window W          unacknowledged messages per sender (default 64)
  --size B            message text length (default 100)
  --preload K         storm: messages per room before the clients join (default 10)
  --missed K          storm: messages per room sent while the clients are away (default 10)

Bounds (seconds):
  --duration D        sending time (default 10)
  --timeout T         bound of every phase (default 60)
  --connect-timeout T bound of one connection attempt (default 10)
  --settle T          wait before reading the server's RSS, and before sending (default 2)
  --drain T           wait for outstanding deliveries/acks after sending (default 10)

Generator:
  --workers W         worker processes, each with its own epoll loop (default 1)
  --concurrency C     handshakes in flight (default 500)
  --storm-concurrency C  reconnects in flight in the storm; 0 = all at once (default 0)
  --retry-delay MS    storm: first retry delay, doubled up to 2 s, +-50 % jitter (default 250)
  --drop-reset        storm: drop with RST (SO_LINGER 0) instead of FIN
  --per-source N      connections per 127.0.0.x source address (default 20000)
  --batch-us US       with 256 connections or more in a worker, pause this long after a
                      wake-up with few events, so that each wake-up reads more (default 100;
                      0: never pause)
  --quiet             no human summary
)";
}

const char *scenarioName(Scenario scenario)
{
    switch (scenario) {
    case Scenario::Connect:
        return "connect";
    case Scenario::Fanout:
        return "fanout";
    case Scenario::Storm:
        return "storm";
    case Scenario::Persist:
        return "persist";
    case Scenario::SelfTest:
        return "selftest";
    case Scenario::MockServer:
        return "mock-server";
    }
    return "?";
}

namespace {

bool toNumber(const std::string &text, double &out)
{
    char *end = nullptr;
    errno = 0;
    out = std::strtod(text.c_str(), &end);
    return errno == 0 && end && *end == '\0' && !text.empty();
}

bool toInt(const std::string &text, int64_t &out)
{
    char *end = nullptr;
    errno = 0;
    out = std::strtoll(text.c_str(), &end, 10);
    return errno == 0 && end && *end == '\0' && !text.empty();
}

std::vector<std::string> split(const std::string &text, char separator)
{
    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= text.size()) {
        const size_t end = text.find(separator, start);
        parts.push_back(text.substr(start, end == std::string::npos ? end : end - start));
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    return parts;
}

} // namespace

bool parseOptions(int argc, char **argv, Options &o, std::string &error)
{
    if (argc < 2) {
        error = "no scenario given";
        return false;
    }
    const std::string scenario = argv[1];
    if (scenario == "connect")
        o.scenario = Scenario::Connect;
    else if (scenario == "fanout")
        o.scenario = Scenario::Fanout;
    else if (scenario == "storm")
        o.scenario = Scenario::Storm;
    else if (scenario == "persist")
        o.scenario = Scenario::Persist;
    else if (scenario == "selftest")
        o.scenario = Scenario::SelfTest;
    else if (scenario == "mock-server")
        o.scenario = Scenario::MockServer;
    else {
        error = "unknown scenario '" + scenario + "'";
        return false;
    }

    bool sendersGiven = false;
    bool timeoutGiven = false;
    bool roomsGiven = false;
    using Setter = std::function<bool(const std::string &)>;
    auto intIn = [](int &target, int64_t lo, int64_t hi) -> Setter {
        return [&target, lo, hi](const std::string &v) {
            int64_t n;
            if (!toInt(v, n) || n < lo || n > hi)
                return false;
            target = int(n);
            return true;
        };
    };
    auto realIn = [](double &target, double lo, double hi) -> Setter {
        return [&target, lo, hi](const std::string &v) {
            double x;
            if (!toNumber(v, x) || !(x >= lo && x <= hi))
                return false;
            target = x;
            return true;
        };
    };
    int port = 0;
    int workers = o.workers;
    int roomsValue = o.rooms;
    int sendersValue = o.senders;
    int connectionsValue = 0;
    int membersValue = 0;
    const std::map<std::string, Setter> valued = {
            {"--host",
             [&](const std::string &v) {
                 o.hostText = v;
                 return true;
             }},
            {"--port", intIn(port, 0, 65535)},
            {"--path",
             [&](const std::string &v) {
                 o.path = v;
                 return !v.empty() && v[0] == '/';
             }},
            {"--server-pid",
             [&](const std::string &v) {
                 o.serverPids.clear();
                 for (const auto &part : split(v, ',')) {
                     int64_t pid;
                     if (!toInt(part, pid) || pid <= 0)
                         return false;
                     o.serverPids.push_back(pid_t(pid));
                 }
                 return true;
             }},
            {"--label",
             [&](const std::string &v) {
                 o.label = v;
                 return true;
             }},
            {"--case",
             [&](const std::string &v) {
                 o.caseName = v;
                 return !v.empty();
             }},
            {"--jwt-secret",
             [&](const std::string &v) {
                 o.jwtSecret = v;
                 return !v.empty();
             }},
            {"--user-base",
             [&](const std::string &v) {
                 return toInt(v, o.userBase) && o.userBase > 0 && o.userBase < (int64_t(1) << 50);
             }},
            {"--connections", intIn(connectionsValue, 1, 2000000)},
            {"--rooms",
             [&](const std::string &v) {
                 roomsGiven = true;
                 return intIn(roomsValue, 0, MaxRooms)(v);
             }},
            {"--room-slugs",
             [&](const std::string &v) {
                 o.roomSlugs = split(v, ',');
                 if (o.roomSlugs.size() > size_t(MaxRooms))
                     return false;
                 for (const auto &slug : o.roomSlugs) {
                     if (slug.empty())
                         return false;
                 }
                 return true;
             }},
            {"--members", intIn(membersValue, 1, 2000000)},
            {"--senders",
             [&](const std::string &v) {
                 sendersGiven = true;
                 return intIn(sendersValue, 1, 100000)(v);
             }},
            {"--rate", realIn(o.rate, 0, 1e7)},
            {"--window", intIn(o.window, 1, 100000)},
            {"--size", intIn(o.messageSize, 24, 2000)},
            {"--preload", intIn(o.preload, 0, 100000)},
            {"--missed", intIn(o.missed, 0, 100000)},
            {"--duration", realIn(o.duration, 0.1, 3600)},
            {"--timeout",
             [&](const std::string &v) {
                 timeoutGiven = true;
                 return realIn(o.timeout, 1, 3600)(v);
             }},
            {"--connect-timeout", realIn(o.connectTimeout, 0.1, 600)},
            {"--settle", realIn(o.settle, 0, 600)},
            {"--drain", realIn(o.drain, 0, 600)},
            {"--workers", intIn(workers, 1, 64)},
            {"--concurrency", intIn(o.concurrency, 1, 2000000)},
            {"--storm-concurrency", intIn(o.stormConcurrency, 0, 2000000)},
            {"--retry-delay", intIn(o.retryDelayMs, 1, 60000)},
            {"--per-source", intIn(o.perSource, 1, 60000)},
            {"--batch-us", intIn(o.batchUs, 0, 10000)},
    };
    for (int i = 2; i < argc; ++i) {
        const std::string name = argv[i];
        if (name == "--quiet") {
            o.quiet = true;
            continue;
        }
        if (name == "--drop-reset") {
            o.dropWithReset = true;
            continue;
        }
        if (name == "--help" || name == "-h") {
            error = "help";
            return false;
        }
        const auto it = valued.find(name);
        if (it == valued.end()) {
            error = "unknown option '" + name + "'";
            return false;
        }
        if (i + 1 >= argc) {
            error = "option '" + name + "' needs a value";
            return false;
        }
        const std::string value = argv[++i];
        if (!it->second(value)) {
            error = "bad value '" + value + "' for " + name;
            return false;
        }
    }
    if (o.scenario == Scenario::SelfTest)
        return true;
    if (o.scenario == Scenario::MockServer) {
        o.port = uint16_t(port);
        if (!timeoutGiven)
            o.timeout = 600;
        return true;
    }
    if (o.caseName.empty())
        o.caseName = scenarioName(o.scenario);

    o.port = uint16_t(port);
    o.workers = workers;
    o.rooms = roomsValue;
    o.senders = sendersValue;
    if (o.port == 0) {
        error = "--port is required";
        return false;
    }
    if (inet_pton(AF_INET, o.hostText.c_str(), &o.host) != 1
        || (ntohl(o.host.s_addr) >> 24) != 127) {
        error = "--host must be a 127.x.y.z address: this tool only talks to loopback";
        return false;
    }
    if (o.jwtSecret.empty()) {
        if (const char *secret = std::getenv("CHAT_JWT_SECRET"))
            o.jwtSecret = secret;
    }
    if (o.jwtSecret.empty()) {
        error = "no JWT secret: pass --jwt-secret or set CHAT_JWT_SECRET";
        return false;
    }
    if (o.rooms > int(o.roomSlugs.size())) {
        error = "--rooms is larger than the number of --room-slugs";
        return false;
    }

    switch (o.scenario) {
    case Scenario::Connect:
        o.connections = connectionsValue > 0 ? connectionsValue : 1000;
        break;
    case Scenario::Storm:
        o.connections = connectionsValue > 0 ? connectionsValue : 1000;
        if (o.rooms < 1) {
            error = "storm needs --rooms >= 1";
            return false;
        }
        break;
    case Scenario::Fanout:
        if (o.rooms < 1) {
            error = "fanout needs --rooms >= 1";
            return false;
        }
        o.members = membersValue > 0 ? membersValue : 1000;
        o.connections = o.rooms * o.members;
        if (o.senders > o.connections) {
            error = "--senders is larger than rooms x members";
            return false;
        }
        break;
    case Scenario::Persist:
        if (!sendersGiven)
            o.senders = 6;
        if (!roomsGiven)
            o.rooms = std::min<int>(6, int(o.roomSlugs.size()));
        if (o.rooms < 1) {
            error = "persist needs --rooms >= 1";
            return false;
        }
        o.connections = o.senders;
        break;
    case Scenario::SelfTest:
    case Scenario::MockServer:
        break;
    }
    const int64_t sources = (int64_t(o.connections) + o.rooms + o.perSource - 1) / o.perSource;
    if (sources > 254) {
        error = "too many connections for the 127.0.0.x source addresses at --per-source";
        return false;
    }
    return true;
}

} // namespace bench
