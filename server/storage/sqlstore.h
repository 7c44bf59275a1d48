// SPDX-License-Identifier: MIT
#pragma once

#include "store.h"

#include <QtCore/QString>

#include <memory>

namespace chat::storage {

namespace sql {
class Engine;
class Job;
struct Queries;
} // namespace sql

//! \brief Where and how SqlStore keeps its data.
struct SqlStoreConfig
{
    enum class Driver : quint8 {
        //! QSQLITE: one file (or ":memory:"), WAL journal.
        Sqlite,
        //! QMYSQL: MariaDB or MySQL 8, e.g. the WordPress database.
        MySql,
    };
    //! SQLite's synchronous setting. Both keep every acknowledged message across a crash of
    //! the process; only Full also keeps it across a power loss or kernel crash, because it
    //! syncs the WAL at every commit. Group commit pays that sync once per batch, which is why
    //! Full is the default.
    enum class SqliteSync : quint8 { Normal, Full };

    Driver driver = Driver::Sqlite;

    //! SQLite: the database file (created if missing), or ":memory:" for a private database
    //! that lives as long as the store.
    QString databasePath{};
    SqliteSync sqliteSync = SqliteSync::Full;

    //! MariaDB/MySQL. Use "127.0.0.1", not "localhost" (libmariadb then ignores the port and
    //! looks for the default socket).
    QString hostName = QStringLiteral("127.0.0.1");
    int port = 3306;
    QString userName{};
    QString password{};
    QString databaseName{};
    //! Passed to QSqlDatabase::setConnectOptions(), e.g. "UNIX_SOCKET=/run/mysqld/mysqld.sock".
    QString connectOptions{};

    //! Prepended to every table name: "wp_kgai_" inside the WordPress database. Letters,
    //! digits and '_' only.
    QString tablePrefix{};

    //! Operations per transaction at most (group commit). 1 gives one transaction per
    //! operation, for comparison.
    int maxBatch = 256;
};

//! \brief Store on QSqlDatabase: SQLite by default, MariaDB/MySQL through QMYSQL.
//!
//! All SQL runs on one worker thread that owns the store's named connection; callers only
//! queue operations (see Store for how results come back). The worker takes every queued
//! operation, up to maxBatch, runs them in one transaction, commits, and only then delivers
//! their results: a burst of messages costs one commit (one fsync) instead of one each, and
//! the batch grows by itself with the load. If one operation of a batch fails, the batch is
//! run again with a savepoint around each write so that the failure stays its own. Lost
//! transactions (deadlock, busy database) and lost connections are retried up to three times.
//!
//! open() creates the schema or migrates it to the current version (in order, one
//! transaction each; serialised between instances on MariaDB/MySQL with GET_LOCK) and seeds
//! the default rooms on first start. Destroying the store (or close()) finishes every queued
//! operation first.
class SqlStore final : public Store
{
public:
    explicit SqlStore(SqlStoreConfig config);
    ~SqlStore() override;

    SqlStore(const SqlStore &) = delete;
    SqlStore &operator=(const SqlStore &) = delete;

    //! Starts the worker, connects and migrates. Blocks until done; call it once at startup.
    //! Operations submitted before a successful open() fail with Unavailable.
    Result<void> open();
    //! Finishes queued operations and disconnects. Blocks. Later operations fail with
    //! Unavailable.
    void close();
    bool isOpen() const;

    //! The schema version of the open database.
    int schemaVersion() const;
    //! The version this build migrates to.
    static int latestSchemaVersion();

    struct Statistics
    {
        //! Batches executed (read-only ones included).
        quint64 batches = 0;
        //! Transactions committed.
        quint64 commits = 0;
        //! Operations completed, successfully or not.
        quint64 operations = 0;
        //! The largest number of operations in one batch so far.
        quint64 largestBatch = 0;
    };
    //! Counters since open(). Thread-safe.
    Statistics statistics() const;

    const SqlStoreConfig &config() const { return m_config; }

    void ping(QObject *context, Callback<void> done) override;

    void upsertUser(const auth::Identity &identity, QObject *context, Callback<User> done) override;
    void userById(qint64 userId, QObject *context, Callback<User> done) override;
    void usersByIds(const QList<qint64> &userIds, QObject *context,
                    Callback<QList<User>> done) override;

    void createLocalAccount(const NewLocalAccount &account, QObject *context,
                            Callback<LocalAccount> done) override;
    void findLocalAccount(const QString &username, QObject *context,
                          Callback<LocalAccount> done) override;

    void listRooms(RoomType type, bool includeArchived, QObject *context,
                   Callback<QList<Room>> done) override;
    void roomById(qint64 roomId, QObject *context, Callback<Room> done) override;
    void roomBySlug(const QString &slug, QObject *context, Callback<Room> done) override;
    void createRoom(const NewRoom &room, QObject *context, Callback<Room> done) override;

    void appendMessage(const NewMessage &message, QObject *context,
                       Callback<AppendResult> done) override;
    void editMessage(qint64 messageId, const QString &text, QObject *context,
                     Callback<Message> done) override;
    void deleteMessage(qint64 messageId, QObject *context, Callback<Message> done) override;
    void messageById(qint64 messageId, QObject *context, Callback<Message> done) override;
    void history(qint64 roomId, qint64 beforeId, int limit, QObject *context,
                 Callback<MessagePage> done) override;
    void messagesAfter(qint64 roomId, qint64 sinceId, int limit, QObject *context,
                       Callback<MessagePage> done) override;

    void joinRoom(qint64 roomId, qint64 userId, Role role, QObject *context,
                  Callback<Member> done) override;
    void isMember(qint64 roomId, qint64 userId, QObject *context, Callback<bool> done) override;
    void members(qint64 roomId, int offset, int limit, QObject *context,
                 Callback<MemberPage> done) override;
    void setLastRead(qint64 roomId, qint64 userId, qint64 messageId, QObject *context,
                     Callback<bool> done) override;
    void unreadCounts(qint64 userId, QObject *context, Callback<QList<UnreadCount>> done) override;

private:
    void enqueue(std::unique_ptr<sql::Job> job);
    template<typename T, typename Work>
    void submit(bool writes, QObject *context, Callback<T> done, Work &&work);

    SqlStoreConfig m_config;
    // Jobs refer to the queries; the engine is stopped (every job done) before they go.
    std::unique_ptr<const sql::Queries> m_queries;
    std::unique_ptr<sql::Engine> m_engine;
};

} // namespace chat::storage
