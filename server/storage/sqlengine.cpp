// SPDX-License-Identifier: MIT
#include "sqlengine.h"

#include "logging.h"

#include "auth/contextguard.h"

#include <QtCore/QDateTime>
#include <QtCore/QThread>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace chat::storage::sql {

namespace {

constexpr int MaxAttempts = 3;

QString uniqueConnectionName()
{
    static std::atomic<int> counter{0};
    return u"chat.storage.%1"_s.arg(++counter);
}

Error unavailable(const QString &message)
{
    return {ErrorKind::Unavailable, message};
}

} // namespace

Engine::Engine(const SqlStoreConfig &config)
    : m_config(config),
      m_dialect(config.driver == SqlStoreConfig::Driver::Sqlite ? Dialect::Sqlite : Dialect::MySql),
      m_connectionName(uniqueConnectionName())
{ }

Engine::~Engine()
{
    stop();
}

Result<void> Engine::start()
{
    if (!isValidTablePrefix(m_config.tablePrefix))
        return Error{ErrorKind::InvalidArgument, u"invalid table prefix"_s};
    if (m_config.maxBatch < 1)
        return Error{ErrorKind::InvalidArgument, u"maxBatch must be at least 1"_s};
    QMutexLocker locker(&m_mutex);
    if (m_thread)
        return Error{ErrorKind::InvalidArgument, u"already started"_s};
    m_startDone = false;
    m_stopping = false;
    m_thread = QThread::create([this] { run(); });
    m_thread->setObjectName(u"chat.storage"_s);
    m_thread->start();
    while (!m_startDone)
        m_started.wait(&m_mutex);
    const Result<void> result = m_startResult;
    if (!result.ok()) {
        locker.unlock();
        stop();
    }
    return result;
}

void Engine::stop()
{
    QThread *thread = nullptr;
    {
        QMutexLocker locker(&m_mutex);
        m_accepting = false;
        m_stopping = true;
        thread = std::exchange(m_thread, nullptr);
        m_wake.wakeAll();
    }
    if (thread) {
        thread->wait();
        delete thread;
    }
}

bool Engine::isRunning() const
{
    QMutexLocker locker(&m_mutex);
    return m_accepting;
}

bool Engine::submit(std::unique_ptr<Job> &job)
{
    QMutexLocker locker(&m_mutex);
    if (!m_accepting)
        return false;
    m_queue.push_back(std::move(job));
    if (m_queue.size() == 1)
        m_wake.wakeOne();
    return true;
}

void Engine::deliver(std::vector<std::unique_ptr<Job>> &jobs)
{
    for (size_t first = 0; first < jobs.size();) {
        ContextGuard &guard = jobs[first]->guard();
        size_t end = first + 1;
        while (end < jobs.size() && &jobs[end]->guard() == &guard)
            ++end;
        auto run = std::make_shared<std::vector<std::unique_ptr<Job>>>(
                std::make_move_iterator(jobs.begin() + qsizetype(first)),
                std::make_move_iterator(jobs.begin() + qsizetype(end)));
        // When the caller is gone, the lambda and the jobs die here, unanswered.
        guard.post([run] {
            for (const auto &job : *run)
                job->complete();
        });
        first = end;
    }
    jobs.clear();
}

SqlStore::Statistics Engine::statistics() const
{
    return {m_batches.load(), m_commits.load(), m_operations.load(), m_largestBatch.load()};
}

void Engine::run()
{
    Result<void> opened = connect();
    if (opened.ok())
        opened = migrate();
    {
        QMutexLocker locker(&m_mutex);
        m_startResult = opened;
        m_accepting = opened.ok() && !m_stopping;
        m_startDone = true;
        m_started.wakeAll();
    }
    if (!opened.ok()) {
        qCWarning(lcStorage).noquote() << "cannot open the database:" << opened.error().message;
        disconnect();
        return;
    }

    std::vector<std::unique_ptr<Job>> batch;
    batch.reserve(size_t(m_config.maxBatch));
    for (;;) {
        {
            QMutexLocker locker(&m_mutex);
            while (m_queue.empty() && !m_stopping)
                m_wake.wait(&m_mutex);
            // Stopping still drains the queue: everything accepted gets executed and answered.
            if (m_queue.empty())
                break;
            // The batch is whatever has queued up while the previous one was committing.
            const size_t count = std::min(m_queue.size(), size_t(m_config.maxBatch));
            for (size_t i = 0; i < count; ++i) {
                batch.push_back(std::move(m_queue.front()));
                m_queue.pop_front();
            }
        }
        executeBatch(batch);
        deliver(batch);
    }
    disconnect();
}

