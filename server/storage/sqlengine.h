// SPDX-License-Identifier: MIT
#pragma once

#include "sqlsession.h"
#include "sqlstore.h"

#include <QtCore/QMutex>
#include <QtCore/QWaitCondition>

#include <atomic>
#include <deque>
#include <memory>
#include <span>
#include <vector>

QT_BEGIN_NAMESPACE
class QThread;
QT_END_NAMESPACE

namespace chat {
class ContextGuard;
}

//! Internal to chat_storage.
namespace chat::storage::sql {

class Job;

//! \brief Executes several consecutive jobs of one kind together (e.g. appends as multi-row
//! INSERTs), setting each job's result. A statement that fails is recorded in the session, as
//! for Job::execute(); the engine then runs the batch again one job at a time.
using BulkExecutor = void (*)(Session &session, std::span<Job *const> jobs);

//! \brief One queued operation: runs on the worker, then hands its result to the caller.
class Job
{
public:
    explicit Job(bool writes) : m_writes(writes) { }
    virtual ~Job() = default;
    Job(const Job &) = delete;
    Job &operator=(const Job &) = delete;

    //! True if the job may modify the database (it then gets a transaction and a savepoint).
    bool writes() const { return m_writes; }
    //! Runs the job's SQL and keeps its result. May run more than once when a batch is
    //! retried, always against the state of a fresh transaction.
    virtual void execute(Session &session) = 0;
    //! Replaces the result by \a error (the batch could not be committed).
    virtual void fail(const Error &error) = 0;
    //! Hands the result to the caller's callback; called once, in the caller's thread, after
    //! the batch committed or failed.
    virtual void complete() = 0;
    //! Where complete() must run.
    virtual ContextGuard &guard() const = 0;
    //! Non-null when the job may be executed together with its neighbours that return the same
    //! executor, where the session allows it (Session::consecutiveIds()).
    virtual BulkExecutor bulkExecutor() const { return nullptr; }

private:
    bool m_writes;
};

//! \brief The worker thread: connection, migrations, and the group-commit loop.
class Engine
{
public:
    explicit Engine(const SqlStoreConfig &config);
    ~Engine();
    Engine(const Engine &) = delete;
    Engine &operator=(const Engine &) = delete;

    //! Starts the thread and waits until it has connected and migrated.
    Result<void> start();
    //! Lets the thread finish the queue, then joins it.
    void stop();
    bool isRunning() const;

    //! Queues \a job; false (the job untouched) when the engine is not running.
    bool submit(std::unique_ptr<Job> &job);
    //! Runs complete() of every job in its caller's thread, with one posted event per run of
    //! consecutive jobs that have the same caller rather than one per job. Takes the jobs.
    static void deliver(std::vector<std::unique_ptr<Job>> &jobs);

    int schemaVersion() const { return m_schemaVersion.load(); }
    SqlStore::Statistics statistics() const;

private:
    enum class Outcome : quint8 { Done, StatementFailed, TransactionFailed, ConnectionFailed };

    void run();
    Result<void> connect();
    Result<void> configureConnection();
    bool reconnect();
    Result<void> migrate();
    Result<void> runMigrations();
    void executeBatch(std::vector<std::unique_ptr<Job>> &batch);
    Outcome runReads(std::vector<std::unique_ptr<Job>> &batch);
    Outcome runTransaction(std::vector<std::unique_ptr<Job>> &batch, bool savepoints);
    Outcome failed();
    void disconnect();

    const SqlStoreConfig m_config;
    const Dialect m_dialect;
    const QString m_connectionName;

    mutable QMutex m_mutex;
    QWaitCondition m_wake;
    std::deque<std::unique_ptr<Job>> m_queue;
    bool m_accepting = false;
    bool m_stopping = false;

    QThread *m_thread = nullptr;
    Result<void> m_startResult;
    QWaitCondition m_started;
    bool m_startDone = false;

    // Worker thread only.
    std::unique_ptr<Session> m_session;

    std::atomic<int> m_schemaVersion{0};
    std::atomic<quint64> m_batches{0};
    std::atomic<quint64> m_commits{0};
    std::atomic<quint64> m_operations{0};
    std::atomic<quint64> m_largestBatch{0};
};

} // namespace chat::storage::sql
