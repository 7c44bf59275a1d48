// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArrayView>
#include <QtCore/QtGlobal>

#include <memory>

struct sqlite3;
struct sqlite3_stmt;

//! Internal to chat_storage.
namespace chat::storage::sql {

//! \brief A statement prepared on SQLite's own API, for the hot paths of the store.
//!
//! QtSql costs more than SQLite's own work there: Qt 6.4 formats and hashes a placeholder
//! name for every positional bindValue(), wraps each value in a QVariant, and binds text as
//! UTF-16 that SQLite then converts to UTF-8. This binds integers and UTF-8 directly.
//!
//! The statement belongs to the connection's Session, which finalizes it before the
//! connection closes. A bind that fails is remembered and makes the next step() fail with its
//! code, so that callers check once per execution rather than once per value.
class SqliteStatement
{
public:
    enum class Step : quint8 { Row, Done, Failed };

    //! Prepares \a sql on \a db; nullptr with *code set when SQLite refuses it.
    static std::unique_ptr<SqliteStatement> prepare(sqlite3 *db, QByteArrayView sql, int *code);
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement &) = delete;
    SqliteStatement &operator=(const SqliteStatement &) = delete;

    //! Parameters are numbered from 1, as in SQLite.
    void bindInt64(int index, qint64 value);
    void bindNull(int index);
    //! Binds \a utf8 without copying it: it must stay alive and unchanged until reset().
    void bindText(int index, QByteArrayView utf8);

    //! Runs the statement to its next row; after Failed, code() tells why.
    Step step();
    //! The extended result code of the last failure.
    int code() const { return m_code; }

    qint64 columnInt64(int column) const;
    //! The UTF-8 of a text column, valid until the next step() or reset().
    QByteArrayView columnText(int column) const;

    //! Rows changed by the last INSERT, UPDATE or DELETE on the connection.
    qint64 changes() const;
    //! The rowid of the last row inserted on the connection.
    qint64 lastInsertRowId() const;

    //! Ends the execution and drops the bound values. Needed after every execution: a reading
    //! statement left open keeps its snapshot of the WAL, and bound text points into the
    //! caller's buffers.
    void reset();

private:
    SqliteStatement(sqlite3 *db, sqlite3_stmt *statement);
    void bound(int result);

    sqlite3 *m_db;
    sqlite3_stmt *m_statement;
    int m_code = 0;
};

} // namespace chat::storage::sql
