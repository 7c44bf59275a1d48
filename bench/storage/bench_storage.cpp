// SPDX-License-Identifier: MIT
// Measures SqlStore::appendMessage throughput and acknowledgement latency.
//
// A fixed number of appends is kept in flight (like that many clients each waiting for their
// ack before sending the next), until the total is stored. Every combination of the SQLite
// synchronous setting and the batch limit given is run on a fresh database, and one line per
// run is printed. On Linux the line also gives the CPU time the storage worker thread spent
// per message, which throughput alone hides when the run is bound by fsync.

#include "storage/sqlschema.h"
#include "storage/sqlstore.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTextStream>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlQuery>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace Qt::StringLiterals;
using namespace chat::storage;

namespace {

struct RunResult
{
    bool ok = false;
    double seconds = 0;
    quint64 commits = 0;
    quint64 largestBatch = 0;
    // CPU time of the storage thread during the run; negative when it cannot be read.
    qint64 storageCpuNs = -1;
    std::vector<qint64> latenciesNs{};
};

// The CPU time the kernel has charged to the store's worker thread (named "chat.storage" by
// the engine), from /proc/self/task/<tid>/schedstat, whose first field is in nanoseconds. -1
// where there is no such file or thread.
qint64 storageThreadCpuNs()
{
    const QDir tasks(u"/proc/self/task"_s);
    const QStringList tids = tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &tid : tids) {
        QFile comm(tasks.filePath(tid + u"/comm"_s));
        if (!comm.open(QIODevice::ReadOnly) || comm.readAll().trimmed() != "chat.storage")
            continue;
        QFile schedstat(tasks.filePath(tid + u"/schedstat"_s));
        if (!schedstat.open(QIODevice::ReadOnly))
            return -1;
        bool ok = false;
        const qint64 ns = schedstat.readAll().split(' ').value(0).toLongLong(&ok);
        return ok ? ns : -1;
    }
    return -1;
}

class Runner : public QObject
{
public:
    Runner(SqlStore *store, qint64 roomId, int total, int inFlight)
        : m_store(store), m_roomId(roomId), m_total(total), m_inFlight(inFlight)
    {
        m_result.latenciesNs.reserve(size_t(total));
    }

    RunResult run()
    {
        const auto before = m_store->statistics();
        const qint64 cpuBefore = storageThreadCpuNs();
        m_clock.start();
        for (int i = 0; i < m_inFlight && m_submitted < m_total; ++i)
            submit();
        while (m_done < m_total)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        m_result.seconds = double(m_clock.nsecsElapsed()) / 1e9;
        const qint64 cpuAfter = storageThreadCpuNs();
        if (cpuBefore >= 0 && cpuAfter >= cpuBefore)
            m_result.storageCpuNs = cpuAfter - cpuBefore;
        const auto after = m_store->statistics();
        m_result.commits = after.commits - before.commits;
        m_result.largestBatch = after.largestBatch;
        m_result.ok = m_failures == 0;
        return m_result;
    }

private:
    void submit()
    {
        const qint64 sentAt = m_clock.nsecsElapsed();
        const int n = m_submitted++;
        m_store->appendMessage(
                {m_roomId, 1,
                 u"benchmark message %1: the quick brown fox jumps over the lazy dog"_s.arg(n)},
                this, [this, sentAt](Result<AppendResult> r) {
                    m_result.latenciesNs.push_back(m_clock.nsecsElapsed() - sentAt);
                    if (!r.ok())
                        ++m_failures;
                    ++m_done;
                    if (m_submitted < m_total)
                        submit();
                });
    }

    SqlStore *m_store;
    qint64 m_roomId;
    int m_total;
    int m_inFlight;
    int m_submitted = 0;
    int m_done = 0;
    int m_failures = 0;
    QElapsedTimer m_clock;
    RunResult m_result;
};

