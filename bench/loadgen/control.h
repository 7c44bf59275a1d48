// SPDX-License-Identifier: MIT
#pragma once

#include "histogram.h"
#include "options.h"

#include <cstdint>
#include <type_traits>

//! The coordinator drives its worker processes phase by phase over a SOCK_SEQPACKET pair: one
//! Command out, one Report back when the phase is over (at once for Stats and Drop).
namespace bench {

enum class Op : uint32_t {
    Connect = 1, //!< connect (and join) every connection of the given roles
    Send, //!< member senders send from startNs to endNs, at `rate` or closed loop on `window`
    SendBatch, //!< writers send `count` messages each and report the ids acknowledged
    Stats, //!< report now
    Drop, //!< close every connection of the given roles at once
    Quit,
};

enum Role : uint8_t {
    MemberRole = 1, //!< a client of the scenario
    WriterRole = 2, //!< storm: one per room, stays connected while the members are away
};

struct Command
{
    Op op = Op::Stats;
    uint32_t seq = 0;
    uint32_t roles = MemberRole;
    uint32_t concurrency = 0; //!< handshakes in flight; 0: no limit
    uint32_t window = 1;
    uint32_t count = 0;
    uint8_t retry = 0; //!< retry failed connection attempts until deadlineNs
    uint8_t useSince = 0; //!< join with since = last id seen; done when history caught up
    uint8_t reset = 0; //!< clear the send and delivery counters first
    int64_t startNs = 0;
    int64_t endNs = 0;
    int64_t deadlineNs = 0;
    double rate = 0;
    int64_t targets[MaxRooms] = {}; //!< useSince: the id each room's history must reach
};

enum FailReason : int {
    FailRefused,
    FailTimeout,
    FailReset,
    FailHttp,
    FailUnauthorized,
    FailTooMany,
    FailConnectError,
    FailJoin,
    FailServerClosed,
    FailProtocol,
    FailNoPort,
    FailOther,
    FailReasonCount
};

inline const char *failReasonName(int reason)
{
    static const char *const names[FailReasonCount]
            = {"refused",       "timeout", "reset",         "http",     "unauthorized", "too_many",
               "connect_error", "join",    "server_closed", "protocol", "no_port",      "other"};
    return reason >= 0 && reason < FailReasonCount ? names[reason] : "?";
}

enum RefusalCode : int {
    RefusedRateLimited,
    RefusedForbidden,
    RefusedInvalid,
    RefusedOther,
    RefusalCount
};

struct Counters
{
    // Connections.
    uint64_t attempts = 0;
    uint64_t ready = 0; //!< connections ready now
    uint64_t readyPerRoom[MaxRooms] = {};
    uint64_t failed = 0; //!< given up in a Connect phase
    uint64_t retries = 0;
    uint64_t closedByServer = 0; //!< ready connections the server closed
    uint64_t failures[FailReasonCount] = {};
    uint64_t caughtUp = 0;
    uint64_t historyIncomplete = 0; //!< a `since` history with hasMore
    int64_t lastReadyNs = 0;
    int64_t lastCaughtUpNs = 0;

    // Messages.
    uint64_t sent = 0;
    uint64_t sentPerRoom[MaxRooms] = {};
    uint64_t acked = 0;
    uint64_t refused = 0;
    uint64_t refusedPerRoom[MaxRooms] = {};
    uint64_t refusals[RefusalCount] = {};
    uint64_t skipped = 0; //!< rate mode: sends dropped because every window was full
    uint64_t delivered = 0; //!< message:new of this run's senders
    uint64_t foreign = 0; //!< other message:new
    int64_t firstSendNs = 0;
    int64_t lastSendNs = 0;
    int64_t lastAckNs = 0;
    int64_t lastDeliveryNs = 0;
    int64_t lastAckedId[MaxRooms] = {};

    double cpuSeconds = 0;
    int64_t reportNs = 0;
    uint64_t wakeups = 0; //!< epoll_wait calls
    uint64_t events = 0; //!< events they returned
};

struct Report
{
    Op op = Op::Stats;
    uint32_t seq = 0;
    uint32_t worker = 0;
    uint32_t timedOut = 0; //!< the phase hit its deadline
    Counters counters;
    Histogram delivery; //!< send → message:new, µs
    Histogram ack; //!< send → ack, µs
    Histogram ready; //!< first attempt → ready (and caught up), µs
};

static_assert(std::is_trivially_copyable_v<Command>);
static_assert(std::is_trivially_copyable_v<Report>);

} // namespace bench
