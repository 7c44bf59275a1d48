// SPDX-License-Identifier: MIT
#pragma once

#include <netinet/in.h>
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace bench {

enum class Scenario { Connect, Fanout, Storm, Persist, SelfTest, MockServer };

constexpr int MaxRooms = 16;

//! \brief Everything a run is told on its command line. Workers are forked from the
//! coordinator, so they read the same instance and nothing of it crosses the control channel.
struct Options
{
    Scenario scenario = Scenario::Connect;
    std::string label; //!< names the server under test in the JSON line ("ours", "reference")
    std::string caseName; //!< names the measurement in the JSON line (default: the scenario)

    // Target (loopback only).
    in_addr host{};
    std::string hostText = "127.0.0.1";
    uint16_t port = 0;
    std::string path = "/socket.io/";
    std::vector<pid_t> serverPids;

    // Identity.
    std::string jwtSecret;
    int64_t userBase = 1000000;

    // Shape of the load.
    int connections = 0; //!< connect, storm; fanout derives it from rooms × members
    int rooms = 1; //!< 0: connect without joining a room
    std::vector<std::string> roomSlugs
            = {"general", "ai-tools", "n8n-automation", "vibe-coding", "blockchain", "help"};
    int members = 0; //!< fanout: members per room
    int senders = 1;
    double rate = 0; //!< messages per second over all senders; 0: closed loop
    int window = 64; //!< unacknowledged messages per sender
    int messageSize = 100; //!< characters of message text
    int preload = 10; //!< storm: messages per room before the clients join
    int missed = 10; //!< storm: messages per room sent while the clients are away

    // Time bounds, all in seconds.
    double duration = 10;
    double timeout = 60; //!< bound of each phase
    double connectTimeout = 10; //!< bound of one connection attempt
    double settle = 2;
    double drain = 10; //!< fanout, persist: wait for outstanding deliveries and acks

    // Generator.
    int workers = 1;
    int concurrency = 500; //!< handshakes in flight (connect, fanout, persist)
    int stormConcurrency = 0; //!< storm reconnects in flight; 0: all at once
    int retryDelayMs = 250;
    bool dropWithReset = false;
    int perSource = 20000; //!< connections per source address before the next one
    int batchUs = 100; //!< pause after a wake-up that brought few events
    bool quiet = false;
};

//! Parses argv into \a options; on error writes a message to \a error and returns false.
bool parseOptions(int argc, char **argv, Options &options, std::string &error);
const char *usage();
const char *scenarioName(Scenario scenario);

} // namespace bench
