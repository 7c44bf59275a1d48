// SPDX-License-Identifier: MIT
#include "sqlschema.h"

using namespace Qt::StringLiterals;

namespace chat::storage::sql {

TableNames::TableNames(const QString &prefix_)
    : prefix(prefix_),
      users(prefix_ + "chat_users"_L1),
      accounts(prefix_ + "chat_accounts"_L1),
      rooms(prefix_ + "chat_rooms"_L1),
      messages(prefix_ + "chat_messages"_L1),
      members(prefix_ + "chat_members"_L1),
      schemaVersion(prefix_ + "chat_schema_version"_L1)
{ }

bool isValidTablePrefix(QStringView prefix)
{
    if (prefix.size() > 32)
        return false;
    for (const QChar c : prefix) {
        const char16_t u = c.unicode();
        const bool ok = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9')
                || u == '_';
        if (!ok)
            return false;
    }
    return true;
}

const QList<DefaultRoom> &defaultRooms()
{
    static const QList<DefaultRoom> rooms = {
            {"general"_L1, u"\U0001F4AC"_s, "General"_L1,
             "Introductions and everything else: say hello here."_L1},
            {"ai-tools"_L1, u"\U0001F916"_s, "AI Tools"_L1,
             "ChatGPT, Gemini, Claude and the other AI tools: tips, prompts and news."_L1},
            {"n8n-automation"_L1, u"\u26A1"_s, "n8n Automation"_L1,
             "n8n workflows, integrations and automation ideas."_L1},
            {"vibe-coding"_L1, u"\U0001F4BB"_s, "Vibe Coding"_L1,
             "Coding with AI: templates, projects and show-and-tell."_L1},
            {"blockchain"_L1, u"\U0001F517"_s, "Blockchain"_L1,
             "Web3, smart contracts and DeFi."_L1},
            {"help"_L1, u"\U0001F198"_s, "Help"_L1, "Questions and answers, technical support."_L1},
    };
    return rooms;
}

namespace {

// Differences between the dialects, kept to these few spellings so that the DDL below reads
// the same for both.
struct Spelling
{
    QString id; // auto-increment primary key
    QString tableOptions; // after the closing parenthesis
    QString exact; // after a VARCHAR compared byte for byte (slugs, keys, client ids)
};

Spelling spelling(Dialect dialect)
{
    if (dialect == Dialect::Sqlite) {
        // AUTOINCREMENT: ids are never reused, even after the newest rows are deleted (random
        // chat deletes messages), so "a bigger id is a newer message" holds forever.
        return {u"INTEGER PRIMARY KEY AUTOINCREMENT"_s, QString(), QString()};
    }
    return {u"BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY"_s,
            u" ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"_s,
            u" CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"_s};
}

// A secondary index: inline in CREATE TABLE on MariaDB/MySQL (MySQL has no CREATE INDEX IF
// NOT EXISTS), a separate statement on SQLite (whose CREATE TABLE has no INDEX clause).
struct Index
{
    QString name;
    QString columns;
};

QList<Statement> createTable(Dialect dialect, const TableNames &t, const QString &table,
                             const QString &body, const QList<Index> &indexes)
{
    const Spelling s = spelling(dialect);
    QString sql = u"CREATE TABLE IF NOT EXISTS "_s + table + u" (\n"_s + body;
    if (dialect == Dialect::MySql) {
        for (const Index &index : indexes)
            sql += u",\n  INDEX "_s + index.name + u" ("_s + index.columns + u')';
    }
    sql += u"\n)"_s + s.tableOptions;
    QList<Statement> out{{sql, {}}};
    if (dialect == Dialect::Sqlite) {
        // SQLite index names are global to the database, hence the prefix.
        for (const Index &index : indexes) {
            out.append({u"CREATE INDEX IF NOT EXISTS "_s + t.prefix + index.name + u" ON "_s + table
                                + u" ("_s + index.columns + u')',
                        {}});
        }
    }
    return out;
}

QList<Statement> migration1(Dialect dialect, const TableNames &t, qint64 now)
{
    const Spelling s = spelling(dialect);
    QList<Statement> out;

    out += createTable(dialect, t, t.users, u"  id "_s + s.id + uR"(,
  name VARCHAR(200) NOT NULL,
  avatar VARCHAR(1024) NOT NULL,
  membership VARCHAR(16) NOT NULL DEFAULT 'free',
  role VARCHAR(16) NOT NULL DEFAULT 'member',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL)"_s,
                       {});

