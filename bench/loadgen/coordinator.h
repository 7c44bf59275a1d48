// SPDX-License-Identifier: MIT
#pragma once

#include "control.h"
#include "options.h"
#include "procstat.h"
#include "worker.h"

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

namespace bench {

//! \brief Forks the workers, drives a scenario through them phase by phase, reads /proc of
//! the server, and prints the result: one JSON line on stdout, a summary on stderr.
class Coordinator
{
public:
    explicit Coordinator(const Options &options);
    ~Coordinator();
    Coordinator(const Coordinator &) = delete;
    Coordinator &operator=(const Coordinator &) = delete;

    //! Runs the scenario of the options. Returns the process exit status: 0 when every
    //! connection, message and delivery the scenario expects was seen, 1 otherwise, 2 on error.
    int run();

private:
    struct WorkerHandle
    {
        pid_t pid = -1;
        int fd = -1;
    };
    using Customize = std::function<void(uint32_t worker, Command &command)>;

    bool spawn(const std::vector<std::vector<ConnSpec>> &plan);
    //! Sends \a command (adjusted per worker by \a customize) to every worker and waits for
    //! all their reports until \a waitUntilNs.
    bool call(Command command, int64_t waitUntilNs, std::vector<Report> &reports,
              const Customize &customize = {});
    bool stats(std::vector<Report> &reports);
    void shutdown();
    std::vector<std::vector<ConnSpec>> plan(bool withWriters) const;
    int64_t phaseDeadline(int64_t from) const;
    ProcSample sampleServer() const;
    void sleepFor(double seconds) const;

    int runConnect();
    int runFanout();
    int runStorm();
    int runPersist();

    //! Connects every member (joined to its room) and returns the merged report.
    bool connectMembers(Report &merged, int64_t &startNs, std::vector<Report> &reports);
    //! Sends for the configured duration, then waits (bounded by --drain) until every
    //! expected delivery (fanout) or ack (persist) is in.
    bool sendAndDrain(bool waitForDeliveries, Report &merged, std::vector<Report> &before,
                      int64_t &startNs, int64_t &drainEndNs);

    const Options &m_options;
    int m_workerCount = 1;
    uint32_t m_seq = 0;
    int64_t m_hardDeadlineNs = 0;
    std::vector<WorkerHandle> m_workers;
    std::vector<Report> m_lastReports;
    std::string m_error;
};

//! Sums the counters and merges the histograms of all workers' reports.
Report mergeReports(const std::vector<Report> &reports);

} // namespace bench
