// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QLatin1StringView>
#include <QtCore/QList>
#include <QtCore/QString>
#include <QtCore/QVariant>

//! The SQL schema and its migrations. Internal to chat_storage (tests read it too).
//!
//! Tables (prefix + name; the prefix is "wp_kgai_" when sharing the WordPress database):
//! chat_users, chat_accounts, chat_rooms, chat_messages, chat_members, and
//! chat_schema_version (one row per applied migration). Times are BIGINT milliseconds since
//! the epoch, UTC: exact, portable between SQLite and MariaDB/MySQL, and free of the server
//! time zone that DATETIME columns would depend on.
//!
//! Features to come are added as further migrations, never by editing an applied one:
//! private chat (a chat_private_pairs table: user_lo, user_hi unique, room_id; a chat_blocks
//! table), random chat (chat_random as in the seed, chat_reports, chat_bans, and an index on
//! chat_messages(created_at) for the 24-hour purge), moderation (chat_audit_log). Rooms
//! already carry a type (community | private | random) and messages a room id, so none of
//! these needs to rebuild an existing table. Enumerations are plain VARCHAR columns checked
//! by the code, so a new value (say a room type) is not a schema change either.
namespace chat::storage::sql {

enum class Dialect : quint8 { Sqlite, MySql };

//! \brief Table names under a prefix.
struct TableNames
{
    explicit TableNames(const QString &prefix);

    QString prefix;
    QString users;
    QString accounts;
    QString rooms;
    QString messages;
    QString members;
    QString schemaVersion;
};

//! \brief One statement of a migration, with its positional bindings.
struct Statement
{
    QString sql;
    QVariantList bindings;
};

//! \brief A schema step. Steps run in version order, each in its own transaction together
//! with the row that records it in chat_schema_version. On MariaDB/MySQL, DDL commits
//! implicitly, so every statement is written to be harmless when repeated (IF NOT EXISTS,
//! insert-or-ignore) and a step interrupted half-way completes on the next start.
struct Migration
{
    int version;
    QLatin1StringView description;
    QList<Statement> (*statements)(Dialect dialect, const TableNames &tables, qint64 nowMsecs);
};

//! All migrations, in version order (versions 1, 2, ... without gaps). Only append.
const QList<Migration> &migrations();
//! The version a fully migrated database has.
int latestSchemaVersion();

//! The bootstrap statement that creates chat_schema_version.
QString createSchemaVersionTable(Dialect dialect, const TableNames &tables);

//! A prefix is interpolated into SQL, so only [A-Za-z0-9_] (at most 32 characters) is allowed.
bool isValidTablePrefix(QStringView prefix);

//! \brief The rooms created on first start: slug, icon, name, description.
struct DefaultRoom
{
    QLatin1StringView slug;
    QString icon;
    QLatin1StringView name;
    QLatin1StringView description;
};
const QList<DefaultRoom> &defaultRooms();

} // namespace chat::storage::sql
