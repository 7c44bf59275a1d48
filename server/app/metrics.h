// SPDX-License-Identifier: MIT
#pragma once

#include "protocol/events.h"

#include <QtCore/QByteArray>
#include <QtCore/QHash>

#include <array>
#include <functional>

namespace chat::app {

//! \brief The server's counters, written as Prometheus text for GET /metrics.
class Metrics
{
public:
    //! Upper bounds (ms) of the send-to-delivery latency histogram's buckets.
    static constexpr std::array<int, 12> LatencyBucketsMs{1,   2,   5,   10,   25,   50,
                                                          100, 250, 500, 1000, 2500, 5000};

    void countMessageIn() { ++m_messagesIn; }
    void countMessagesOut(qint64 deliveries) { m_messagesOut += deliveries; }
    void countError(events::ErrorCode code) { ++m_errors[code]; }
    void countConnectRefused() { ++m_connectsRefused; }
    void observeLatency(qint64 ms);

    //! Gauges read when the text is written.
    std::function<qint64()> connections;
    std::function<qint64()> usersOnline;

    QByteArray prometheusText() const;

private:
    qint64 m_messagesIn = 0;
    qint64 m_messagesOut = 0;
    qint64 m_connectsRefused = 0;
    QHash<events::ErrorCode, qint64> m_errors;
    std::array<qint64, LatencyBucketsMs.size()> m_latencyBuckets{};
    qint64 m_latencyCount = 0;
    qint64 m_latencySumMs = 0;
};

} // namespace chat::app