Result<void> Engine::connect()
{
    const QString driver = m_dialect == Dialect::Sqlite ? u"QSQLITE"_s : u"QMYSQL"_s;
    if (!QSqlDatabase::isDriverAvailable(driver))
        return unavailable(u"the Qt SQL driver %1 is not installed"_s.arg(driver));
    QSqlDatabase db = QSqlDatabase::addDatabase(driver, m_connectionName);
    if (m_dialect == Dialect::Sqlite) {
        if (m_config.databasePath.isEmpty())
            return Error{ErrorKind::InvalidArgument, u"no SQLite database path"_s};
        db.setDatabaseName(m_config.databasePath);
        db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=5000"_s);
    } else {
        db.setHostName(m_config.hostName);
        db.setPort(m_config.port);
        db.setUserName(m_config.userName);
        db.setPassword(m_config.password);
        db.setDatabaseName(m_config.databaseName);
        db.setConnectOptions(m_config.connectOptions);
    }
    if (!db.open())
        return unavailable(db.lastError().text());
    m_session = std::make_unique<Session>(db, m_dialect, m_config.tablePrefix);
    return configureConnection();
}

Result<void> Engine::configureConnection()
{
    QStringList statements;
    if (m_dialect == Dialect::Sqlite) {
        statements = {u"PRAGMA journal_mode=WAL"_s,
                      m_config.sqliteSync == SqlStoreConfig::SqliteSync::Full
                              ? u"PRAGMA synchronous=FULL"_s
                              : u"PRAGMA synchronous=NORMAL"_s,
                      u"PRAGMA foreign_keys=ON"_s};
    } else {
        // Strict mode turns silent truncation into errors even when the shared WordPress
        // server runs without it; READ COMMITTED avoids the gap locks that make concurrent
        // inserts from several instances deadlock.
        statements = {u"SET SESSION sql_mode='STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
                      u"ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'"_s,
                      u"SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"_s};
    }
    for (const QString &statement : std::as_const(statements)) {
        if (!m_session->execDirect(statement)) {
            m_session->takeFailure();
            return unavailable(m_session->lastError().message);
        }
    }
    if (m_dialect == Dialect::Sqlite) {
        // A write transaction holds the database's write lock, and AUTOINCREMENT numbers the
        // rows of one statement one after the other.
        m_session->setConsecutiveIds(true);
    } else {
        // A multi-row INSERT is a "simple insert": with lock mode 0 (traditional) or 1
        // (consecutive, MariaDB's default) its ids are consecutive; with 2 (MySQL 8's default)
        // they may interleave with other connections' rows, so appends stay one row each.
        QSqlQuery query(m_session->database());
        const bool consecutive
                = query.exec(u"SELECT @@innodb_autoinc_lock_mode, @@auto_increment_increment"_s)
                && query.next() && query.value(0).toInt() <= 1 && query.value(1).toInt() == 1;
        m_session->setConsecutiveIds(consecutive);
        qCDebug(lcStorage) << "multi-row appends" << (consecutive ? "enabled" : "disabled");
    }
    return {};
}

bool Engine::reconnect()
{
    qCWarning(lcStorage) << "reconnecting to the database";
    m_session->clearStatements();
    QSqlDatabase &db = m_session->database();
    db.close();
    if (!db.open()) {
        qCWarning(lcStorage).noquote() << "reconnect failed:" << db.lastError().text();
        return false;
    }
    return configureConnection().ok();
}

void Engine::disconnect()
{
    m_session.reset();
    // The connection must be removed from the thread that used it, after every QSqlQuery and
    // QSqlDatabase copy of it is gone.
    QSqlDatabase::removeDatabase(m_connectionName);
}

Result<void> Engine::migrate()
{
    Session &s = *m_session;
    const QString lockName
            = u"chat_migrate_"_s + m_config.databaseName + u'_' + m_config.tablePrefix;
    if (m_dialect == Dialect::MySql) {
        // Several instances may start at once against the same database: one migrates, the
        // others wait and then find nothing left to do.
        QSqlQuery lock(s.database());
        lock.prepare(u"SELECT GET_LOCK(?, 120)"_s);
        lock.addBindValue(lockName);
        if (!lock.exec() || !lock.next() || lock.value(0).toInt() != 1)
            return unavailable(u"could not take the migration lock: "_s + lock.lastError().text());
    }
    const Result<void> result = runMigrations();
    if (m_dialect == Dialect::MySql) {
        QSqlQuery unlock(s.database());
        unlock.prepare(u"SELECT RELEASE_LOCK(?)"_s);
        unlock.addBindValue(lockName);
        unlock.exec();
    }
    return result;
}

Result<void> Engine::runMigrations()
{
    Session &s = *m_session;
    if (!s.execDirect(createSchemaVersionTable(m_dialect, s.tables())))
        return s.lastError();

    int current = 0;
    {
        QSqlQuery query(s.database());
        if (!query.exec(u"SELECT COALESCE(MAX(version), 0) FROM "_s + s.tables().schemaVersion)
            || !query.next()) {
            return Error{ErrorKind::Internal, query.lastError().text()};
        }
        current = query.value(0).toInt();
    }
    if (current > latestSchemaVersion()) {
        return Error{
                ErrorKind::Internal,
                u"the database has schema version %1, newer than this server's %2"_s.arg(current)
                        .arg(latestSchemaVersion())};
    }

    for (const Migration &migration : migrations()) {
        if (migration.version <= current)
            continue;
        qCInfo(lcStorage).noquote()
                << "migrating" << s.tables().prefix + u"chat_*"_s << "to version"
                << migration.version << "-" << migration.description;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        bool ok = s.begin();
        const QList<Statement> statements = migration.statements(m_dialect, s.tables(), now);
        for (const Statement &statement : statements) {
            if (!ok)
                break;
            ok = s.execDirect(statement.sql, statement.bindings);
        }
        ok = ok
                && s.execDirect(u"INSERT INTO "_s + s.tables().schemaVersion
                                        + u" (version, description, applied_at) VALUES (?, ?, ?)"_s,
                                {migration.version, QString(migration.description), now});
        ok = ok && s.commit();
        if (!ok) {
            s.takeFailure();
            const Error error = s.lastError();
            s.rollback();
            return Error{error.kind,
                         u"migration %1 failed: %2"_s.arg(migration.version).arg(error.message)};
        }
        current = migration.version;
    }
    m_schemaVersion = current;
    return {};
}