double percentileMs(std::vector<qint64> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const size_t index = std::min(values.size() - 1, size_t(p * double(values.size())));
    return double(values[index]) / 1e6;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
            u"SqlStore append throughput: group commit vs one transaction per message"_s);
    parser.addHelpOption();
    const QCommandLineOption messagesOption(u"messages"_s, u"Messages per run (default 20000)."_s,
                                            u"n"_s, u"20000"_s);
    const QCommandLineOption inFlightOption(
            u"in-flight"_s, u"Appends waiting for their ack at any time (default 1000)."_s, u"n"_s,
            u"1000"_s);
    const QCommandLineOption syncOption(
            u"sync"_s, u"SQLite synchronous: full, normal or both (default both)."_s, u"mode"_s,
            u"both"_s);
    const QCommandLineOption batchOption(
            u"batch"_s, u"Batch limits to compare, comma-separated (default 256,1)."_s, u"list"_s,
            u"256,1"_s);
    const QCommandLineOption dirOption(
            u"dir"_s, u"Directory for the SQLite files (default: a temporary one)."_s, u"path"_s);
    const QCommandLineOption mysqlOption(
            u"mysql"_s, u"Also run against MariaDB/MySQL: host:port:user:password:database."_s,
            u"spec"_s);
    parser.addOptions(
            {messagesOption, inFlightOption, syncOption, batchOption, dirOption, mysqlOption});
    parser.process(app);

    const int messages = parser.value(messagesOption).toInt();
    const int inFlight = parser.value(inFlightOption).toInt();
    QList<int> batches;
    for (const QString &b : parser.value(batchOption).split(u','))
        batches.append(b.toInt());
    QList<SqlStoreConfig::SqliteSync> syncs;
    const QString sync = parser.value(syncOption);
    if (sync != u"normal"_s)
        syncs.append(SqlStoreConfig::SqliteSync::Full);
    if (sync != u"full"_s)
        syncs.append(SqlStoreConfig::SqliteSync::Normal);

    QTemporaryDir temporary;
    const QString dir = parser.isSet(dirOption) ? parser.value(dirOption) : temporary.path();

    struct Setup
    {
        QString label;
        SqlStoreConfig config;
    };
    QList<Setup> setups;
    int counter = 0;
    for (const auto s : syncs) {
        for (const int batch : batches) {
            SqlStoreConfig c;
            c.databasePath = dir + u"/bench-%1.sqlite"_s.arg(++counter);
            c.sqliteSync = s;
            c.maxBatch = batch;
            setups.append(
                    {u"sqlite %1 batch<=%2"_s
                             .arg(s == SqlStoreConfig::SqliteSync::Full ? u"FULL"_s : u"NORMAL"_s)
                             .arg(batch),
                     c});
        }
    }
    if (parser.isSet(mysqlOption)) {
        const QStringList spec = parser.value(mysqlOption).split(u':');
        if (spec.size() != 5) {
            std::fprintf(stderr, "--mysql wants host:port:user:password:database\n");
            return 2;
        }
        for (const int batch : batches) {
            SqlStoreConfig c;
            c.driver = SqlStoreConfig::Driver::MySql;
            c.hostName = spec[0];
            c.port = spec[1].toInt();
            c.userName = spec[2];
            c.password = spec[3];
            c.databaseName = spec[4];
            c.tablePrefix = u"bench%1_%2_"_s.arg(QCoreApplication::applicationPid()).arg(++counter);
            c.maxBatch = batch;
            setups.append({u"mariadb batch<=%1 (prefix %2)"_s.arg(batch).arg(c.tablePrefix), c});
        }
    }

    QTextStream out(stdout);
    out << "messages per run: " << messages << ", in flight: " << inFlight << Qt::endl;
    out << qSetFieldWidth(36) << Qt::left << "setup" << qSetFieldWidth(12) << Qt::right << "msg/s"
        << "commits"
        << "rows/commit"
        << "p50 ms"
        << "p99 ms"
        << "max ms"
        << "store us/msg" << qSetFieldWidth(0) << Qt::endl;
    int status = 0;
    for (const Setup &setup : std::as_const(setups)) {
        SqlStore store(setup.config);
        const auto opened = store.open();
        if (!opened.ok()) {
            out << setup.label << ": cannot open: " << opened.error().message << Qt::endl;
            status = 1;
            continue;
        }
        QObject context;
        bool ready = false;
        bool userOk = false;
        qint64 roomId = 0;
        store.upsertUser(
                {1, u"Bench"_s, {}, chat::auth::Membership::Free, chat::auth::Role::Member},
                &context, [&](Result<User> r) { userOk = r.ok(); });
        store.roomBySlug(u"general"_s, &context, [&](Result<Room> r) {
            roomId = r.ok() ? r->id : 0;
            ready = true;
        });
        while (!ready)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        if (!userOk || roomId == 0) {
            out << setup.label << ": cannot set up the user and room" << Qt::endl;
            status = 1;
            continue;
        }

        Runner runner(&store, roomId, messages, inFlight);
        const RunResult r = runner.run();
        if (!r.ok)
            status = 1;
        out << qSetFieldWidth(36) << Qt::left << setup.label << qSetFieldWidth(12) << Qt::right
            << qRound(double(messages) / r.seconds) << r.commits
            << QString::number(double(messages) / double(qMax<quint64>(1, r.commits)), 'f', 1)
            << QString::number(percentileMs(r.latenciesNs, 0.50), 'f', 2)
            << QString::number(percentileMs(r.latenciesNs, 0.99), 'f', 2)
            << QString::number(percentileMs(r.latenciesNs, 1.0), 'f', 2)
            << (r.storageCpuNs < 0
                        ? u"-"_s
                        : QString::number(double(r.storageCpuNs) / 1e3 / double(messages), 'f', 2))
            << qSetFieldWidth(0) << (r.ok ? "" : "  (failures)") << Qt::endl;
    }
    // The MariaDB runs leave nothing behind.
    for (const Setup &setup : std::as_const(setups)) {
        if (setup.config.driver != SqlStoreConfig::Driver::MySql)
            continue;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QMYSQL"_s, u"cleanup"_s);
            db.setHostName(setup.config.hostName);
            db.setPort(setup.config.port);
            db.setUserName(setup.config.userName);
            db.setPassword(setup.config.password);
            db.setDatabaseName(setup.config.databaseName);
            if (db.open()) {
                const sql::TableNames t(setup.config.tablePrefix);
                for (const QString &table :
                     {t.accounts, t.members, t.messages, t.rooms, t.users, t.schemaVersion}) {
                    QSqlQuery(db).exec(u"DROP TABLE IF EXISTS "_s + table);
                }
            }
        }
        QSqlDatabase::removeDatabase(u"cleanup"_s);
    }
    return status;
}
