// SPDX-License-Identifier: MIT
#include "sqlstore.h"

#include "auth/contextguard.h"
#include "logging.h"
#include "sqlengine.h"
#include "sqlitestatement.h"

#include <QtCore/QDateTime>

#include <algorithm>
#include <array>
#include <bit>
#include <limits>
#include <span>
#include <vector>

using namespace Qt::StringLiterals;

namespace chat::storage {

namespace sql {

// Every statement of the store, spelled once for the dialect and the table prefix. The text is
// also the key of the session's prepared-statement cache.
struct Queries
{
    Queries(Dialect dialect, const TableNames &t);

    QString ping;
    QString upsertUser;
    QString selectUser;
    QString insertLocalUser;
    QString insertAccount;
    QString selectAccountByKey;
    QString listActiveRooms;
    QString listAllRooms;
    QString selectRoomById;
    QString selectRoomBySlug;
    QString insertRoom;
    QString selectMessage;
    QString selectMessageByClientId;
    QString insertMessage;
    //! Appends of a batch in one statement: \a rows rows of 7 positional values each, \a rows
    //! a power of two up to 256. On SQLite, a row whose client id is already stored is skipped.
    const QString &insertMessages(qsizetype rows) const;
    //! The messages matching any of \a keys (room, user, client id) triples, positional.
    const QString &selectMessagesByClientIds(qsizetype keys) const;
    //! The key columns of the last ? messages with ids up to ?, newest first: what one bulk
    //! insert stored, when ? is the last id it stored and ? its row count.
    QString selectLastInserted;
    QString updateMessageText;
    QString markMessageDeleted;
    QString historyBefore;
    QString historyAfter;
    QString insertMember;
    QString selectMember;
    QString memberExists;
    QString membersPage;
    QString membersCount;
    QString selectLastRead;
    QString messageInRoom;
    QString updateLastRead;
    QString unreadCounts;

private:
    QList<QString> m_insertMessages;
    QList<QString> m_selectMessagesByClientIds;
};

namespace {

// Power-of-two pieces, largest first, at most MaxBulkRows rows: a run of any length is covered
// by a handful of statements whose texts (and prepared statements) are shared by every batch.
constexpr qsizetype MaxBulkRows = 256;
constexpr int BulkSizes = 9; // 256, 128, ..., 1

int bulkIndex(qsizetype rows)
{
    Q_ASSERT(rows > 0 && rows <= MaxBulkRows && (rows & (rows - 1)) == 0);
    return int(std::countr_zero(quint64(MaxBulkRows))) - int(std::countr_zero(quint64(rows)));
}

QString repeated(const QString &head, QStringView first, QStringView next, qsizetype count,
                 const QString &tail = {})
{
    QString sql = head;
    sql.reserve(head.size() + count * next.size() + tail.size());
    for (qsizetype i = 0; i < count; ++i)
        sql += i ? next : first;
    return sql + tail;
}

} // namespace

const QString &Queries::insertMessages(qsizetype rows) const
{
    return m_insertMessages.at(bulkIndex(rows));
}

const QString &Queries::selectMessagesByClientIds(qsizetype keys) const
{
    return m_selectMessagesByClientIds.at(bulkIndex(keys));
}

Queries::Queries(Dialect dialect, const TableNames &t)
{
    const bool sqlite = dialect == Dialect::Sqlite;
    const QString userColumns = u"id, name, avatar, membership, role, created_at, updated_at"_s;
    const QString roomColumns
            = u"id, slug, name, description, type, icon, max_members, is_active, created_at"_s;
    const QString messageSelect
            = u"SELECT m.id, m.room_id, m.user_id, u.name, u.avatar, m.message, m.message_type, "
              u"m.reply_to, m.client_id, m.created_at, m.edited_at, m.is_deleted FROM "_s
            + t.messages + u" m LEFT JOIN "_s + t.users + u" u ON u.id = m.user_id "_s;
    const QString memberSelect
            = u"SELECT mb.room_id, mb.user_id, u.name, u.avatar, mb.role, mb.joined_at, "
              u"mb.last_read_message_id, mb.last_read_at FROM "_s
            + t.members + u" mb LEFT JOIN "_s + t.users + u" u ON u.id = mb.user_id "_s;

    const QString insertMessagesHead = u"INSERT INTO "_s + t.messages
            + u" (room_id, user_id, message, message_type, reply_to, client_id, is_deleted, "
              u"created_at) VALUES "_s;
    // SQLite stores the new rows and skips the resent ones in one pass over the unique key;
    // MySQL has no such clause that keeps auto-increment ids consecutive, so there the client
    // ids are looked up first.
    const QString insertMessagesTail = sqlite ? u" ON CONFLICT DO NOTHING"_s : QString();
    for (qsizetype rows = MaxBulkRows; rows > 0; rows /= 2) {
        m_insertMessages.append(repeated(insertMessagesHead, u"(?, ?, ?, ?, ?, ?, 0, ?)",
                                         u", (?, ?, ?, ?, ?, ?, 0, ?)", rows, insertMessagesTail));
        // An OR of equalities on the (room_id, user_id, client_id) unique key: one index
        // range each.
        m_selectMessagesByClientIds.append(
                repeated(messageSelect + u"WHERE "_s,
                         u"(m.room_id = ? AND m.user_id = ? AND m.client_id = ?)",
                         u" OR (m.room_id = ? AND m.user_id = ? AND m.client_id = ?)", rows));
    }
    Q_ASSERT(m_insertMessages.size() == BulkSizes);
    // Not an id range: a row that ON CONFLICT DO NOTHING skips has used up its AUTOINCREMENT id,
    // so the rows one INSERT stores may have gaps between them. No other rows lie between them,
    // as the transaction holds SQLite's write lock and AUTOINCREMENT ids only grow.
    selectLastInserted = u"SELECT id, room_id, user_id, client_id FROM "_s + t.messages
            + u" WHERE id <= ? ORDER BY id DESC LIMIT ?"_s;

    ping = u"SELECT 1"_s;
    upsertUser = u"INSERT INTO "_s + t.users + u" ("_s + userColumns
            + u") VALUES (:id, :name, :avatar, :membership, :role, :created, :updated) "_s
            + (sqlite ? u"ON CONFLICT (id) DO UPDATE SET name = excluded.name, avatar = "
                        u"excluded.avatar, membership = excluded.membership, role = excluded.role, "
                        u"updated_at = excluded.updated_at"_s
                      : u"ON DUPLICATE KEY UPDATE name = VALUES(name), avatar = VALUES(avatar), "
                        u"membership = VALUES(membership), role = VALUES(role), "
                        u"updated_at = VALUES(updated_at)"_s);
    selectUser = u"SELECT "_s + userColumns + u" FROM "_s + t.users + u" WHERE id = :id"_s;
    insertLocalUser = u"INSERT INTO "_s + t.users
            + u" (name, avatar, membership, role, created_at, updated_at) "
              u"VALUES (:name, '', 'free', 'member', :created, :updated)"_s;
    insertAccount = u"INSERT INTO "_s + t.accounts
            + u" (user_id, username, username_key, password_hash, created_at) "
              u"VALUES (:user, :username, :key, :hash, :created)"_s;
    selectAccountByKey = u"SELECT u.id, u.name, u.avatar, u.membership, u.role, u.created_at, "
                         u"u.updated_at, a.username, a.password_hash, a.created_at FROM "_s
            + t.accounts + u" a JOIN "_s + t.users
            + u" u ON u.id = a.user_id WHERE a.username_key = :key"_s;

    listActiveRooms = u"SELECT "_s + roomColumns + u" FROM "_s + t.rooms
            + u" WHERE type = :type AND is_active = 1 ORDER BY id"_s;
    listAllRooms = u"SELECT "_s + roomColumns + u" FROM "_s + t.rooms
            + u" WHERE type = :type ORDER BY id"_s;
    selectRoomById = u"SELECT "_s + roomColumns + u" FROM "_s + t.rooms + u" WHERE id = :id"_s;
    selectRoomBySlug
            = u"SELECT "_s + roomColumns + u" FROM "_s + t.rooms + u" WHERE slug = :slug"_s;
    insertRoom = u"INSERT INTO "_s + t.rooms
            + u" (slug, name, description, type, icon, max_members, is_active, created_at) "
              u"VALUES (:slug, :name, :description, :type, :icon, :max, 1, :created)"_s;

    selectMessage = messageSelect + u"WHERE m.id = :id"_s;
    selectMessageByClientId = messageSelect
            + u"WHERE m.room_id = :room AND m.user_id = :user AND m.client_id = :client"_s;
    insertMessage = u"INSERT INTO "_s + t.messages
            + u" (room_id, user_id, message, message_type, reply_to, client_id, is_deleted, "
              u"created_at) VALUES (:room, :user, :text, :type, :reply, :client, 0, :created)"_s;
    updateMessageText = u"UPDATE "_s + t.messages
            + u" SET message = :text, edited_at = :edited WHERE id = :id"_s;
    markMessageDeleted = u"UPDATE "_s + t.messages + u" SET is_deleted = 1 WHERE id = :id"_s;
    historyBefore = messageSelect
            + u"WHERE m.room_id = :room AND m.id < :before ORDER BY m.id DESC LIMIT :limit"_s;
    historyAfter = messageSelect
            + u"WHERE m.room_id = :room AND m.id > :since ORDER BY m.id ASC LIMIT :limit"_s;

    insertMember = u"INSERT INTO "_s + t.members
            + u" (room_id, user_id, role, last_read_message_id, joined_at) "
              u"VALUES (:room, :user, :role, 0, :joined) "_s
            + (sqlite ? u"ON CONFLICT (room_id, user_id) DO NOTHING"_s
                      : u"ON DUPLICATE KEY UPDATE id = id"_s);
    selectMember = memberSelect + u"WHERE mb.room_id = :room AND mb.user_id = :user"_s;
    memberExists
            = u"SELECT 1 FROM "_s + t.members + u" WHERE room_id = :room AND user_id = :user"_s;
    membersPage = memberSelect
            + u"WHERE mb.room_id = :room ORDER BY mb.id LIMIT :limit OFFSET :offset"_s;
    membersCount = u"SELECT COUNT(*) FROM "_s + t.members + u" WHERE room_id = :room"_s;
    selectLastRead = u"SELECT last_read_message_id FROM "_s + t.members
            + u" WHERE room_id = :room AND user_id = :user"_s;
    messageInRoom = u"SELECT 1 FROM "_s + t.messages + u" WHERE id = :id AND room_id = :room"_s;
    updateLastRead = u"UPDATE "_s + t.members
            + u" SET last_read_message_id = :message, last_read_at = :at "
              u"WHERE room_id = :room AND user_id = :user"_s;
    unreadCounts = u"SELECT mb.room_id, mb.last_read_message_id, COUNT(m.id) FROM "_s + t.members
            + u" mb LEFT JOIN "_s + t.messages
            + u" m ON m.room_id = mb.room_id AND m.id > mb.last_read_message_id "
              u"AND m.is_deleted = 0 AND m.user_id <> :self WHERE mb.user_id = :user "
              u"GROUP BY mb.room_id, mb.last_read_message_id ORDER BY mb.room_id"_s;
}

} // namespace sql

namespace {

using sql::Dialect;
using sql::Queries;
using sql::Session;

constexpr int MaxLimit = 1000;
constexpr qsizetype MaxClientIdLength = 64;
constexpr qsizetype MaxUsernameLength = 64;
constexpr qsizetype MaxUsernameKeyLength = 255;
constexpr qsizetype MaxNameLength = 200;
constexpr qsizetype MaxAvatarLength = 1024;
constexpr qsizetype MaxSlugLength = 100;
constexpr qsizetype MaxIconLength = 50;
constexpr qsizetype MaxPasswordHashLength = 255;

int clampLimit(int limit)
{
    return std::clamp(limit, 1, MaxLimit);
}

qint64 now()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// The bound text of a message type, shared rather than converted for every row.
QString messageTypeText(MessageType type)
{
    static const std::array<QString, 4> texts = {QString(messageTypeName(MessageType::Text)),
                                                 QString(messageTypeName(MessageType::Image)),
                                                 QString(messageTypeName(MessageType::Link)),
                                                 QString(messageTypeName(MessageType::System))};
    return texts.at(size_t(type));
}

QVariant nullableId(qint64 id)
{
    return id > 0 ? QVariant(id) : QVariant(QMetaType::fromType<qlonglong>());
}

// Qt binds a null QString as SQL NULL, which NOT NULL columns refuse; an absent avatar or an
// empty display name must be stored as ''.
QString notNull(const QString &text)
{
    return text.isNull() ? QString::fromLatin1("") : text;
}

QVariant nullableText(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

Error notFound(const QString &what)
{
    return {ErrorKind::NotFound, what};
}

Error invalid(const QString &what)
{
    return {ErrorKind::InvalidArgument, what};
}

User readUser(const QSqlQuery &r, int at = 0)
{
    User user;
    user.id = r.value(at).toLongLong();
    user.name = r.value(at + 1).toString();
    user.avatar = r.value(at + 2).toString();
    user.membership = auth::parseMembership(r.value(at + 3).toString()).value_or(Membership::Free);
    user.role = auth::parseRole(r.value(at + 4).toString()).value_or(Role::Member);
    user.createdAt = r.value(at + 5).toLongLong();
    user.updatedAt = r.value(at + 6).toLongLong();
    return user;
}

LocalAccount readAccount(const QSqlQuery &r)
{
    LocalAccount account;
    account.user = readUser(r);
    account.username = r.value(7).toString();
    account.passwordHash = r.value(8).toString().toLatin1();
    account.createdAt = r.value(9).toLongLong();
    return account;
}

Room readRoom(const QSqlQuery &r)
{
    Room room;
    room.id = r.value(0).toLongLong();
    room.slug = r.value(1).toString();
    room.name = r.value(2).toString();
    room.description = r.value(3).toString();
    room.type = parseRoomType(r.value(4).toString()).value_or(RoomType::Community);
    room.icon = r.value(5).toString();
    room.maxMembers = r.value(6).toInt();
    room.active = r.value(7).toInt() != 0;
    room.createdAt = r.value(8).toLongLong();
    return room;
}

Message readMessage(const QSqlQuery &r)
{
    Message m;
    m.id = r.value(0).toLongLong();
    m.roomId = r.value(1).toLongLong();
    m.author.id = r.value(2).toLongLong();
    m.author.name = r.value(3).toString();
    m.author.avatar = r.value(4).toString();
    m.deleted = r.value(11).toInt() != 0;
    if (!m.deleted)
        m.text = r.value(5).toString();
    m.type = parseMessageType(r.value(6).toString()).value_or(MessageType::Text);
    m.replyTo = r.value(7).toLongLong();
    m.clientId = r.value(8).toString();
    m.createdAt = r.value(9).toLongLong();
    m.editedAt = r.value(10).toLongLong();
    return m;
}

Member readMember(const QSqlQuery &r)
{
    Member member;
    member.roomId = r.value(0).toLongLong();
    member.user.id = r.value(1).toLongLong();
    member.user.name = r.value(2).toString();
    member.user.avatar = r.value(3).toString();
    member.role = auth::parseRole(r.value(4).toString()).value_or(Role::Member);
    member.joinedAt = r.value(5).toLongLong();
    member.lastReadMessageId = r.value(6).toLongLong();
    member.lastReadAt = r.value(7).toLongLong();
    return member;
}

// Runs a prepared statement expected to return at most one row, and reads it. nullopt with an
// empty error means "no row"; a set error means the statement failed.
template<typename T, typename Bind, typename Read>
std::optional<T> selectOne(Session &s, const QString &sql, Bind &&bind, Read &&read,
                           std::optional<Error> &error)
{
    QSqlQuery *q = s.prepare(sql);
    if (!q) {
        error = s.lastError();
        return std::nullopt;
    }
    bind(*q);
    if (!s.exec(q)) {
        error = s.lastError();
        return std::nullopt;
    }
    std::optional<T> value;
    if (q->next())
        value = read(*q);
    // Reset at once: an SQLite statement left open keeps its read snapshot alive and blocks
    // checkpoints of the WAL.
    q->finish();
    return value;
}

template<typename Bind>
bool execute(Session &s, const QString &sql, Bind &&bind, QSqlQuery **used = nullptr)
{
    QSqlQuery *q = s.prepare(sql);
    if (!q)
        return false;
    bind(*q);
    if (!s.exec(q))
        return false;
    if (used)
        *used = q;
    else
        q->finish();
    return true;
}

template<typename T, typename Bind, typename Read>
Result<QList<T>> selectAll(Session &s, const QString &sql, Bind &&bind, Read &&read)
{
    QSqlQuery *q = nullptr;
    if (!execute(s, sql, std::forward<Bind>(bind), &q))
        return s.lastError();
    QList<T> rows;
    while (q->next())
        rows.append(read(*q));
    q->finish();
    return rows;
}

template<typename T>
class FunctionJob : public sql::Job
{
public:
    using Work = std::function<Result<T>(Session &)>;

    FunctionJob(bool writes, Work work, std::shared_ptr<ContextGuard> guard, Callback<T> done)
        : Job(writes), m_work(std::move(work)), m_guard(std::move(guard)), m_done(std::move(done))
    { }

    void execute(Session &session) override { m_result.emplace(m_work(session)); }
    void fail(const Error &error) override { m_result.emplace(error); }
    void complete() override
    {
        if (!m_result)
            m_result.emplace(Error{ErrorKind::Internal, u"operation was not executed"_s});
        m_done(std::move(*m_result));
    }
    ContextGuard &guard() const override { return *m_guard; }

    void setResult(Result<T> result) { m_result.emplace(std::move(result)); }
    const std::optional<Result<T>> &result() const { return m_result; }

private:
    Work m_work;
    std::shared_ptr<ContextGuard> m_guard;
    Callback<T> m_done;
    std::optional<Result<T>> m_result;
};

std::optional<Error> checkAppend(const NewMessage &message)
{
    if (message.text.isEmpty())
        return invalid(u"empty message"_s);
    if (message.clientId.size() > MaxClientIdLength)
        return invalid(u"client id too long"_s);
    return std::nullopt;
}

Message storedMessage(const NewMessage &message, qint64 id, qint64 createdAt)
{
    Message stored;
    stored.id = id;
    stored.roomId = message.roomId;
    stored.author.id = message.userId;
    stored.text = message.text;
    stored.type = message.type;
    stored.replyTo = message.replyTo;
    stored.clientId = message.clientId;
    stored.createdAt = createdAt;
    return stored;
}

Result<AppendResult> appendOne(Session &s, const Queries &q, const NewMessage &message)
{
    if (auto error = checkAppend(message))
        return *error;
    if (!message.clientId.isEmpty()) {
        std::optional<Error> error;
        auto existing = selectOne<Message>(
                s, q.selectMessageByClientId,
                [&](QSqlQuery &query) {
                    query.bindValue(u":room"_s, message.roomId);
                    query.bindValue(u":user"_s, message.userId);
                    query.bindValue(u":client"_s, message.clientId);
                },
                readMessage, error);
        if (error)
            return *error;
        if (existing)
            return AppendResult{std::move(*existing), true};
    }
    const qint64 at = now();
    QSqlQuery *insert = nullptr;
    if (!execute(
                s, q.insertMessage,
                [&](QSqlQuery &query) {
                    query.bindValue(u":room"_s, message.roomId);
                    query.bindValue(u":user"_s, message.userId);
                    query.bindValue(u":text"_s, message.text);
                    query.bindValue(u":type"_s, messageTypeText(message.type));
                    query.bindValue(u":reply"_s, nullableId(message.replyTo));
                    query.bindValue(u":client"_s, nullableText(message.clientId));
                    query.bindValue(u":created"_s, at);
                },
                &insert)) {
        return s.lastError();
    }
    const qint64 id = insert->lastInsertId().toLongLong();
    insert->finish();
    return AppendResult{storedMessage(message, id, at), false};
}

void appendMany(Session &s, std::span<sql::Job *const> jobs);

class AppendJob final : public FunctionJob<AppendResult>
{
public:
    AppendJob(const Queries &queries, const NewMessage &message,
              std::shared_ptr<ContextGuard> guard, Callback<AppendResult> done)
        : FunctionJob(
                true, [&queries, message](Session &s) { return appendOne(s, queries, message); },
                std::move(guard), std::move(done)),
          m_queries(queries),
          m_message(message)
    { }

    sql::BulkExecutor bulkExecutor() const override { return &appendMany; }
    const Queries &queries() const { return m_queries; }
    const NewMessage &message() const { return m_message; }

private:
    const Queries &m_queries;
    NewMessage m_message;
};

QString clientKey(qint64 roomId, qint64 userId, const QString &clientId)
{
    return QString::number(roomId) + u'/' + QString::number(userId) + u'/' + clientId;
}

QList<qsizetype> chunkSizes(qsizetype count)
{
    QList<qsizetype> sizes;
    for (qsizetype size = sql::MaxBulkRows; size > 0; size /= 2) {
        while (count >= size) {
            sizes.append(size);
            count -= size;
        }
    }
    return sizes;
}

// The messages already stored under the client ids of \a keyed, by clientKey(); false after
// recording a failure.
bool storedByClientId(Session &s, const Queries &q, const QList<AppendJob *> &keyed,
                      QHash<QString, Message> &stored)
{
    qsizetype offset = 0;
    for (const qsizetype size : chunkSizes(keyed.size())) {
        QSqlQuery *query = s.prepare(q.selectMessagesByClientIds(size));
        if (!query)
            return false;
        for (qsizetype i = 0; i < size; ++i) {
            const NewMessage &m = keyed.at(offset + i)->message();
            query->bindValue(int(3 * i), m.roomId);
            query->bindValue(int(3 * i + 1), m.userId);
            query->bindValue(int(3 * i + 2), m.clientId);
        }
        offset += size;
        if (!s.exec(query))
            return false;
        while (query->next()) {
            Message m = readMessage(*query);
            stored.insert(clientKey(m.roomId, m.author.id, m.clientId), m);
        }
        query->finish();
    }
    return true;
}

// What one multi-row INSERT stored: \a rows rows, the last of them with id \a lastId (0 when
// none). When it stored every row, their ids are consecutive.
struct Inserted
{
    qsizetype rows = 0;
    qint64 lastId = 0;
};

// Runs the multi-row INSERT \a sql for \a chunk through QtSql; nullopt after recording a
// failure.
std::optional<Inserted> insertChunk(Session &s, const QString &sql,
                                    std::span<AppendJob *const> chunk, qint64 at)
{
    QSqlQuery *query = s.prepare(sql);
    if (!query)
        return std::nullopt;
    int base = 0;
    for (AppendJob *append : chunk) {
        const NewMessage &m = append->message();
        query->bindValue(base, m.roomId);
        query->bindValue(base + 1, m.userId);
        query->bindValue(base + 2, m.text);
        query->bindValue(base + 3, messageTypeText(m.type));
        query->bindValue(base + 4, nullableId(m.replyTo));
        query->bindValue(base + 5, nullableText(m.clientId));
        query->bindValue(base + 6, at);
        base += 7;
    }
    if (!s.exec(query))
        return std::nullopt;
    Inserted inserted;
    inserted.rows = query->numRowsAffected();
    if (const qint64 firstId = inserted.rows > 0 ? s.firstInsertedId(*query, inserted.rows) : 0)
        inserted.lastId = firstId + inserted.rows - 1;
    query->finish();
    return inserted;
}

// The same on SQLite's own API: through QtSql, binding the values cost over a third of the
// storage thread's CPU time per message. The UTF-8 of the bound texts is kept in \a utf8 until
// the statement has run, since SQLite does not copy it.
std::optional<Inserted> insertChunkSqlite(Session &s, const QString &sql,
                                          std::span<AppendJob *const> chunk, qint64 at,
                                          std::vector<QByteArray> &utf8)
{
    sql::SqliteStatement *insert = s.prepareSqlite(sql);
    if (!insert)
        return std::nullopt;
    utf8.clear();
    utf8.reserve(2 * chunk.size());
    int index = 1;
    for (AppendJob *append : chunk) {
        const NewMessage &m = append->message();
        insert->bindInt64(index++, m.roomId);
        insert->bindInt64(index++, m.userId);
        insert->bindText(index++, utf8.emplace_back(m.text.toUtf8()));
        // The type names are ASCII, so their Latin-1 is their UTF-8, in static storage.
        const QLatin1StringView type = messageTypeName(m.type);
        insert->bindText(index++, QByteArrayView(type.data(), type.size()));
        if (m.replyTo > 0)
            insert->bindInt64(index++, m.replyTo);
        else
            insert->bindNull(index++);
        if (m.clientId.isEmpty())
            insert->bindNull(index++);
        else
            insert->bindText(index++, utf8.emplace_back(m.clientId.toUtf8()));
        insert->bindInt64(index++, at);
    }
    if (insert->step() == sql::SqliteStatement::Step::Failed) {
        s.recordSqliteFailure(insert, sql);
        return std::nullopt;
    }
    Inserted inserted;
    inserted.rows = insert->changes();
    if (inserted.rows > 0)
        inserted.lastId = insert->lastInsertRowId();
    insert->reset();
    return inserted;
}

// The key columns of one row that a multi-row INSERT stored.
struct InsertedKey
{
    qint64 id = 0;
    qint64 roomId = 0;
    qint64 userId = 0;
    QString clientId;
};

// The keys of the rows \a inserted describes, newest first; nullopt after recording a failure.
std::optional<QList<InsertedKey>> insertedKeys(Session &s, const Queries &q,
                                               const Inserted &inserted, bool native)
{
    QList<InsertedKey> keys;
    keys.reserve(inserted.rows);
    if (native) {
        sql::SqliteStatement *select = s.prepareSqlite(q.selectLastInserted);
        if (!select)
            return std::nullopt;
        select->bindInt64(1, inserted.lastId);
        select->bindInt64(2, inserted.rows);
        sql::SqliteStatement::Step step;
        while ((step = select->step()) == sql::SqliteStatement::Step::Row) {
            keys.append({select->columnInt64(0), select->columnInt64(1), select->columnInt64(2),
                         QString::fromUtf8(select->columnText(3))});
        }
        if (step == sql::SqliteStatement::Step::Failed) {
            s.recordSqliteFailure(select, q.selectLastInserted);
            return std::nullopt;
        }
        select->reset();
        return keys;
    }
    QSqlQuery *query = s.prepare(q.selectLastInserted);
    if (!query)
        return std::nullopt;
    query->bindValue(0, inserted.lastId);
    query->bindValue(1, qint64(inserted.rows));
    if (!s.exec(query))
        return std::nullopt;
    while (query->next()) {
        keys.append({query->value(0).toLongLong(), query->value(1).toLongLong(),
                     query->value(2).toLongLong(), query->value(3).toString()});
    }
    query->finish();
    return keys;
}

// After an INSERT ... ON CONFLICT DO NOTHING of \a chunk stored only some of its rows: gives
// the stored ones their ids and returns the skipped ones (their client id was already stored).
// The stored rows have ascending ids in the order of the statement's VALUES.
std::optional<QList<AppendJob *>> matchInsertedRows(Session &s, const Queries &q,
                                                    std::span<AppendJob *const> chunk,
                                                    const Inserted &inserted, qint64 at,
                                                    bool native)
{
    QList<InsertedKey> keys;
    if (inserted.rows > 0) {
        auto stored = insertedKeys(s, q, inserted, native);
        if (!stored)
            return std::nullopt;
        keys = std::move(*stored);
        std::reverse(keys.begin(), keys.end());
    }
    QList<AppendJob *> skipped;
    qsizetype matched = 0;
    for (AppendJob *append : chunk) {
        const NewMessage &m = append->message();
        const bool isThisRow = matched < keys.size() && keys.at(matched).roomId == m.roomId
                && keys.at(matched).userId == m.userId && keys.at(matched).clientId == m.clientId;
        if (!isThisRow) {
            skipped.append(append);
            continue;
        }
        append->setResult(AppendResult{storedMessage(m, keys.at(matched).id, at), false});
        ++matched;
    }
    if (matched != inserted.rows || matched != keys.size()) {
        s.recordFailure(QSqlError(u"multi-row insert"_s,
                                  u"%1 rows stored, %2 matched"_s.arg(inserted.rows).arg(matched),
                                  QSqlError::StatementError),
                        q.selectLastInserted);
        return std::nullopt;
    }
    return skipped;
}

// The bulk form of appendOne(), for Session::consecutiveIds() connections: one multi-row
// INSERT per chunk stores the new messages, whose ids follow from the first. A client id
// already stored makes the append answer with the stored message: MySQL looks them up before
// inserting; SQLite inserts first and looks up only the rows its INSERT skipped.
void appendMany(Session &s, std::span<sql::Job *const> jobs)
{
    const Queries &q = static_cast<AppendJob *>(jobs.front())->queries();
    const bool insertFirst = s.dialect() == Dialect::Sqlite;

    QList<AppendJob *> inserts;
    QList<AppendJob *> keyed;
    QHash<QString, AppendJob *> firstWithKey;
    QList<std::pair<AppendJob *, AppendJob *>> repeats;
    for (sql::Job *job : jobs) {
        auto *append = static_cast<AppendJob *>(job);
        if (auto error = checkAppend(append->message())) {
            append->setResult(*error);
            continue;
        }
        const NewMessage &m = append->message();
        if (!m.clientId.isEmpty()) {
            const QString key = clientKey(m.roomId, m.userId, m.clientId);
            // The same client id twice in one run: the second answers as a resend of the first.
            if (AppendJob *first = firstWithKey.value(key)) {
                repeats.emplaceBack(append, first);
                continue;
            }
            firstWithKey.insert(key, append);
            keyed.append(append);
        }
        inserts.append(append);
    }

    qsizetype alreadyStored = 0;
    if (!insertFirst && !keyed.isEmpty()) {
        QHash<QString, Message> stored;
        if (!storedByClientId(s, q, keyed, stored))
            return;
        if (!stored.isEmpty()) {
            alreadyStored = stored.size();
            inserts.removeIf([&stored](AppendJob *append) {
                const NewMessage &m = append->message();
                if (m.clientId.isEmpty())
                    return false;
                const auto it = stored.constFind(clientKey(m.roomId, m.userId, m.clientId));
                if (it == stored.cend())
                    return false;
                append->setResult(AppendResult{*it, true});
                return true;
            });
        }
    }

    const qint64 at = now();
    const QList<qsizetype> chunks = chunkSizes(inserts.size());
    qCDebug(lcStorage) << "appending" << jobs.size() << "messages:" << inserts.size() << "in"
                       << chunks.size() << "statements," << repeats.size() << "repeated in the run,"
                       << alreadyStored << "already stored";
    // On SQLite, the hot statements bypass QtSql (see insertChunkSqlite()).
    const bool native = insertFirst && s.hasSqliteHandle();
    std::vector<QByteArray> utf8;
    QList<AppendJob *> skipped;
    qsizetype offset = 0;
    for (const qsizetype size : chunks) {
        const QString &sql = q.insertMessages(size);
        const std::span<AppendJob *const> chunk(inserts.constData() + offset, size_t(size));
        offset += size;
        const std::optional<Inserted> inserted = native ? insertChunkSqlite(s, sql, chunk, at, utf8)
                                                        : insertChunk(s, sql, chunk, at);
        if (!inserted)
            return;
        const auto [rows, lastId] = *inserted;
        if (rows == size) {
            if (lastId <= 0) {
                s.recordFailure(QSqlError(u"multi-row insert"_s, u"no id for %1 rows"_s.arg(size),
                                          QSqlError::StatementError),
                                sql);
                return;
            }
            const qint64 firstId = lastId - size + 1;
            for (qsizetype i = 0; i < size; ++i) {
                AppendJob *append = chunk[size_t(i)];
                append->setResult(
                        AppendResult{storedMessage(append->message(), firstId + i, at), false});
            }
            continue;
        }
        if (!insertFirst || rows < 0 || rows > size || (rows > 0 && lastId <= 0)) {
            s.recordFailure(
                    QSqlError(u"multi-row insert"_s,
                              u"%1 rows up to id %2, expected %3"_s.arg(rows).arg(lastId).arg(size),
                              QSqlError::StatementError),
                    sql);
            return;
        }
        auto notStored = matchInsertedRows(s, q, chunk, *inserted, at, native);
        if (!notStored)
            return;
        skipped += *notStored;
    }

    if (!skipped.isEmpty()) {
        QHash<QString, Message> stored;
        if (!storedByClientId(s, q, skipped, stored))
            return;
        for (AppendJob *append : std::as_const(skipped)) {
            const NewMessage &m = append->message();
            const auto it = stored.constFind(clientKey(m.roomId, m.userId, m.clientId));
            if (it == stored.cend()) {
                s.recordFailure(QSqlError(u"multi-row insert"_s,
                                          u"a skipped row has no stored message"_s,
                                          QSqlError::StatementError),
                                q.selectMessagesByClientIds(1));
                return;
            }
            append->setResult(AppendResult{*it, true});
        }
    }
    for (const auto &[repeat, first] : std::as_const(repeats))
        repeat->setResult(AppendResult{first->result()->value().message, true});
}

} // namespace

SqlStore::SqlStore(SqlStoreConfig config)
    : m_config(std::move(config)),
      m_queries(std::make_unique<const sql::Queries>(
              m_config.driver == SqlStoreConfig::Driver::Sqlite ? Dialect::Sqlite : Dialect::MySql,
              sql::TableNames(m_config.tablePrefix))),
      m_engine(std::make_unique<sql::Engine>(m_config))
{ }

SqlStore::~SqlStore()
{
    close();
}

Result<void> SqlStore::open()
{
    return m_engine->start();
}

void SqlStore::close()
{
    m_engine->stop();
}

bool SqlStore::isOpen() const
{
    return m_engine->isRunning();
}

int SqlStore::schemaVersion() const
{
    return m_engine->schemaVersion();
}

int SqlStore::latestSchemaVersion()
{
    return sql::latestSchemaVersion();
}

SqlStore::Statistics SqlStore::statistics() const
{
    return m_engine->statistics();
}

void SqlStore::enqueue(std::unique_ptr<sql::Job> job)
{
    if (!m_engine->submit(job)) {
        job->fail(Error{ErrorKind::Unavailable, u"the store is not open"_s});
        std::vector<std::unique_ptr<sql::Job>> jobs;
        jobs.push_back(std::move(job));
        sql::Engine::deliver(jobs);
    }
}

template<typename T, typename Work>
void SqlStore::submit(bool writes, QObject *context, Callback<T> done, Work &&work)
{
    enqueue(std::make_unique<FunctionJob<T>>(writes, std::forward<Work>(work),
                                             ContextGuard::of(context), std::move(done)));
}

void SqlStore::ping(QObject *context, Callback<void> done)
{
    const Queries &q = *m_queries;
    submit<void>(false, context, std::move(done), [&q](Session &s) -> Result<void> {
        std::optional<Error> error;
        selectOne<int>(
                s, q.ping, [](QSqlQuery &) {},
                [](const QSqlQuery &r) { return r.value(0).toInt(); }, error);
        if (error)
            return *error;
        return {};
    });
}

void SqlStore::upsertUser(const auth::Identity &identity, QObject *context, Callback<User> done)
{
    const Queries &q = *m_queries;
    submit<User>(true, context, std::move(done), [&q, identity](Session &s) -> Result<User> {
        if (identity.userId < 1 || identity.userId > auth::MaxSafeInteger)
            return invalid(u"user id out of range"_s);
        const qint64 at = now();
        // A URL cut short is worse than none.
        const QString avatar
                = identity.avatar.size() > MaxAvatarLength ? QString() : identity.avatar;
        const bool ok = execute(s, q.upsertUser, [&](QSqlQuery &query) {
            query.bindValue(u":id"_s, identity.userId);
            query.bindValue(u":name"_s, notNull(identity.name.left(MaxNameLength)));
            query.bindValue(u":avatar"_s, notNull(avatar));
            query.bindValue(u":membership"_s, QString(auth::membershipName(identity.membership)));
            query.bindValue(u":role"_s, QString(auth::roleName(identity.role)));
            query.bindValue(u":created"_s, at);
            query.bindValue(u":updated"_s, at);
        });
        if (!ok)
            return s.lastError();
        std::optional<Error> error;
        auto user = selectOne<User>(
                s, q.selectUser,
                [&](QSqlQuery &query) { query.bindValue(u":id"_s, identity.userId); },
                [](const QSqlQuery &r) { return readUser(r); }, error);
        if (error)
            return *error;
        if (!user)
            return Error{ErrorKind::Internal, u"upserted user vanished"_s};
        return *user;
    });
}

void SqlStore::userById(qint64 userId, QObject *context, Callback<User> done)
{
    const Queries &q = *m_queries;
    submit<User>(false, context, std::move(done), [&q, userId](Session &s) -> Result<User> {
        std::optional<Error> error;
        auto user = selectOne<User>(
                s, q.selectUser, [&](QSqlQuery &query) { query.bindValue(u":id"_s, userId); },
                [](const QSqlQuery &r) { return readUser(r); }, error);
        if (error)
            return *error;
        if (!user)
            return notFound(u"no such user"_s);
        return *user;
    });
}

void SqlStore::usersByIds(const QList<qint64> &userIds, QObject *context,
                          Callback<QList<User>> done)
{
    const Queries &q = *m_queries;
    submit<QList<User>>(false, context, std::move(done),
                        [&q, userIds](Session &s) -> Result<QList<User>> {
                            QList<User> users;
                            for (const qint64 id : userIds) {
                                std::optional<Error> error;
                                auto user = selectOne<User>(
                                        s, q.selectUser,
                                        [&](QSqlQuery &query) { query.bindValue(u":id"_s, id); },
                                        [](const QSqlQuery &r) { return readUser(r); }, error);
                                if (error)
                                    return *error;
                                if (user)
                                    users.append(std::move(*user));
                            }
                            return users;
                        });
}

void SqlStore::createLocalAccount(const NewLocalAccount &account, QObject *context,
                                  Callback<LocalAccount> done)
{
    const Queries &q = *m_queries;
    submit<LocalAccount>(
            true, context, std::move(done), [&q, account](Session &s) -> Result<LocalAccount> {
                if (account.username.isEmpty() || account.username.size() > MaxUsernameLength)
                    return invalid(u"username must have 1 to 64 characters"_s);
                if (account.passwordHash.isEmpty()
                    || account.passwordHash.size() > MaxPasswordHashLength)
                    return invalid(u"bad password hash"_s);
                const QString key = usernameKey(account.username);
                if (key.size() > MaxUsernameKeyLength)
                    return invalid(u"username too long"_s);

                std::optional<Error> error;
                const auto bindKey = [&](QSqlQuery &query) { query.bindValue(u":key"_s, key); };
                // Checked first so that the common refusal is an answer, not a failed statement;
                // the unique key still settles races between instances.
                if (selectOne<LocalAccount>(s, q.selectAccountByKey, bindKey, readAccount, error))
                    return Error{ErrorKind::Conflict, u"username taken"_s};
                if (error)
                    return *error;

                const qint64 at = now();
                QSqlQuery *insert = nullptr;
                if (!execute(
                            s, q.insertLocalUser,
                            [&](QSqlQuery &query) {
                                query.bindValue(u":name"_s,
                                                notNull(account.name.left(MaxNameLength)));
                                query.bindValue(u":created"_s, at);
                                query.bindValue(u":updated"_s, at);
                            },
                            &insert)) {
                    return s.lastError();
                }
                const qint64 userId = insert->lastInsertId().toLongLong();
                insert->finish();
                if (!execute(s, q.insertAccount, [&](QSqlQuery &query) {
                        query.bindValue(u":user"_s, userId);
                        query.bindValue(u":username"_s, account.username);
                        query.bindValue(u":key"_s, key);
                        query.bindValue(u":hash"_s, QString::fromLatin1(account.passwordHash));
                        query.bindValue(u":created"_s, at);
                    })) {
                    return s.lastError();
                }
                LocalAccount created;
                created.user.id = userId;
                created.user.name = account.name.left(MaxNameLength);
                created.user.createdAt = at;
                created.user.updatedAt = at;
                created.username = account.username;
                created.passwordHash = account.passwordHash;
                created.createdAt = at;
                return created;
            });
}

void SqlStore::findLocalAccount(const QString &username, QObject *context,
                                Callback<LocalAccount> done)
{
    const Queries &q = *m_queries;
    submit<LocalAccount>(false, context, std::move(done),
                         [&q, username](Session &s) -> Result<LocalAccount> {
                             std::optional<Error> error;
                             const QString key = usernameKey(username);
                             auto account = selectOne<LocalAccount>(
                                     s, q.selectAccountByKey,
                                     [&](QSqlQuery &query) { query.bindValue(u":key"_s, key); },
                                     readAccount, error);
                             if (error)
                                 return *error;
                             if (!account)
                                 return notFound(u"no such account"_s);
                             return *account;
                         });
}

void SqlStore::listRooms(RoomType type, bool includeArchived, QObject *context,
                         Callback<QList<Room>> done)
{
    const Queries &q = *m_queries;
    submit<QList<Room>>(false, context, std::move(done),
                        [&q, type, includeArchived](Session &s) -> Result<QList<Room>> {
                            return selectAll<Room>(
                                    s, includeArchived ? q.listAllRooms : q.listActiveRooms,
                                    [&](QSqlQuery &query) {
                                        query.bindValue(u":type"_s, QString(roomTypeName(type)));
                                    },
                                    readRoom);
                        });
}

namespace {

Result<Room> roomWhere(Session &s, const QString &sql, const QString &name, const QVariant &value)
{
    std::optional<Error> error;
    auto room = selectOne<Room>(
            s, sql, [&](QSqlQuery &query) { query.bindValue(name, value); }, readRoom, error);
    if (error)
        return *error;
    if (!room)
        return notFound(u"no such room"_s);
    return *room;
}

Result<Message> messageWhereId(Session &s, const Queries &q, qint64 id)
{
    std::optional<Error> error;
    auto message = selectOne<Message>(
            s, q.selectMessage, [&](QSqlQuery &query) { query.bindValue(u":id"_s, id); },
            readMessage, error);
    if (error)
        return *error;
    if (!message)
        return notFound(u"no such message"_s);
    return *message;
}

Result<Member> memberOf(Session &s, const Queries &q, qint64 roomId, qint64 userId)
{
    std::optional<Error> error;
    auto member = selectOne<Member>(
            s, q.selectMember,
            [&](QSqlQuery &query) {
                query.bindValue(u":room"_s, roomId);
                query.bindValue(u":user"_s, userId);
            },
            readMember, error);
    if (error)
        return *error;
    if (!member)
        return notFound(u"not a member"_s);
    return *member;
}

Result<MessagePage> page(Session &s, const QString &sql, qint64 roomId, const QString &boundName,
                         qint64 bound, int limit, bool newestFirst)
{
    auto rows = selectAll<Message>(
            s, sql,
            [&](QSqlQuery &query) {
                query.bindValue(u":room"_s, roomId);
                query.bindValue(boundName, bound);
                // One more than asked: its presence is the hasMore answer, without a COUNT.
                query.bindValue(u":limit"_s, limit + 1);
            },
            readMessage);
    if (!rows)
        return rows.error();
    MessagePage result;
    result.messages = std::move(rows).value();
    result.hasMore = result.messages.size() > limit;
    if (result.hasMore)
        result.messages.removeLast();
    if (newestFirst)
        std::reverse(result.messages.begin(), result.messages.end());
    return result;
}

} // namespace

void SqlStore::roomById(qint64 roomId, QObject *context, Callback<Room> done)
{
    const Queries &q = *m_queries;
    submit<Room>(false, context, std::move(done), [&q, roomId](Session &s) {
        return roomWhere(s, q.selectRoomById, u":id"_s, roomId);
    });
}

void SqlStore::roomBySlug(const QString &slug, QObject *context, Callback<Room> done)
{
    const Queries &q = *m_queries;
    submit<Room>(false, context, std::move(done), [&q, slug](Session &s) {
        return roomWhere(s, q.selectRoomBySlug, u":slug"_s, slug);
    });
}

void SqlStore::createRoom(const NewRoom &room, QObject *context, Callback<Room> done)
{
    const Queries &q = *m_queries;
    submit<Room>(true, context, std::move(done), [&q, room](Session &s) -> Result<Room> {
        if (room.slug.isEmpty() || room.slug.size() > MaxSlugLength || room.name.isEmpty()
            || room.name.size() > MaxNameLength || room.icon.size() > MaxIconLength
            || room.maxMembers < 0) {
            return invalid(u"bad room"_s);
        }
        std::optional<Error> error;
        if (selectOne<Room>(
                    s, q.selectRoomBySlug,
                    [&](QSqlQuery &query) { query.bindValue(u":slug"_s, room.slug); }, readRoom,
                    error)) {
            return Error{ErrorKind::Conflict, u"slug taken"_s};
        }
        if (error)
            return *error;
        QSqlQuery *insert = nullptr;
        if (!execute(
                    s, q.insertRoom,
                    [&](QSqlQuery &query) {
                        query.bindValue(u":slug"_s, room.slug);
                        query.bindValue(u":name"_s, room.name);
                        query.bindValue(u":description"_s, room.description);
                        query.bindValue(u":type"_s, QString(roomTypeName(room.type)));
                        query.bindValue(u":icon"_s, notNull(room.icon));
                        query.bindValue(u":max"_s, room.maxMembers);
                        query.bindValue(u":created"_s, now());
                    },
                    &insert)) {
            return s.lastError();
        }
        const qint64 id = insert->lastInsertId().toLongLong();
        insert->finish();
        return roomWhere(s, q.selectRoomById, u":id"_s, id);
    });
}

void SqlStore::appendMessage(const NewMessage &message, QObject *context,
                             Callback<AppendResult> done)
{
    enqueue(std::make_unique<AppendJob>(*m_queries, message, ContextGuard::of(context),
                                        std::move(done)));
}

void SqlStore::editMessage(qint64 messageId, const QString &text, QObject *context,
                           Callback<Message> done)
{
    const Queries &q = *m_queries;
    submit<Message>(true, context, std::move(done),
                    [&q, messageId, text](Session &s) -> Result<Message> {
                        if (text.isEmpty())
                            return invalid(u"empty message"_s);
                        auto current = messageWhereId(s, q, messageId);
                        if (!current)
                            return current;
                        if (current->deleted)
                            return notFound(u"message deleted"_s);
                        const qint64 at = now();
                        if (!execute(s, q.updateMessageText, [&](QSqlQuery &query) {
                                query.bindValue(u":text"_s, text);
                                query.bindValue(u":edited"_s, at);
                                query.bindValue(u":id"_s, messageId);
                            })) {
                            return s.lastError();
                        }
                        Message edited = std::move(current).value();
                        edited.text = text;
                        edited.editedAt = at;
                        return edited;
                    });
}

void SqlStore::deleteMessage(qint64 messageId, QObject *context, Callback<Message> done)
{
    const Queries &q = *m_queries;
    submit<Message>(true, context, std::move(done), [&q, messageId](Session &s) -> Result<Message> {
        auto current = messageWhereId(s, q, messageId);
        if (!current || current->deleted)
            return current;
        if (!execute(s, q.markMessageDeleted,
                     [&](QSqlQuery &query) { query.bindValue(u":id"_s, messageId); })) {
            return s.lastError();
        }
        Message deleted = std::move(current).value();
        deleted.deleted = true;
        deleted.text.clear();
        return deleted;
    });
}

void SqlStore::messageById(qint64 messageId, QObject *context, Callback<Message> done)
{
    const Queries &q = *m_queries;
    submit<Message>(false, context, std::move(done),
                    [&q, messageId](Session &s) { return messageWhereId(s, q, messageId); });
}

void SqlStore::history(qint64 roomId, qint64 beforeId, int limit, QObject *context,
                       Callback<MessagePage> done)
{
    const Queries &q = *m_queries;
    const qint64 bound = beforeId > 0 ? beforeId : std::numeric_limits<qint64>::max();
    submit<MessagePage>(false, context, std::move(done), [&q, roomId, bound, limit](Session &s) {
        return page(s, q.historyBefore, roomId, u":before"_s, bound, clampLimit(limit), true);
    });
}

void SqlStore::messagesAfter(qint64 roomId, qint64 sinceId, int limit, QObject *context,
                             Callback<MessagePage> done)
{
    const Queries &q = *m_queries;
    submit<MessagePage>(false, context, std::move(done), [&q, roomId, sinceId, limit](Session &s) {
        return page(s, q.historyAfter, roomId, u":since"_s, qMax<qint64>(0, sinceId),
                    clampLimit(limit), false);
    });
}

void SqlStore::joinRoom(qint64 roomId, qint64 userId, Role role, QObject *context,
                        Callback<Member> done)
{
    const Queries &q = *m_queries;
    submit<Member>(true, context, std::move(done),
                   [&q, roomId, userId, role](Session &s) -> Result<Member> {
                       if (!execute(s, q.insertMember, [&](QSqlQuery &query) {
                               query.bindValue(u":room"_s, roomId);
                               query.bindValue(u":user"_s, userId);
                               query.bindValue(u":role"_s, QString(auth::roleName(role)));
                               query.bindValue(u":joined"_s, now());
                           })) {
                           return s.lastError();
                       }
                       return memberOf(s, q, roomId, userId);
                   });
}

void SqlStore::isMember(qint64 roomId, qint64 userId, QObject *context, Callback<bool> done)
{
    const Queries &q = *m_queries;
    submit<bool>(false, context, std::move(done), [&q, roomId, userId](Session &s) -> Result<bool> {
        std::optional<Error> error;
        const bool found = selectOne<bool>(
                                   s, q.memberExists,
                                   [&](QSqlQuery &query) {
                                       query.bindValue(u":room"_s, roomId);
                                       query.bindValue(u":user"_s, userId);
                                   },
                                   [](const QSqlQuery &) { return true; }, error)
                                   .has_value();
        if (error)
            return *error;
        return found;
    });
}

void SqlStore::members(qint64 roomId, int offset, int limit, QObject *context,
                       Callback<MemberPage> done)
{
    const Queries &q = *m_queries;
    submit<MemberPage>(false, context, std::move(done),
                       [&q, roomId, offset, limit](Session &s) -> Result<MemberPage> {
                           auto rows = selectAll<Member>(
                                   s, q.membersPage,
                                   [&](QSqlQuery &query) {
                                       query.bindValue(u":room"_s, roomId);
                                       query.bindValue(u":limit"_s, clampLimit(limit));
                                       query.bindValue(u":offset"_s, qMax(0, offset));
                                   },
                                   readMember);
                           if (!rows)
                               return rows.error();
                           std::optional<Error> error;
                           const auto total = selectOne<qint64>(
                                   s, q.membersCount,
                                   [&](QSqlQuery &query) { query.bindValue(u":room"_s, roomId); },
                                   [](const QSqlQuery &r) { return r.value(0).toLongLong(); },
                                   error);
                           if (error)
                               return *error;
                           return MemberPage{std::move(rows).value(), total.value_or(0)};
                       });
}

void SqlStore::setLastRead(qint64 roomId, qint64 userId, qint64 messageId, QObject *context,
                           Callback<bool> done)
{
    const Queries &q = *m_queries;
    submit<bool>(true, context, std::move(done),
                 [&q, roomId, userId, messageId](Session &s) -> Result<bool> {
                     std::optional<Error> error;
                     const auto current = selectOne<qint64>(
                             s, q.selectLastRead,
                             [&](QSqlQuery &query) {
                                 query.bindValue(u":room"_s, roomId);
                                 query.bindValue(u":user"_s, userId);
                             },
                             [](const QSqlQuery &r) { return r.value(0).toLongLong(); }, error);
                     if (error)
                         return *error;
                     if (!current)
                         return notFound(u"not a member"_s);
                     // A mark on a message of another room (or a made-up id) would hide real unread
                     // messages, so only messages of this room count.
                     const bool inRoom = selectOne<bool>(
                                                 s, q.messageInRoom,
                                                 [&](QSqlQuery &query) {
                                                     query.bindValue(u":id"_s, messageId);
                                                     query.bindValue(u":room"_s, roomId);
                                                 },
                                                 [](const QSqlQuery &) { return true; }, error)
                                                 .has_value();
                     if (error)
                         return *error;
                     if (!inRoom)
                         return notFound(u"no such message in the room"_s);
                     if (messageId <= *current)
                         return false;
                     if (!execute(s, q.updateLastRead, [&](QSqlQuery &query) {
                             query.bindValue(u":message"_s, messageId);
                             query.bindValue(u":at"_s, now());
                             query.bindValue(u":room"_s, roomId);
                             query.bindValue(u":user"_s, userId);
                         })) {
                         return s.lastError();
                     }
                     return true;
                 });
}

void SqlStore::unreadCounts(qint64 userId, QObject *context, Callback<QList<UnreadCount>> done)
{
    const Queries &q = *m_queries;
    submit<QList<UnreadCount>>(false, context, std::move(done), [&q, userId](Session &s) {
        return selectAll<UnreadCount>(
                s, q.unreadCounts,
                [&](QSqlQuery &query) {
                    query.bindValue(u":self"_s, userId);
                    query.bindValue(u":user"_s, userId);
                },
                [](const QSqlQuery &r) {
                    return UnreadCount{r.value(0).toLongLong(), r.value(2).toLongLong(),
                                       r.value(1).toLongLong()};
                });
    });
}

} // namespace chat::storage
