// SPDX-License-Identifier: MIT
#pragma once

#include "result.h"
#include "sqlitestatement.h"
#include "sqlschema.h"

#include <QtCore/QHash>
#include <QtCore/QThread>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlError>
#include <QtSql/QSqlQuery>

#include <memory>
#include <optional>

//! Internal to chat_storage: the worker thread's view of its database connection.
namespace chat::storage::sql {

//! \brief How far a failed statement reaches.
enum class FailureScope : quint8 {
    //! Only the statement failed (a constraint, a bad value): the transaction goes on.
    Statement,
    //! The transaction is lost (deadlock, busy, I/O): roll back and retry the batch.
    Transaction,
    //! The connection is lost: reconnect, then retry the batch.
    Connection,
};

FailureScope failureScope(const QSqlError &error, Dialect dialect);
//! The storage error a failed statement stands for.
Error toError(const QSqlError &error, Dialect dialect);

//! \brief One connection, used only by the thread that opened it.
//!
//! Prepared statements are cached by their text: SQL is prepared once per connection instead
//! of once per row. Every failure is logged and remembered until takeFailure(), so the batch
//! executor can tell a failed operation from one that answered "not found".
class Session
{
public:
    Session(QSqlDatabase database, Dialect dialect, const QString &tablePrefix);
    ~Session();
    Session(const Session &) = delete;
    Session &operator=(const Session &) = delete;

    Dialect dialect() const { return m_dialect; }
    const TableNames &tables() const { return m_tables; }
    QSqlDatabase &database() { return m_db; }

    //! A prepared statement for \a sql (cached), or nullptr after recording the failure.
    QSqlQuery *prepare(const QString &sql);
    //! Executes a prepared statement; false after recording the failure.
    bool exec(QSqlQuery *query);
    //! Executes a statement without preparing it (transaction control, pragmas, DDL).
    bool execDirect(const QString &sql, const QVariantList &bindings = {});

    //! Begins a write transaction.
    bool begin();
    bool commit();
    //! Best effort; failures are logged only.
    void rollback();

    //! The failure recorded since the last call, if any.
    std::optional<QSqlError> takeFailure();
    //! The storage error of the last recorded failure (a generic one if none).
    Error lastError() const;

    //! Forgets prepared statements, e.g. before the connection is reopened. Must run before
    //! the connection closes: SQLite refuses to close a connection with native statements.
    void clearStatements();

    //! SQLite only: a statement for \a sql prepared on the connection's native handle, cached
    //! like prepare(). nullptr after recording the failure, which includes a handle that
    //! hasSqliteHandle() refuses: callers choose between this and prepare() with it.
    SqliteStatement *prepareSqlite(const QString &sql);
    //! True when the connection is SQLite and its handle is one this library may use: QSQLITE
    //! must run on the SQLite that chat_storage links, not a copy of its own.
    bool hasSqliteHandle();
    //! Records the failure of \a statement, then resets it.
    void recordSqliteFailure(SqliteStatement *statement, const QString &sql);

    //! Records a failure found by the caller rather than by the driver.
    void recordFailure(const QSqlError &error, const QString &sql);

    //! True when one multi-row INSERT gets consecutive auto-increment ids, so that appends can
    //! share statements: SQLite (one writer, AUTOINCREMENT), or InnoDB with
    //! innodb_autoinc_lock_mode 0 or 1 and an increment of 1.
    bool consecutiveIds() const { return m_consecutiveIds; }
    void setConsecutiveIds(bool consecutive) { m_consecutiveIds = consecutive; }
    //! The id of the first of the \a rows rows that the multi-row INSERT \a query just stored:
    //! MySQL reports the first id, SQLite the last.
    qint64 firstInsertedId(const QSqlQuery &query, qsizetype rows) const;

private:
    void assertThread() const;

    // The thread that opened the connection: QtSql connections must stay in it.
    QThread *const m_owner;
    QSqlDatabase m_db;
    Dialect m_dialect;
    TableNames m_tables;
    QHash<QString, std::shared_ptr<QSqlQuery>> m_statements;
    QHash<QString, std::shared_ptr<SqliteStatement>> m_sqliteStatements;
    // Looked up on first use after every (re)connection.
    sqlite3 *m_sqlite = nullptr;
    bool m_sqliteChecked = false;
    std::optional<QSqlError> m_failure;
    QSqlError m_lastFailure;
    bool m_consecutiveIds = false;
};

} // namespace chat::storage::sql