    out += createTable(dialect, t, t.accounts,
                       uR"(  user_id BIGINT NOT NULL PRIMARY KEY,
  username VARCHAR(64) NOT NULL,
  username_key VARCHAR(255))"_s + s.exact
                               + uR"( NOT NULL,
  password_hash VARCHAR(255) NOT NULL,
  created_at BIGINT NOT NULL,
  CONSTRAINT uk_username_key UNIQUE (username_key),
  FOREIGN KEY (user_id) REFERENCES )"_s
                               + t.users + u"(id)"_s,
                       {});

    out
            += createTable(dialect, t, t.rooms, u"  id "_s + s.id + uR"(,
  slug VARCHAR(100))"_s + s.exact + uR"( NOT NULL,
  name VARCHAR(200) NOT NULL,
  description TEXT,
  type VARCHAR(16) NOT NULL DEFAULT 'community',
  icon VARCHAR(50) NOT NULL DEFAULT '💬',
  max_members INT NOT NULL DEFAULT 0,
  is_active TINYINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  CONSTRAINT uk_slug UNIQUE (slug))"_s,
                           {{u"idx_rooms_type"_s, u"type, is_active"_s}});

    out += createTable(dialect, t, t.messages,
                       u"  id "_s + s.id + uR"(,
  room_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  message TEXT NOT NULL,
  message_type VARCHAR(16) NOT NULL DEFAULT 'text',
  reply_to BIGINT NULL,
  client_id VARCHAR(64))"_s + s.exact
                               + uR"( NULL,
  is_deleted TINYINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  edited_at BIGINT NULL,
  CONSTRAINT uk_client_id UNIQUE (room_id, user_id, client_id),
  FOREIGN KEY (room_id) REFERENCES )"_s
                               + t.rooms + uR"((id),
  FOREIGN KEY (user_id) REFERENCES )"_s
                               + t.users + u"(id)"_s,
                       // Ids order messages within a room: every page is a range of this index.
                       {{u"idx_messages_room_id"_s, u"room_id, id"_s},
                        {u"idx_messages_user"_s, u"user_id"_s}});

    out += createTable(dialect, t, t.members,
                       u"  id "_s + s.id + uR"(,
  room_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  role VARCHAR(16) NOT NULL DEFAULT 'member',
  last_read_message_id BIGINT NOT NULL DEFAULT 0,
  last_read_at BIGINT NULL,
  joined_at BIGINT NOT NULL,
  CONSTRAINT uk_room_user UNIQUE (room_id, user_id),
  FOREIGN KEY (room_id) REFERENCES )"_s
                               + t.rooms + uR"((id),
  FOREIGN KEY (user_id) REFERENCES )"_s
                               + t.users + u"(id)"_s,
                       {{u"idx_members_user"_s, u"user_id"_s}});

    const QString insertRoom = u"INSERT "_s + (dialect == Dialect::MySql ? u"IGNORE "_s : QString())
            + u"INTO "_s + t.rooms
            + u" (slug, name, description, type, icon, max_members, is_active, created_at)"
              u" VALUES (?, ?, ?, 'community', ?, 0, 1, ?)"_s
            + (dialect == Dialect::Sqlite ? u" ON CONFLICT (slug) DO NOTHING"_s : QString());
    for (const DefaultRoom &room : defaultRooms()) {
        out.append({insertRoom,
                    {QString(room.slug), QString(room.name), QString(room.description), room.icon,
                     now}});
    }
    return out;
}

} // namespace

const QList<Migration> &migrations()
{
    static const QList<Migration> all = {
            {1, "users, accounts, rooms, messages, members; default rooms"_L1, &migration1},
    };
    return all;
}

int latestSchemaVersion()
{
    return migrations().constLast().version;
}

QString createSchemaVersionTable(Dialect dialect, const TableNames &tables)
{
    return u"CREATE TABLE IF NOT EXISTS "_s + tables.schemaVersion
            + u" (\n  version INT NOT NULL PRIMARY KEY,\n  description VARCHAR(200) NOT NULL,\n"
              u"  applied_at BIGINT NOT NULL\n)"_s
            + spelling(dialect).tableOptions;
}

} // namespace chat::storage::sql
