// SPDX-License-Identifier: MIT
#include "sqlsession.h"

#include "logging.h"

#include <QtSql/QSqlDriver>

#include <sqlite3.h>

using namespace Qt::StringLiterals;

namespace chat::storage::sql {

namespace {

int nativeCode(const QSqlError &error)
{
    bool ok = false;
    const int code = error.nativeErrorCode().toInt(&ok);
    return ok ? code : -1;
}

// Primary result codes. QSQLITE reports extended codes (787 is SQLITE_CONSTRAINT_FOREIGNKEY),
// whose low byte is the primary code.
enum SqliteCode {
    SqliteBusy = 5,
    SqliteLocked = 6,
    SqliteNoMem = 7,
    SqliteIoErr = 10,
    SqliteCorrupt = 11,
    SqliteFull = 13,
    SqliteConstraint = 19,
    SqliteNotADb = 26,
};

enum MySqlCode {
    MySqlDuplicateKey = 1062,
    MySqlNoReferencedRow = 1452,
    MySqlNoReferencedRowOld = 1216,
    MySqlLockWaitTimeout = 1205,
    MySqlDeadlock = 1213,
    MySqlServerShutdown = 1053,
    MySqlConnectionKilled = 1927,
    MySqlClientInactive = 4031,
    MySqlCannotConnectSocket = 2002,
    MySqlCannotConnectTcp = 2003,
    MySqlServerGone = 2006,
    MySqlLostConnection = 2013,
    MySqlServerLost = 2055,
};

int primaryCode(const QSqlError &error, Dialect dialect)
{
    const int code = nativeCode(error);
    return dialect == Dialect::Sqlite && code > 0 ? code & 0xff : code;
}

} // namespace

// QSqlError::type() is no guide: QSQLITE reports a failed constraint as a ConnectionError.
FailureScope failureScope(const QSqlError &error, Dialect dialect)
{
    const int code = primaryCode(error, dialect);
    if (dialect == Dialect::Sqlite) {
        switch (code) {
        case SqliteBusy:
        case SqliteLocked:
        case SqliteNoMem:
        case SqliteIoErr:
        case SqliteCorrupt:
        case SqliteFull:
        case SqliteNotADb:
            // SQLite may have rolled the transaction back by itself after these.
            return FailureScope::Transaction;
        default:
            return FailureScope::Statement;
        }
    }
    switch (code) {
    case MySqlDeadlock:
    case MySqlLockWaitTimeout:
        return FailureScope::Transaction;
    case MySqlServerShutdown:
    case MySqlConnectionKilled:
    case MySqlClientInactive:
    case MySqlCannotConnectSocket:
    case MySqlCannotConnectTcp:
    case MySqlServerGone:
    case MySqlLostConnection:
    case MySqlServerLost:
        return FailureScope::Connection;
    default:
        return FailureScope::Statement;
    }
}

Error toError(const QSqlError &error, Dialect dialect)
{
    const QString text = error.text();
    const int code = primaryCode(error, dialect);
    if (dialect == Dialect::Sqlite && code == SqliteConstraint) {
        if (error.databaseText().contains("UNIQUE"_L1)
            || error.databaseText().contains("PRIMARY KEY"_L1))
            return {ErrorKind::Conflict, text};
        if (error.databaseText().contains("FOREIGN KEY"_L1))
            return {ErrorKind::NotFound, text};
        return {ErrorKind::InvalidArgument, text};
    }
    if (dialect == Dialect::MySql) {
        if (code == MySqlDuplicateKey)
            return {ErrorKind::Conflict, text};
        if (code == MySqlNoReferencedRow || code == MySqlNoReferencedRowOld)
            return {ErrorKind::NotFound, text};
    }
    if (failureScope(error, dialect) != FailureScope::Statement)
        return {ErrorKind::Unavailable, text};
    return {ErrorKind::Internal, text};
}

qint64 Session::firstInsertedId(const QSqlQuery &query, qsizetype rows) const
{
    const qint64 reported = query.lastInsertId().toLongLong();
    if (reported <= 0)
        return 0;
    return m_dialect == Dialect::Sqlite ? reported - rows + 1 : reported;
}

Session::Session(QSqlDatabase database, Dialect dialect, const QString &tablePrefix)
    : m_owner(QThread::currentThread()),
      m_db(std::move(database)),
      m_dialect(dialect),
      m_tables(tablePrefix)
{ }

void Session::assertThread() const
{
    Q_ASSERT_X(QThread::currentThread() == m_owner, "chat::storage::sql::Session",
               "a database connection used outside the thread that opened it");
}

Session::~Session()
{
    clearStatements();
}

QSqlQuery *Session::prepare(const QString &sql)
{
    assertThread();
    if (auto it = m_statements.constFind(sql); it != m_statements.cend())
        return it->get();
    auto query = std::make_shared<QSqlQuery>(m_db);
    query->setForwardOnly(true);
    if (!query->prepare(sql)) {
        recordFailure(query->lastError(), sql);
        return nullptr;
    }
    m_statements.insert(sql, query);
    return query.get();
}

bool Session::exec(QSqlQuery *query)
{
    if (query->exec())
        return true;
    recordFailure(query->lastError(), query->lastQuery());
    query->finish();
    return false;
}

bool Session::execDirect(const QString &sql, const QVariantList &bindings)
{
    assertThread();
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    bool ok = false;
    if (bindings.isEmpty()) {
        ok = query.exec(sql);
    } else {
        ok = query.prepare(sql);
        for (const QVariant &value : bindings)
            query.addBindValue(value);
        ok = ok && query.exec();
    }
    if (!ok)
        recordFailure(query.lastError(), sql);
    return ok;
}

bool Session::begin()
{
    // IMMEDIATE takes the write lock up front: a deferred transaction that upgrades later can
    // fail with SQLITE_BUSY halfway through a batch when another process holds the lock.
    return execDirect(m_dialect == Dialect::Sqlite ? u"BEGIN IMMEDIATE"_s : u"START TRANSACTION"_s);
}

bool Session::commit()
{
    return execDirect(u"COMMIT"_s);
}

void Session::rollback()
{
    QSqlQuery query(m_db);
    if (!query.exec(u"ROLLBACK"_s))
        qCDebug(lcStorage) << "rollback:" << query.lastError().text();
}

std::optional<QSqlError> Session::takeFailure()
{
    return std::exchange(m_failure, std::nullopt);
}

Error Session::lastError() const
{
    if (!m_lastFailure.isValid())
        return {ErrorKind::Internal, u"unknown database error"_s};
    return toError(m_lastFailure, m_dialect);
}

void Session::clearStatements()
{
    m_statements.clear();
    m_sqliteStatements.clear();
    m_sqlite = nullptr;
    m_sqliteChecked = false;
}

bool Session::hasSqliteHandle()
{
    assertThread();
    if (m_sqliteChecked)
        return m_sqlite != nullptr;
    if (m_dialect != Dialect::Sqlite || !m_db.isOpen())
        return false;
    m_sqliteChecked = true;
    const QVariant handle = m_db.driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return false;
    sqlite3 *db = *static_cast<sqlite3 *const *>(handle.constData());
    if (!db)
        return false;
    // A QSQLITE built on a copy of SQLite of its own (as in Qt's binary installers) hands out
    // handles that this library's SQLite must not touch. Such a copy usually gives itself away
    // by its version; the appends then stay on QtSql, only slower.
    QSqlQuery query(m_db);
    const QString version = query.exec(u"SELECT sqlite_version()"_s) && query.next()
            ? query.value(0).toString()
            : QString();
    if (version != QLatin1StringView(sqlite3_libversion())) {
        qCWarning(lcStorage).noquote()
                << "QSQLITE runs SQLite" << version << "but chat_storage links"
                << sqlite3_libversion() << "- appends go through QtSql";
        return false;
    }
    m_sqlite = db;
    return true;
}

SqliteStatement *Session::prepareSqlite(const QString &sql)
{
    assertThread();
    if (auto it = m_sqliteStatements.constFind(sql); it != m_sqliteStatements.cend())
        return it->get();
    if (!hasSqliteHandle()) {
        recordFailure(QSqlError(u"Unable to prepare statement"_s, u"no native SQLite handle"_s,
                                QSqlError::StatementError),
                      sql);
        return nullptr;
    }
    int code = SQLITE_OK;
    std::shared_ptr<SqliteStatement> statement
            = SqliteStatement::prepare(m_sqlite, sql.toUtf8(), &code);
    if (!statement) {
        recordFailure(QSqlError(u"Unable to prepare statement"_s,
                                QString::fromUtf8(sqlite3_errmsg(m_sqlite)),
                                QSqlError::StatementError, QString::number(code)),
                      sql);
        return nullptr;
    }
    m_sqliteStatements.insert(sql, statement);
    return statement.get();
}

void Session::recordSqliteFailure(SqliteStatement *statement, const QString &sql)
{
    const int code = statement->code();
    // The connection's message belongs to this failure unless a later call replaced it, as a
    // bind refused before the step would be by the binds after it.
    const QString message = QString::fromUtf8(sqlite3_extended_errcode(m_sqlite) == code
                                                      ? sqlite3_errmsg(m_sqlite)
                                                      : sqlite3_errstr(code));
    statement->reset();
    recordFailure(QSqlError(u"Unable to execute statement"_s, message, QSqlError::StatementError,
                            QString::number(code)),
                  sql);
}

void Session::recordFailure(const QSqlError &error, const QString &sql)
{
    // A refused constraint is an answer (a taken name, a missing room), not a fault: a client
    // can cause any number of them, so they must not flood the log.
    switch (toError(error, m_dialect).kind) {
    case ErrorKind::NotFound:
    case ErrorKind::Conflict:
    case ErrorKind::InvalidArgument:
        qCDebug(lcStorage).noquote()
                << "SQL refused:" << error.text() << "in:" << sql.simplified().left(200);
        break;
    case ErrorKind::Unavailable:
    case ErrorKind::Internal:
        qCWarning(lcStorage).noquote()
                << "SQL failed:" << error.text() << "(" << error.nativeErrorCode()
                << ") in:" << sql.simplified().left(200);
        break;
    }
    m_failure = error;
    m_lastFailure = error;
}

} // namespace chat::storage::sql
