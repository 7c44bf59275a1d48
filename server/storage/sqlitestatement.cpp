// SPDX-License-Identifier: MIT
#include "sqlitestatement.h"

#include <sqlite3.h>

namespace chat::storage::sql {

std::unique_ptr<SqliteStatement> SqliteStatement::prepare(sqlite3 *db, QByteArrayView sql,
                                                          int *code)
{
    sqlite3_stmt *statement = nullptr;
    // PERSISTENT: the statement is cached for the connection's lifetime, so SQLite may keep it
    // out of its lookaside memory.
    const int result = sqlite3_prepare_v3(db, sql.data(), int(sql.size()),
                                          SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
    if (result != SQLITE_OK || !statement) {
        sqlite3_finalize(statement);
        *code = result != SQLITE_OK ? sqlite3_extended_errcode(db) : SQLITE_MISUSE;
        return nullptr;
    }
    return std::unique_ptr<SqliteStatement>(new SqliteStatement(db, statement));
}

SqliteStatement::SqliteStatement(sqlite3 *db, sqlite3_stmt *statement)
    : m_db(db), m_statement(statement)
{ }

SqliteStatement::~SqliteStatement()
{
    sqlite3_finalize(m_statement);
}

void SqliteStatement::bound(int result)
{
    if (result != SQLITE_OK && m_code == SQLITE_OK)
        m_code = result;
}

void SqliteStatement::bindInt64(int index, qint64 value)
{
    bound(sqlite3_bind_int64(m_statement, index, value));
}

void SqliteStatement::bindNull(int index)
{
    bound(sqlite3_bind_null(m_statement, index));
}

void SqliteStatement::bindText(int index, QByteArrayView utf8)
{
    // An empty view may have no data pointer, which SQLite would bind as NULL.
    const char *data = utf8.isEmpty() ? "" : utf8.data();
    bound(sqlite3_bind_text64(m_statement, index, data, sqlite3_uint64(utf8.size()), SQLITE_STATIC,
                              SQLITE_UTF8));
}

SqliteStatement::Step SqliteStatement::step()
{
    if (m_code != SQLITE_OK)
        return Step::Failed;
    switch (sqlite3_step(m_statement)) {
    case SQLITE_ROW:
        return Step::Row;
    case SQLITE_DONE:
        return Step::Done;
    default:
        // The extended code (SQLITE_CONSTRAINT_FOREIGNKEY rather than SQLITE_CONSTRAINT), as
        // QSQLITE reports it: failureScope() and toError() read the primary code from its low
        // byte either way.
        m_code = sqlite3_extended_errcode(m_db);
        if (m_code == SQLITE_OK)
            m_code = SQLITE_ERROR;
        return Step::Failed;
    }
}

qint64 SqliteStatement::columnInt64(int column) const
{
    return sqlite3_column_int64(m_statement, column);
}

QByteArrayView SqliteStatement::columnText(int column) const
{
    const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(m_statement, column));
    return {text, sqlite3_column_bytes(m_statement, column)};
}

qint64 SqliteStatement::changes() const
{
    return sqlite3_changes64(m_db);
}

qint64 SqliteStatement::lastInsertRowId() const
{
    return sqlite3_last_insert_rowid(m_db);
}

void SqliteStatement::reset()
{
    // The result of reset repeats the last step's failure, which the caller has already seen.
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
    m_code = SQLITE_OK;
}

} // namespace chat::storage::sql
