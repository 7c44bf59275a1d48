// SPDX-License-Identifier: MIT
#include "metrics.h"

namespace chat::app {

void Metrics::observeLatency(qint64 ms)
{
    for (size_t i = 0; i < LatencyBucketsMs.size(); ++i) {
        if (ms <= LatencyBucketsMs[i])
            ++m_latencyBuckets[i];
    }
    ++m_latencyCount;
    m_latencySumMs += ms;
}

QByteArray Metrics::prometheusText() const
{
    QByteArray out;
    const auto metric = [&out](const char *name, const char *type, const char *help) {
        out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
    };
    metric("chat_connections", "gauge", "Socket.IO connections signed in.");
    out += "chat_connections " + QByteArray::number(connections ? connections() : 0) + '\n';
    metric("chat_users_online", "gauge", "Distinct users with at least one connection.");
    out += "chat_users_online " + QByteArray::number(usersOnline ? usersOnline() : 0) + '\n';
    metric("chat_messages_in_total", "counter", "Messages received from clients.");
    out += "chat_messages_in_total " + QByteArray::number(m_messagesIn) + '\n';
    metric("chat_messages_out_total", "counter", "Messages delivered to connections.");
    out += "chat_messages_out_total " + QByteArray::number(m_messagesOut) + '\n';
    metric("chat_connects_refused_total", "counter", "Connections refused at sign-in.");
    out += "chat_connects_refused_total " + QByteArray::number(m_connectsRefused) + '\n';
    metric("chat_errors_total", "counter", "Requests refused, by error code.");
#define CHAT_ERROR_LINE(enumerator, wire) \
    out += "chat_errors_total{code=\"" wire "\"} " \
            + QByteArray::number(m_errors.value(events::ErrorCode::enumerator)) + '\n';
    CHAT_ERROR_CODES(CHAT_ERROR_LINE)
#undef CHAT_ERROR_LINE
    metric("chat_message_latency_ms", "histogram",
           "Time from a message's arrival to its broadcast, after it is stored.");
    for (size_t i = 0; i < LatencyBucketsMs.size(); ++i) {
        out += "chat_message_latency_ms_bucket{le=\"" + QByteArray::number(LatencyBucketsMs[i])
                + "\"} " + QByteArray::number(m_latencyBuckets[i]) + '\n';
    }
    out += "chat_message_latency_ms_bucket{le=\"+Inf\"} " + QByteArray::number(m_latencyCount)
            + '\n';
    out += "chat_message_latency_ms_sum " + QByteArray::number(m_latencySumMs) + '\n';
    out += "chat_message_latency_ms_count " + QByteArray::number(m_latencyCount) + '\n';
    return out;
}

} // namespace chat::app