Engine::Outcome Engine::failed()
{
    const auto failure = m_session->takeFailure();
    if (failure && failureScope(*failure, m_dialect) == FailureScope::Connection)
        return Outcome::ConnectionFailed;
    return Outcome::TransactionFailed;
}

Engine::Outcome Engine::runReads(std::vector<std::unique_ptr<Job>> &batch)
{
    Session &s = *m_session;
    for (const auto &job : batch) {
        job->execute(s);
        if (const auto failure = s.takeFailure()) {
            switch (failureScope(*failure, m_dialect)) {
            case FailureScope::Statement:
                break; // that job's own error
            case FailureScope::Transaction:
                return Outcome::TransactionFailed;
            case FailureScope::Connection:
                return Outcome::ConnectionFailed;
            }
        }
    }
    return Outcome::Done;
}

Engine::Outcome Engine::runTransaction(std::vector<std::unique_ptr<Job>> &batch, bool savepoints)
{
    Session &s = *m_session;
    if (!s.begin())
        return failed();
    std::vector<Job *> run;
    for (size_t i = 0; i < batch.size();) {
        // Consecutive jobs that can share statements run together, on the fast path only: the
        // savepoint path isolates every job, so it runs them one by one.
        run.assign(1, batch[i].get());
        const BulkExecutor bulk
                = !savepoints && s.consecutiveIds() ? batch[i]->bulkExecutor() : nullptr;
        while (bulk && i + run.size() < batch.size()
               && batch[i + run.size()]->bulkExecutor() == bulk) {
            run.push_back(batch[i + run.size()].get());
        }
        i += run.size();

        const bool isolate = savepoints && run.front()->writes();
        if (isolate && !s.execDirect(u"SAVEPOINT job"_s)) {
            const Outcome outcome = failed();
            s.rollback();
            return outcome;
        }
        if (run.size() > 1)
            bulk(s, run);
        else
            run.front()->execute(s);
        if (const auto failure = s.takeFailure()) {
            const FailureScope scope = failureScope(*failure, m_dialect);
            if (scope != FailureScope::Statement) {
                s.rollback();
                return scope == FailureScope::Connection ? Outcome::ConnectionFailed
                                                         : Outcome::TransactionFailed;
            }
            if (!savepoints) {
                // The fast path has no savepoints: undo the whole batch and run it again with
                // them, so that only this job fails.
                s.rollback();
                return Outcome::StatementFailed;
            }
            if (isolate && !s.execDirect(u"ROLLBACK TO SAVEPOINT job"_s)) {
                const Outcome outcome = failed();
                s.rollback();
                return outcome;
            }
        }
        if (isolate && !s.execDirect(u"RELEASE SAVEPOINT job"_s)) {
            const Outcome outcome = failed();
            s.rollback();
            return outcome;
        }
    }
    if (!s.commit()) {
        const Outcome outcome = failed();
        s.rollback();
        return outcome;
    }
    ++m_commits;
    return Outcome::Done;
}

void Engine::executeBatch(std::vector<std::unique_ptr<Job>> &batch)
{
    ++m_batches;
    m_operations += batch.size();
    quint64 largest = m_largestBatch.load();
    while (batch.size() > largest && !m_largestBatch.compare_exchange_weak(largest, batch.size())) {
    }

    const bool writes = std::any_of(batch.cbegin(), batch.cend(),
                                    [](const auto &job) { return job->writes(); });
    Outcome outcome = Outcome::Done;
    for (int attempt = 1; attempt <= MaxAttempts; ++attempt) {
        if (!writes) {
            outcome = runReads(batch);
        } else {
            outcome = runTransaction(batch, false);
            if (outcome == Outcome::StatementFailed)
                outcome = runTransaction(batch, true);
        }
        if (outcome == Outcome::Done)
            return;
        qCWarning(lcStorage) << "batch of" << batch.size() << "operations failed, attempt"
                             << attempt;
        if (outcome == Outcome::ConnectionFailed && !reconnect())
            QThread::msleep(50 * attempt);
    }
    Error error = m_session->lastError();
    error.kind = ErrorKind::Unavailable;
    for (const auto &job : batch)
        job->fail(error);
}

} // namespace chat::storage::sql
