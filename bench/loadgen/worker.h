// SPDX-License-Identifier: MIT
#pragma once

#include "control.h"
#include "options.h"

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bench {

//! \brief What the coordinator decided about one connection before forking.
struct ConnSpec
{
    uint32_t globalIndex = 0; //!< user id = userBase + globalIndex; picks the source address
    Role role = MemberRole;
    int8_t room = -1; //!< index into Options::roomSlugs; -1: no join
    bool sender = false;
};

//! \brief One worker process: a raw epoll loop over its share of the connections, each a
//! non-blocking socket speaking WebSocket, Engine.IO v4 and Socket.IO v5 by hand.
class Worker
{
public:
    Worker(const Options &options, uint32_t index, int controlFd, std::vector<ConnSpec> specs);
    ~Worker();
    Worker(const Worker &) = delete;
    Worker &operator=(const Worker &) = delete;

    //! Runs until Quit, the coordinator's end, or the hard deadline. Returns the exit status.
    int run(int64_t hardDeadlineNs);

private:
    enum class State : uint8_t {
        Idle,
        TcpConnecting,
        Upgrading,
        WaitOpen,
        WaitConnect,
        Joining,
        Ready,
        RetryWait,
        Failed,
        Dropped,
    };
    enum class Phase : uint8_t { None, Connect, Send, SendBatch };

    struct Conn
    {
        ConnSpec spec;
        int fd = -1;
        State state = State::Idle;
        bool inPhase = false; //!< counted in m_remaining
        bool caughtUp = false;
        uint8_t fragOpcode = 0;
        uint32_t generation = 0; //!< bumped on every close, so handlers can tell
        uint32_t seq = 0;
        uint32_t inFlight = 0;
        uint32_t batchLeft = 0;
        int64_t roomId = 0;
        int64_t lastSeenId = 0;
        int64_t attemptNs = 0;
        int64_t firstAttemptNs = 0;
        int64_t retryAtNs = 0;
        int retryDelayMs = 0;
        uint64_t nextAckId = 0;
        uint64_t joinAckId = UINT64_MAX;
        std::string key; //!< Sec-WebSocket-Key
        std::string in; //!< received, not yet parsed
        std::string out; //!< not yet written
        std::string frag; //!< a fragmented message being assembled
        std::deque<std::pair<uint64_t, int64_t>> pending; //!< ack id, send time
    };

    void onControl();
    void reply(Op op, uint32_t seq, bool timedOut = false);
    void startPhaseConnect(const Command &command);
    void startPhaseSend(const Command &command);
    void startPhaseBatch(const Command &command);
    void drop(const Command &command);
    void endPhase(bool timedOut);

    void startAttempt(uint32_t index);
    void onEvent(uint32_t index, uint32_t events);
    void onConnected(Conn &c);
    void onReadable(Conn &c);
    void onWritable(Conn &c);
    void consume(Conn &c, char *data, size_t length, bool fromBuffer);
    bool parseUpgrade(Conn &c);
    void onFrame(Conn &c, uint8_t opcode, bool fin, std::string_view payload);
    void onEngineText(Conn &c, std::string_view text);
    void onSocketIo(Conn &c, std::string_view packet);
    void onSocketEvent(Conn &c, std::string_view data);
    void onAck(Conn &c, uint64_t id, std::string_view data);
    void onHistory(Conn &c, std::string_view payload);
    void onMessageNew(Conn &c, std::string_view message);
    void sendConnect(Conn &c);
    void sendJoin(Conn &c);
    void sendMessage(Conn &c, int64_t now);
    void sendText(Conn &c, std::string_view text);
    void writeOut(Conn &c, const char *data, size_t length);
    void becomeReady(Conn &c);
    void maybeDone(Conn &c);
    void fail(Conn &c, FailReason reason);
    void closeSocket(Conn &c, bool reset);
    void finishInPhase(Conn &c);

    void pump(int64_t now);
    void pumpSend(int64_t now);
    int waitTimeoutMs(int64_t now) const;
    uint32_t random32();

    const Options &m_options;
    uint32_t m_index;
    int m_control;
    int m_epoll = -1;
    bool m_quit = false;
    bool m_bindSources = false;
    std::vector<Conn> m_conns;
    std::vector<char> m_scratch;
    std::string m_frame;
    std::string m_text;
    uint64_t m_random;

    Phase m_phase = Phase::None;
    Command m_command;
    uint32_t m_remaining = 0;
    uint32_t m_handshaking = 0;
    std::deque<uint32_t> m_queue; //!< attempts waiting for a concurrency slot
    std::vector<uint32_t> m_retrying;
    std::vector<uint32_t> m_senders;
    size_t m_nextSender = 0;
    uint64_t m_sentInPhase = 0;
    uint32_t m_batchBusy = 0;
    bool m_sendStarted = false;
    int64_t m_lastScanNs = 0;

    Counters m_counters;
    Report m_report; //!< scratch for replies; too large for the stack of a hot loop
};

} // namespace bench
