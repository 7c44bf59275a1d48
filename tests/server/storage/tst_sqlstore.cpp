// SPDX-License-Identifier: MIT
#include "storage/sqlschema.h"
#include "storage/sqlstore.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDateTime>
#include <QtCore/QFile>
#include <QtCore/QRegularExpression>
#include <QtCore/QSet>
#include <QtCore/QTemporaryDir>
#include <QtCore/QThread>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlError>
#include <QtSql/QSqlQuery>
#include <QtSql/QSqlRecord>
#include <QtTest/QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace chat::storage;

namespace {

enum class Backend { SqliteFull, SqliteNormal, MySql };

// Waits for one Store callback. The result lives in a shared_ptr so that a callback arriving
// after a timeout writes into live memory.
template<typename T, typename Call>
Result<T> wait(QObject *context, Call &&call)
{
    auto slot = std::make_shared<std::optional<Result<T>>>();
    call(context, [slot](Result<T> result) { slot->emplace(std::move(result)); });
    if (!QTest::qWaitFor([&] { return slot->has_value(); }, 30000))
        return Error{ErrorKind::Internal, u"timed out"_s};
    return std::move(**slot);
}

template<typename T>
QByteArray describe(const Result<T> &result)
{
    if (result.ok())
        return "ok";
    return (errorKindName(result.error().kind) + u": "_s + result.error().message).toUtf8();
}

// Each evaluates its argument once: the argument usually is the store call itself.
#define VERIFY_OK(expression) \
    do { \
        const auto &result_ = (expression); \
        QVERIFY2(result_.ok(), describe(result_).constData()); \
    } while (false)
#define VERIFY_ERROR(expression, expectedKind) \
    do { \
        const auto &result_ = (expression); \
        QVERIFY2(!result_.ok(), "unexpected success"); \
        QCOMPARE(errorKindName(result_.error().kind), errorKindName(expectedKind)); \
    } while (false)

chat::auth::Identity person(qint64 id, const QString &name)
{
    return {id, name, u"https://example.com/%1.png"_s.arg(id), chat::auth::Membership::Free,
            chat::auth::Role::Member};
}

} // namespace

Q_DECLARE_METATYPE(Backend)

class tst_SqlStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data();
    void initTestCase();
    void init();
    void cleanup();

    void migratesFromEmpty();
    void migrationsAreIdempotent();
    void refusesANewerSchema();
    void refusesABadPrefix();
    void seedsDefaultRooms();
    void upsertsUsersFromTokens();
    void localAccountsAreUniqueCaseInsensitively();
    void rooms();
    void appendAndRead();
    void groupCommitsConcurrentAppends();
    void failingAppendDoesNotSinkItsBatch();
    void deduplicatesByClientId();
    void bulkAppendsKeepTextExactly();
    void failingAppendInsideALargeRun();
    void closesCleanlyAfterBulkAppends();
    void formatsTimestampsAsQDateTimeDoes();
    void pagesHistoryWithoutGapsOrDuplicates();
    void editsAndSoftDeletes();
    void membershipAndUnreadCounts();
    void restartKeepsEverythingAcknowledged();
    void closedStoreAnswersUnavailable();
    void callbackDroppedWhenContextDies();

private:
    SqlStoreConfig config() const;
    std::unique_ptr<SqlStore> openStore();
    //! Stores \a writer and returns #general, the room most cases write to; nullopt (after
    //! a warning) when either fails.
    std::optional<Room> writerInGeneral(SqlStore &store, const chat::auth::Identity &writer);
    //! Submits every message at once, so that they share batches, and waits (at most 60 s)
    //! for the answers, in the order of \a messages; an answer that never came stays empty.
    QList<std::optional<Result<AppendResult>>> appendTogether(SqlStore &store,
                                                              const QList<NewMessage> &messages);
    QSqlDatabase inspector();
    void dropMySqlTables(const QString &prefix);

    QTemporaryDir m_dir;
    Backend m_backend = Backend::SqliteFull;
    QString m_sqlitePath;
    QString m_prefix;
    int m_case = 0;
};

void tst_SqlStore::initTestCase_data()
{
    QTest::addColumn<Backend>("backend");
    QTest::newRow("sqlite-full") << Backend::SqliteFull;
    QTest::newRow("sqlite-normal") << Backend::SqliteNormal;
    // Only when a server is configured: the row is absent otherwise, it is not skipped.
    if (qEnvironmentVariableIsSet("CHAT_TEST_MYSQL_HOST"))
        QTest::newRow("mariadb") << Backend::MySql;
}

void tst_SqlStore::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

void tst_SqlStore::init()
{
    QFETCH_GLOBAL(Backend, backend);
    m_backend = backend;
    ++m_case;
    m_sqlitePath = m_dir.filePath(u"case%1.sqlite"_s.arg(m_case));
    // MariaDB cases share one database; a prefix per case keeps them apart (and exercises
    // prefixes on every query).
    m_prefix = m_backend == Backend::MySql
            ? u"t%1_%2_"_s.arg(QCoreApplication::applicationPid()).arg(m_case)
            : QString();
}

void tst_SqlStore::cleanup()
{
    if (m_backend == Backend::MySql)
        dropMySqlTables(m_prefix);
    QSqlDatabase::removeDatabase(u"inspector"_s);
}

SqlStoreConfig tst_SqlStore::config() const
{
    SqlStoreConfig c;
    c.tablePrefix = m_prefix;
    switch (m_backend) {
    case Backend::SqliteFull:
    case Backend::SqliteNormal:
        c.driver = SqlStoreConfig::Driver::Sqlite;
        c.databasePath = m_sqlitePath;
        c.sqliteSync = m_backend == Backend::SqliteFull ? SqlStoreConfig::SqliteSync::Full
                                                        : SqlStoreConfig::SqliteSync::Normal;
        break;
    case Backend::MySql:
        c.driver = SqlStoreConfig::Driver::MySql;
        c.hostName = qEnvironmentVariable("CHAT_TEST_MYSQL_HOST");
        c.port = qEnvironmentVariableIntValue("CHAT_TEST_MYSQL_PORT");
        if (c.port == 0)
            c.port = 3306;
        c.userName = qEnvironmentVariable("CHAT_TEST_MYSQL_USER");
        c.password = qEnvironmentVariable("CHAT_TEST_MYSQL_PASSWORD");
        c.databaseName = qEnvironmentVariable("CHAT_TEST_MYSQL_DB");
        break;
    }
    return c;
}

std::unique_ptr<SqlStore> tst_SqlStore::openStore()
{
    auto store = std::make_unique<SqlStore>(config());
    const auto opened = store->open();
    if (!opened.ok()) {
        qWarning() << "open failed:" << opened.error().message;
        return nullptr;
    }
    return store;
}

std::optional<Room> tst_SqlStore::writerInGeneral(SqlStore &store,
                                                  const chat::auth::Identity &writer)
{
    const auto user
            = wait<User>(this, [&](QObject *c, auto done) { store.upsertUser(writer, c, done); });
    if (!user.ok()) {
        qWarning() << "cannot store the writer:" << user.error().message;
        return std::nullopt;
    }
    auto general = wait<Room>(
            this, [&](QObject *c, auto done) { store.roomBySlug(u"general"_s, c, done); });
    if (!general.ok()) {
        qWarning() << "no #general:" << general.error().message;
        return std::nullopt;
    }
    return *general;
}

QList<std::optional<Result<AppendResult>>>
tst_SqlStore::appendTogether(SqlStore &store, const QList<NewMessage> &messages)
{
    using Results = QList<std::optional<Result<AppendResult>>>;
    // Shared with the callbacks: an answer arriving after a timeout must not outlive it.
    auto results = std::make_shared<Results>(messages.size());
    for (qsizetype i = 0; i < messages.size(); ++i) {
        store.appendMessage(messages.at(i), this, [results, i](Result<AppendResult> r) {
            (*results)[i].emplace(std::move(r));
        });
    }
    const bool answered = QTest::qWaitFor(
            [&results] {
                return std::all_of(results->cbegin(), results->cend(),
                                   [](const auto &r) { return r.has_value(); });
            },
            60000);
    if (!answered)
        qWarning() << "appends still unanswered after 60 s";
    return *results;
}

// A second connection, in the test's thread, to look at the tables directly.
QSqlDatabase tst_SqlStore::inspector()
{
    const QString name = u"inspector"_s;
    if (QSqlDatabase::contains(name)) {
        QSqlDatabase db = QSqlDatabase::database(name);
        if (db.databaseName()
            == (m_backend == Backend::MySql ? config().databaseName : m_sqlitePath))
            return db;
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
    }
    const SqlStoreConfig c = config();
    QSqlDatabase db = QSqlDatabase::addDatabase(
            m_backend == Backend::MySql ? u"QMYSQL"_s : u"QSQLITE"_s, name);
    if (m_backend == Backend::MySql) {
        db.setHostName(c.hostName);
        db.setPort(c.port);
        db.setUserName(c.userName);
        db.setPassword(c.password);
        db.setDatabaseName(c.databaseName);
    } else {
        db.setDatabaseName(m_sqlitePath);
    }
    if (!db.open())
        qWarning() << "inspector:" << db.lastError().text();
    return db;
}

void tst_SqlStore::dropMySqlTables(const QString &prefix)
{
    QSqlDatabase db = inspector();
    const sql::TableNames t(prefix);
    for (const QString &table :
         {t.accounts, t.members, t.messages, t.rooms, t.users, t.schemaVersion}) {
        QSqlQuery query(db);
        if (!query.exec(u"DROP TABLE IF EXISTS "_s + table))
            qWarning() << "drop" << table << query.lastError().text();
    }
}

void tst_SqlStore::migratesFromEmpty()
{
    auto store = openStore();
    QVERIFY(store);
    QCOMPARE(store->schemaVersion(), SqlStore::latestSchemaVersion());

    // The schema, column by column: the fixture every later migration is checked against.
    const sql::TableNames t(m_prefix);
    const QList<std::pair<QString, QStringList>> expected = {
            {t.users,
             {u"id"_s, u"name"_s, u"avatar"_s, u"membership"_s, u"role"_s, u"created_at"_s,
              u"updated_at"_s}},
            {t.accounts,
             {u"user_id"_s, u"username"_s, u"username_key"_s, u"password_hash"_s, u"created_at"_s}},
            {t.rooms,
             {u"id"_s, u"slug"_s, u"name"_s, u"description"_s, u"type"_s, u"icon"_s,
              u"max_members"_s, u"is_active"_s, u"created_at"_s}},
            {t.messages,
             {u"id"_s, u"room_id"_s, u"user_id"_s, u"message"_s, u"message_type"_s, u"reply_to"_s,
              u"client_id"_s, u"is_deleted"_s, u"created_at"_s, u"edited_at"_s}},
            {t.members,
             {u"id"_s, u"room_id"_s, u"user_id"_s, u"role"_s, u"last_read_message_id"_s,
              u"last_read_at"_s, u"joined_at"_s}},
            {t.schemaVersion, {u"version"_s, u"description"_s, u"applied_at"_s}},
    };
    QSqlDatabase db = inspector();
    for (const auto &[table, columns] : expected) {
        const QSqlRecord record = db.record(table);
        QStringList actual;
        for (int i = 0; i < record.count(); ++i)
            actual.append(record.fieldName(i));
        QCOMPARE(actual, columns);
    }

    QSqlQuery versions(db);
    QVERIFY(versions.exec(u"SELECT version FROM "_s + t.schemaVersion + u" ORDER BY version"_s));
    QList<int> applied;
    while (versions.next())
        applied.append(versions.value(0).toInt());
    QList<int> all;
    for (const auto &migration : sql::migrations())
        all.append(migration.version);
    QCOMPARE(applied, all);

    if (m_backend != Backend::MySql) {
        QSqlQuery mode(db);
        QVERIFY(mode.exec(u"PRAGMA journal_mode"_s) && mode.next());
        QCOMPARE(mode.value(0).toString(), u"wal"_s);
    }
}

void tst_SqlStore::migrationsAreIdempotent()
{
    {
        auto store = openStore();
        QVERIFY(store);
    }
    {
        // Opening an up-to-date database changes nothing.
        auto store = openStore();
        QVERIFY(store);
        QCOMPARE(store->schemaVersion(), SqlStore::latestSchemaVersion());
    }
    // As if the first start had been interrupted after its DDL but before recording the
    // version (MariaDB commits DDL implicitly): every step must survive running again.
    const sql::TableNames t(m_prefix);
    {
        QSqlQuery wipe(inspector());
        QVERIFY2(wipe.exec(u"DELETE FROM "_s + t.schemaVersion),
                 qPrintable(wipe.lastError().text()));
    }
    auto store = openStore();
    QVERIFY(store);
    QCOMPARE(store->schemaVersion(), SqlStore::latestSchemaVersion());
    auto rooms = wait<QList<Room>>(this, [&](QObject *c, auto done) {
        store->listRooms(RoomType::Community, true, c, done);
    });
    VERIFY_OK(rooms);
    QCOMPARE(rooms->size(), sql::defaultRooms().size());
    QSqlQuery count(inspector());
    QVERIFY(count.exec(u"SELECT COUNT(*) FROM "_s + t.schemaVersion) && count.next());
    QCOMPARE(count.value(0).toInt(), sql::migrations().size());
}

void tst_SqlStore::refusesANewerSchema()
{
    {
        auto store = openStore();
        QVERIFY(store);
    }
    QSqlQuery future(inspector());
    QVERIFY(future.exec(
            u"INSERT INTO "_s + sql::TableNames(m_prefix).schemaVersion
            + u" (version, description, applied_at) VALUES (999, 'from the future', 0)"_s));
    SqlStore store(config());
    const auto opened = store.open();
    QVERIFY(!opened.ok());
    QVERIFY2(opened.error().message.contains(u"999"_s), qPrintable(opened.error().message));
    QVERIFY(!store.isOpen());
}

void tst_SqlStore::refusesABadPrefix()
{
    SqlStoreConfig c = config();
    c.tablePrefix = u"x; DROP TABLE users; --"_s;
    SqlStore store(c);
    const auto opened = store.open();
    VERIFY_ERROR(opened, ErrorKind::InvalidArgument);
}

void tst_SqlStore::seedsDefaultRooms()
{
    auto store = openStore();
    QVERIFY(store);
    auto rooms = wait<QList<Room>>(this, [&](QObject *c, auto done) {
        store->listRooms(RoomType::Community, false, c, done);
    });
    VERIFY_OK(rooms);
    const QStringList slugs = {u"general"_s,     u"ai-tools"_s,   u"n8n-automation"_s,
                               u"vibe-coding"_s, u"blockchain"_s, u"help"_s};
    const QStringList icons = {u"💬"_s, u"🤖"_s, u"⚡"_s, u"💻"_s, u"🔗"_s, u"🆘"_s};
    QCOMPARE(rooms->size(), slugs.size());
    for (qsizetype i = 0; i < slugs.size(); ++i) {
        const Room &room = rooms->at(i);
        QCOMPARE(room.slug, slugs.at(i));
        QCOMPARE(room.icon, icons.at(i));
        QVERIFY(!room.name.isEmpty());
        QVERIFY(!room.description.isEmpty());
        QCOMPARE(room.type, RoomType::Community);
        QVERIFY(room.active);
        QVERIFY(room.createdAt > 0);
    }
}

void tst_SqlStore::upsertsUsersFromTokens()
{
    auto store = openStore();
    QVERIFY(store);
    auto first = wait<User>(
            this, [&](QObject *c, auto done) { store->upsertUser(person(42, u"Ann"_s), c, done); });
    VERIFY_OK(first);
    QCOMPARE(first->id, qint64(42));
    QCOMPARE(first->name, u"Ann"_s);
    QCOMPARE(first->membership, chat::auth::Membership::Free);

    chat::auth::Identity changed{42, u"Ann Nguyễn 🌸"_s, u"https://example.com/new.png"_s,
                                 chat::auth::Membership::Vip, chat::auth::Role::Moderator};
    auto second
            = wait<User>(this, [&](QObject *c, auto done) { store->upsertUser(changed, c, done); });
    VERIFY_OK(second);
    QCOMPARE(second->name, changed.name);
    QCOMPARE(second->avatar, changed.avatar);
    QCOMPARE(second->membership, chat::auth::Membership::Vip);
    QCOMPARE(second->role, chat::auth::Role::Moderator);
    QCOMPARE(second->createdAt, first->createdAt);
    QVERIFY(second->updatedAt >= first->updatedAt);

    auto byId = wait<User>(this, [&](QObject *c, auto done) { store->userById(42, c, done); });
    VERIFY_OK(byId);
    QCOMPARE(byId->name, changed.name);
    auto missing = wait<User>(this, [&](QObject *c, auto done) { store->userById(43, c, done); });
    VERIFY_ERROR(missing, ErrorKind::NotFound);

    auto many = wait<QList<User>>(this, [&](QObject *c, auto done) {
        store->usersByIds({43, 42}, c, done);
    });
    VERIFY_OK(many);
    QCOMPARE(many->size(), 1);
    QCOMPARE(many->first().id, qint64(42));

    // A token without avatar, with an empty display name: stored as empty strings.
    auto bare = wait<User>(this, [&](QObject *c, auto done) {
        store->upsertUser(
                {44, QString(), QString(), chat::auth::Membership::Free, chat::auth::Role::Member},
                c, done);
    });
    VERIFY_OK(bare);
    QVERIFY(bare->name.isEmpty());
    QVERIFY(bare->avatar.isEmpty());

    auto bad = wait<User>(this, [&](QObject *c, auto done) {
        store->upsertUser(person(0, u"Nobody"_s), c, done);
    });
    VERIFY_ERROR(bad, ErrorKind::InvalidArgument);
}

void tst_SqlStore::localAccountsAreUniqueCaseInsensitively()
{
    auto store = openStore();
    QVERIFY(store);
    const auto create = [&](const QString &username) {
        return wait<LocalAccount>(this, [&](QObject *c, auto done) {
            store->createLocalAccount({username, "$argon2id$v=19$m=8,t=1,p=1$fake", u"Name"_s}, c,
                                      done);
        });
    };
    auto alice = create(u"Alice"_s);
    VERIFY_OK(alice);
    QVERIFY(alice->user.id > 0);
    QCOMPARE(alice->username, u"Alice"_s);

    VERIFY_ERROR(create(u"alice"_s), ErrorKind::Conflict);
    VERIFY_ERROR(create(u"ALICE"_s), ErrorKind::Conflict);
    // Full-width letters are the same name after NFKC.
    VERIFY_ERROR(create(u"Ａｌｉｃｅ"_s), ErrorKind::Conflict);
    VERIFY_OK(create(u"Straße"_s));
    VERIFY_ERROR(create(u"STRAẞE"_s), ErrorKind::Conflict); // capital sharp s
    VERIFY_OK(create(u"Strasse"_s)); // one character for one: not the same name
    VERIFY_OK(create(u"Ålice"_s));
    VERIFY_ERROR(create(QString()), ErrorKind::InvalidArgument);
    VERIFY_ERROR(create(QString(65, u'x')), ErrorKind::InvalidArgument);

    auto found = wait<LocalAccount>(
            this, [&](QObject *c, auto done) { store->findLocalAccount(u"aLiCe"_s, c, done); });
    VERIFY_OK(found);
    QCOMPARE(found->user.id, alice->user.id);
    QCOMPARE(found->username, u"Alice"_s);
    QCOMPARE(found->passwordHash, "$argon2id$v=19$m=8,t=1,p=1$fake"_ba);
    QCOMPARE(found->user.name, u"Name"_s);

    auto missing = wait<LocalAccount>(
            this, [&](QObject *c, auto done) { store->findLocalAccount(u"bob"_s, c, done); });
    VERIFY_ERROR(missing, ErrorKind::NotFound);
}

void tst_SqlStore::rooms()
{
    auto store = openStore();
    QVERIFY(store);
    auto general = wait<Room>(
            this, [&](QObject *c, auto done) { store->roomBySlug(u"general"_s, c, done); });
    VERIFY_OK(general);
    auto same = wait<Room>(this,
                           [&](QObject *c, auto done) { store->roomById(general->id, c, done); });
    VERIFY_OK(same);
    QCOMPARE(same->slug, u"general"_s);
    VERIFY_ERROR(
            (wait<Room>(this, [&](QObject *c, auto done) { store->roomById(999999, c, done); })),
            ErrorKind::NotFound);
    VERIFY_ERROR(
            (wait<Room>(this,
                        [&](QObject *c, auto done) { store->roomBySlug(u"General"_s, c, done); })),
            ErrorKind::NotFound);

    NewRoom secret;
    secret.slug = u"dm-1-2"_s;
    secret.name = u"Private"_s;
    secret.icon = QString();
    secret.type = RoomType::Private;
    auto created
            = wait<Room>(this, [&](QObject *c, auto done) { store->createRoom(secret, c, done); });
    VERIFY_OK(created);
    QCOMPARE(created->type, RoomType::Private);
    QVERIFY(created->id > general->id);
    VERIFY_ERROR(
            (wait<Room>(this, [&](QObject *c, auto done) { store->createRoom(secret, c, done); })),
            ErrorKind::Conflict);

    auto community = wait<QList<Room>>(this, [&](QObject *c, auto done) {
        store->listRooms(RoomType::Community, false, c, done);
    });
    VERIFY_OK(community);
    for (const Room &room : *community)
        QVERIFY(room.slug != secret.slug);
    auto privates = wait<QList<Room>>(this, [&](QObject *c, auto done) {
        store->listRooms(RoomType::Private, false, c, done);
    });
    VERIFY_OK(privates);
    QCOMPARE(privates->size(), 1);
}

void tst_SqlStore::appendAndRead()
{
    auto store = openStore();
    QVERIFY(store);
    const std::optional<Room> general = writerInGeneral(*store, person(7, u"Bình"_s));
    QVERIFY(general);

    NewMessage first{general->id, 7, u"Xin chào mọi người! 👋 <b>not html</b>"_s};
    auto a = wait<AppendResult>(
            this, [&](QObject *c, auto done) { store->appendMessage(first, c, done); });
    VERIFY_OK(a);
    QVERIFY(a->message.id > 0);
    QVERIFY(!a->duplicate);
    QVERIFY(qAbs(a->message.createdAt - QDateTime::currentMSecsSinceEpoch()) < 60000);

    NewMessage reply{general->id,   7,       u"https://example.com"_s, MessageType::Link,
                     a->message.id, u"c-1"_s};
    auto b = wait<AppendResult>(
            this, [&](QObject *c, auto done) { store->appendMessage(reply, c, done); });
    VERIFY_OK(b);
    QVERIFY(b->message.id > a->message.id);

    auto read = wait<Message>(
            this, [&](QObject *c, auto done) { store->messageById(b->message.id, c, done); });
    VERIFY_OK(read);
    QCOMPARE(read->roomId, general->id);
    QCOMPARE(read->author, (UserRef{7, u"Bình"_s, u"https://example.com/7.png"_s}));
    QCOMPARE(read->text, reply.text);
    QCOMPARE(read->type, MessageType::Link);
    QCOMPARE(read->replyTo, a->message.id);
    QCOMPARE(read->clientId, u"c-1"_s);
    QCOMPARE(read->createdAt, b->message.createdAt);
    QCOMPARE(read->editedAt, qint64(0));
    QVERIFY(!read->deleted);

    auto plain = wait<Message>(
            this, [&](QObject *c, auto done) { store->messageById(a->message.id, c, done); });
    VERIFY_OK(plain);
    QCOMPARE(plain->text, first.text);
    QCOMPARE(plain->replyTo, qint64(0));
    QVERIFY(plain->clientId.isEmpty());

    // The protocol's time format, from the stored milliseconds.
    QCOMPARE(formatTimestamp(1795334400123), u"2026-11-22T08:00:00.123Z"_s);

    VERIFY_ERROR((wait<AppendResult>(this,
                                     [&](QObject *c, auto done) {
                                         store->appendMessage({general->id, 7, QString()}, c, done);
                                     })),
                 ErrorKind::InvalidArgument);
    VERIFY_ERROR((wait<AppendResult>(this,
                                     [&](QObject *c, auto done) {
                                         store->appendMessage({general->id, 7, u"x"_s,
                                                               MessageType::Text, 0,
                                                               QString(65, u'c')},
                                                              c, done);
                                     })),
                 ErrorKind::InvalidArgument);
}

void tst_SqlStore::groupCommitsConcurrentAppends()
{
    auto store = openStore();
    QVERIFY(store);
    const std::optional<Room> general = writerInGeneral(*store, person(1, u"Writer"_s));
    QVERIFY(general);
    const qint64 roomId = general->id;
    const auto before = store->statistics();

    // Four threads append 250 messages each, as fast as they can, each with its own context.
    constexpr int Threads = 4;
    constexpr int PerThread = 250;
    struct Lane
    {
        QThread thread;
        QObject *context = nullptr;
        QList<qint64> ids; // in callback order
        QList<int> order; // submission index of each callback
        QHash<qint64, QString> texts;
        bool wrongThread = false;
        QAtomicInt done = 0;
    };
    std::vector<std::unique_ptr<Lane>> lanes;
    for (int l = 0; l < Threads; ++l) {
        auto lane = std::make_unique<Lane>();
        lane->thread.start();
        lane->context = new QObject;
        lane->context->moveToThread(&lane->thread);
        lanes.push_back(std::move(lane));
    }
    for (int l = 0; l < Threads; ++l) {
        Lane *lane = lanes[size_t(l)].get();
        SqlStore *s = store.get();
        QMetaObject::invokeMethod(lane->context, [lane, s, roomId, l] {
            for (int i = 0; i < PerThread; ++i) {
                s->appendMessage({roomId, 1, u"lane %1 message %2"_s.arg(l).arg(i)}, lane->context,
                                 [lane, i](Result<AppendResult> r) {
                                     if (QThread::currentThread() != &lane->thread)
                                         lane->wrongThread = true;
                                     lane->ids.append(r.ok() ? r->message.id : -1);
                                     lane->order.append(i);
                                     if (r.ok())
                                         lane->texts.insert(r->message.id, r->message.text);
                                     lane->done.fetchAndAddOrdered(1);
                                 });
            }
        });
    }
    for (const auto &lane : lanes)
        QTRY_COMPARE_WITH_TIMEOUT(lane->done.loadAcquire(), PerThread, 60000);
    for (const auto &lane : lanes) {
        QMetaObject::invokeMethod(lane->context, &QObject::deleteLater);
        lane->thread.quit();
        QVERIFY(lane->thread.wait(10000));
    }

    QSet<qint64> all;
    for (const auto &lane : lanes) {
        QVERIFY(!lane->wrongThread);
        QVERIFY(!lane->ids.contains(-1));
        // Callbacks come in submission order, and so do ids (one FIFO per store).
        for (int i = 0; i < PerThread; ++i)
            QCOMPARE(lane->order.at(i), i);
        for (int i = 1; i < PerThread; ++i)
            QVERIFY(lane->ids.at(i) > lane->ids.at(i - 1));
        for (const qint64 id : lane->ids)
            all.insert(id);
    }
    QCOMPARE(all.size(), Threads * PerThread);

    auto stored = wait<MessagePage>(
            this, [&](QObject *c, auto done) { store->messagesAfter(roomId, 0, 1000, c, done); });
    VERIFY_OK(stored);
    QCOMPARE(stored->messages.size(), Threads * PerThread);
    QVERIFY(!stored->hasMore);
    // Every acknowledged id is the row with that message's text.
    QHash<qint64, QString> acknowledged;
    for (const auto &lane : lanes)
        acknowledged.insert(lane->texts);
    for (const Message &m : stored->messages)
        QCOMPARE(m.text, acknowledged.value(m.id));

    // Grouped: far fewer commits than messages.
    const auto after = store->statistics();
    const quint64 commits = after.commits - before.commits;
    qInfo() << "1000 appends committed in" << commits << "transactions, largest batch"
            << after.largestBatch;
    QVERIFY(after.largestBatch > 1);
    QVERIFY(commits < quint64(Threads * PerThread));
}

void tst_SqlStore::failingAppendDoesNotSinkItsBatch()
{
    auto store = openStore();
    QVERIFY(store);
    const std::optional<Room> general = writerInGeneral(*store, person(1, u"Writer"_s));
    QVERIFY(general);

    // Submitted together, so that they share a batch: the one for a missing room fails alone.
    const QList<NewMessage> messages = {{general->id, 1, u"one"_s},
                                        {general->id, 1, u"two"_s},
                                        {987654, 1, u"no room"_s},
                                        {general->id, 999, u"no user"_s},
                                        {general->id, 1, u"three"_s}};
    const auto results = appendTogether(*store, messages);
    QVERIFY(std::all_of(results.cbegin(), results.cend(),
                        [](const auto &r) { return r.has_value(); }));
    VERIFY_OK(*results[0]);
    VERIFY_OK(*results[1]);
    VERIFY_ERROR(*results[2], ErrorKind::NotFound);
    VERIFY_ERROR(*results[3], ErrorKind::NotFound);
    VERIFY_OK(*results[4]);

    auto stored = wait<MessagePage>(
            this, [&](QObject *c, auto done) { store->history(general->id, 0, 10, c, done); });
    VERIFY_OK(stored);
    QCOMPARE(stored->messages.size(), 3);
    QCOMPARE(stored->messages.at(0).text, u"one"_s);
    QCOMPARE(stored->messages.at(2).text, u"three"_s);
}

void tst_SqlStore::deduplicatesByClientId()
{
    auto store = openStore();
    QVERIFY(store);
    for (qint64 id : {1, 2}) {
        VERIFY_OK((wait<User>(this, [&](QObject *c, auto done) {
            store->upsertUser(person(id, u"U"_s), c, done);
        })));
    }
    auto rooms = wait<QList<Room>>(this, [&](QObject *c, auto done) {
        store->listRooms(RoomType::Community, false, c, done);
    });
    VERIFY_OK(rooms);
    const qint64 roomA = rooms->at(0).id;
    const qint64 roomB = rooms->at(1).id;
    const auto append = [&](qint64 room, qint64 user, const QString &text,
                            const QString &clientId) {
        return wait<AppendResult>(this, [&](QObject *c, auto done) {
            store->appendMessage({room, user, text, MessageType::Text, 0, clientId}, c, done);
        });
    };

    auto first = append(roomA, 1, u"hello"_s, u"k1"_s);
    VERIFY_OK(first);
    QVERIFY(!first->duplicate);
    // A resend (say after a reconnect) gets the stored message back, not a copy.
    auto resent = append(roomA, 1, u"hello (resent)"_s, u"k1"_s);
    VERIFY_OK(resent);
    QVERIFY(resent->duplicate);
    QCOMPARE(resent->message.id, first->message.id);
    QCOMPARE(resent->message.text, u"hello"_s);
    QCOMPARE(resent->message.createdAt, first->message.createdAt);

    // The key is (room, user, client id).
    auto otherUser = append(roomA, 2, u"hello"_s, u"k1"_s);
    auto otherRoom = append(roomB, 1, u"hello"_s, u"k1"_s);
    VERIFY_OK(otherUser);
    VERIFY_OK(otherRoom);
    QVERIFY(!otherUser->duplicate && !otherRoom->duplicate);
    QVERIFY(otherUser->message.id != first->message.id);
    QVERIFY(otherRoom->message.id != first->message.id);
    // No client id: never deduplicated.
    auto plain1 = append(roomA, 1, u"same"_s, QString());
    auto plain2 = append(roomA, 1, u"same"_s, QString());
    VERIFY_OK(plain1);
    VERIFY_OK(plain2);
    QVERIFY(plain1->message.id != plain2->message.id);

    // Twice in the same batch.
    std::optional<Result<AppendResult>> x, y;
    store->appendMessage({roomA, 2, u"twin"_s, MessageType::Text, 0, u"k2"_s}, this,
                         [&x](Result<AppendResult> r) { x.emplace(std::move(r)); });
    store->appendMessage({roomA, 2, u"twin"_s, MessageType::Text, 0, u"k2"_s}, this,
                         [&y](Result<AppendResult> r) { y.emplace(std::move(r)); });
    QTRY_VERIFY(x && y);
    VERIFY_OK(*x);
    VERIFY_OK(*y);
    QVERIFY(!(*x)->duplicate);
    QVERIFY((*y)->duplicate);
    QCOMPARE((*y)->message.id, (*x)->message.id);

    auto page = wait<MessagePage>(
            this, [&](QObject *c, auto done) { store->history(roomA, 0, 100, c, done); });
    VERIFY_OK(page);
    QCOMPARE(page->messages.size(), 5);

    // Many at once, so that they share batches (and, on MariaDB, multi-row statements): 20
    // resends of a stored message, then every new client id twice in a row.
    struct Sent
    {
        qint64 id = 0;
        bool duplicate = false;
        bool ok = false;
    };
    constexpr int Burst = 300;
    QList<Sent> sent(Burst);
    int answered = 0;
    for (int i = 0; i < Burst; ++i) {
        const QString key = i < 20 ? u"k1"_s : u"burst-%1"_s.arg(i / 2);
        store->appendMessage({roomA, 1, u"burst %1"_s.arg(i), MessageType::Text, 0, key}, this,
                             [&sent, &answered, i](Result<AppendResult> r) {
                                 ++answered;
                                 if (r.ok())
                                     sent[i] = {r->message.id, r->duplicate, true};
                             });
    }
    QTRY_COMPARE(answered, Burst);
    for (int i = 0; i < Burst; ++i) {
        QVERIFY(sent.at(i).ok);
        if (i < 20) {
            QVERIFY(sent.at(i).duplicate);
            QCOMPARE(sent.at(i).id, first->message.id);
        } else if (i % 2 == 0) {
            QVERIFY(!sent.at(i).duplicate);
        } else {
            QVERIFY(sent.at(i).duplicate);
            QCOMPARE(sent.at(i).id, sent.at(i - 1).id);
        }
    }
    auto all = wait<MessagePage>(
            this, [&](QObject *c, auto done) { store->messagesAfter(roomA, 0, 1000, c, done); });
    VERIFY_OK(all);
    QCOMPARE(all->messages.size(), 5 + (Burst - 20) / 2);
    for (const Message &m : all->messages) {
        if (m.clientId.startsWith(u"burst-"_s))
            QCOMPARE(m.text, u"burst %1"_s.arg(m.clientId.mid(6).toInt() * 2));
    }

    // Resends of stored messages, new client ids and messages without one, mixed in one run:
    // the rows that an insert skips sit between the rows it stores, and every stored row must
    // still get the id of its own text.
    // The rows that an insert stored are found without running the batch again with a
    // savepoint per append.
    QTest::failOnWarning(QRegularExpression(u"rows stored, \\d+ matched"_s));
    constexpr int Mixed = 240;
    QList<Sent> mixed(Mixed);
    answered = 0;
    const auto mixedKey = [](int i) {
        switch (i % 4) {
        case 0:
            return u"burst-%1"_s.arg(10 + i / 4); // stored by the burst above
        case 1:
            return QString();
        default:
            return u"mixed-%1"_s.arg(i);
        }
    };
    for (int i = 0; i < Mixed; ++i) {
        store->appendMessage({roomA, 1, u"mixed %1"_s.arg(i), MessageType::Text, 0, mixedKey(i)},
                             this, [&mixed, &answered, i](Result<AppendResult> r) {
                                 ++answered;
                                 if (r.ok())
                                     mixed[i] = {r->message.id, r->duplicate, true};
                             });
    }
    QTRY_COMPARE(answered, Mixed);
    qint64 previous = 0;
    QHash<qint64, QString> newTexts;
    for (int i = 0; i < Mixed; ++i) {
        QVERIFY(mixed.at(i).ok);
        if (i % 4 == 0) {
            QVERIFY(mixed.at(i).duplicate);
            QCOMPARE(mixed.at(i).id, sent.at(2 * (10 + i / 4)).id);
            continue;
        }
        QVERIFY(!mixed.at(i).duplicate);
        QVERIFY(mixed.at(i).id > previous);
        previous = mixed.at(i).id;
        newTexts.insert(mixed.at(i).id, u"mixed %1"_s.arg(i));
    }
    QCOMPARE(newTexts.size(), Mixed - Mixed / 4);
    auto afterMixed = wait<MessagePage>(this, [&](QObject *c, auto done) {
        store->messagesAfter(roomA, all->messages.last().id, 1000, c, done);
    });
    VERIFY_OK(afterMixed);
    QCOMPARE(afterMixed->messages.size(), newTexts.size());
    for (const Message &m : afterMixed->messages)
        QCOMPARE(m.text, newTexts.value(m.id));
}

// Appends submitted together share a batch and one multi-row INSERT, which on SQLite binds
// UTF-8 itself rather than through QtSql: every text and client id must come back exactly.
void tst_SqlStore::bulkAppendsKeepTextExactly()
{
    auto store = openStore();
    QVERIFY(store);
    const std::optional<Room> general = writerInGeneral(*store, person(1, u"Writer"_s));
    QVERIFY(general);
    const qint64 roomId = general->id;
    auto parent = wait<AppendResult>(this, [&](QObject *c, auto done) {
        store->appendMessage({roomId, 1, u"parent"_s}, c, done);
    });
    VERIFY_OK(parent);

    const QStringList texts = {
            u"Xin chào mọi người! Tiếng Việt có dấu: ắ ằ ẳ ẵ ặ ơ ư đ"_s,
            // The same letters decomposed into base letter and combining marks.
            u"Tie\u0302\u0301ng Vie\u0323\u0302t"_s,
            u"👋🏽 👨‍👩‍👧‍👦 🇻🇳 🎉 — emoji outside the BMP, with ZWJ and flags"_s,
            u"漢字かなカナ한국어 ㊗ 𠜎𠜱𠝹 (CJK, including plane 2)"_s,
            u"مرحبا بالعالم שלום עולם (right to left)"_s,
            u"quotes ' \" ` backslash \\ percent % question ? colon :name"_s,
            u"tab\tnew line\ncarriage return\r\nend"_s,
            u"before a NUL"_s + QChar(u'\0') + u"after it"_s,
            u"\u00A0\u2028\u2029\uFEFF\uFFFD (odd spaces and marks)"_s,
            QString(2000, QChar(0x1EA0)), // 2000 × 'Ạ': 3 bytes each in UTF-8
            u"x"_s,
    };
    const QStringList clientIds = {
            QString(),        u"ascii-1"_s,  u"khóa-tiếng-việt"_s,
            u"🔑-emoji-key"_s, u"漢字キー"_s, QString(64, u'k'),
    };

    struct Sent
    {
        NewMessage message;
        std::optional<Result<AppendResult>> result;
    };
    constexpr int Rounds = 7; // 77 appends: chunks of 64, 8, 4 and 1 rows
    QList<Sent> sent;
    for (int round = 0; round < Rounds; ++round) {
        for (qsizetype i = 0; i < texts.size(); ++i) {
            const qsizetype n = sent.size();
            NewMessage m{roomId, 1, texts.at(i)};
            m.type = MessageType(n % 4);
            m.replyTo = n % 3 == 0 ? parent->message.id : 0;
            const QString key = clientIds.at(n % clientIds.size());
            if (!key.isEmpty()) {
                const QString suffix = u'-' + QString::number(n);
                m.clientId = key.left(64 - suffix.size()) + suffix;
            }
            sent.append({m, std::nullopt});
        }
    }
    // Each list is submitted at once, so that its appends share batches.
    const auto submit = [&](QList<Sent> &list) {
        QList<NewMessage> messages;
        for (const Sent &one : std::as_const(list))
            messages.append(one.message);
        const auto results = appendTogether(*store, messages);
        for (qsizetype i = 0; i < list.size(); ++i)
            list[i].result = results.at(i);
        return std::all_of(list.cbegin(), list.cend(),
                           [](const Sent &one) { return one.result.has_value(); });
    };
    QVERIFY(submit(sent));

    QHash<qint64, qsizetype> byId;
    for (qsizetype i = 0; i < sent.size(); ++i) {
        const Result<AppendResult> &r = *sent.at(i).result;
        VERIFY_OK(r);
        QVERIFY(!r->duplicate);
        QCOMPARE(r->message.text, sent.at(i).message.text);
        byId.insert(r->message.id, i);
    }
    QCOMPARE(byId.size(), sent.size());

    auto stored = wait<MessagePage>(this, [&](QObject *c, auto done) {
        store->messagesAfter(roomId, parent->message.id, 1000, c, done);
    });
    VERIFY_OK(stored);
    QCOMPARE(stored->messages.size(), sent.size());
    for (const Message &m : stored->messages) {
        QVERIFY(byId.contains(m.id));
        const NewMessage &expected = sent.at(byId.value(m.id)).message;
        QCOMPARE(m.text, expected.text);
        QCOMPARE(m.text.size(), expected.text.size());
        QCOMPARE(m.clientId, expected.clientId);
        QCOMPARE(m.type, expected.type);
        QCOMPARE(m.replyTo, expected.replyTo);
    }

    // Resent together with new ones: the rows that the INSERT skips are told apart from the
    // stored ones by their non-ASCII client ids, and answer with the first copy.
    QList<Sent> again;
    for (qsizetype i = 0; i < sent.size(); ++i) {
        if (sent.at(i).message.clientId.isEmpty())
            continue;
        NewMessage resend = sent.at(i).message;
        resend.text = u"resent "_s + resend.text.left(20);
        again.append({resend, std::nullopt});
        NewMessage fresh = sent.at(i).message;
        fresh.clientId = u"mới-"_s + QString::number(i) + u"-✓"_s;
        again.append({fresh, std::nullopt});
    }
    QVERIFY(submit(again));
    for (qsizetype i = 0; i < again.size(); ++i) {
        const Result<AppendResult> &r = *again.at(i).result;
        VERIFY_OK(r);
        const bool resend = i % 2 == 0;
        QCOMPARE(r->duplicate, resend);
        QCOMPARE(r->message.clientId, again.at(i).message.clientId);
        if (resend) {
            QVERIFY(byId.contains(r->message.id));
            QCOMPARE(sent.at(byId.value(r->message.id)).message.clientId,
                     again.at(i).message.clientId);
            QCOMPARE(r->message.text, sent.at(byId.value(r->message.id)).message.text);
        } else {
            auto read = wait<Message>(this, [&](QObject *c, auto done) {
                store->messageById(r->message.id, c, done);
            });
            VERIFY_OK(read);
            QCOMPARE(read->text, again.at(i).message.text);
            QCOMPARE(read->clientId, again.at(i).message.clientId);
        }
    }
}

// A missing room or user refuses a row of a multi-row INSERT, which fails as a whole: the
// batch runs again with a savepoint per append, so that only those appends fail, and the
// statements stay usable for the next batches.
void tst_SqlStore::failingAppendInsideALargeRun()
{
    auto store = openStore();
    QVERIFY(store);
    const std::optional<Room> general = writerInGeneral(*store, person(1, u"Writer"_s));
    QVERIFY(general);
    const qint64 roomId = general->id;

    for (int round = 0; round < 2; ++round) {
        constexpr int Count = 200;
        const QSet<int> noRoom = {37, 130};
        const QSet<int> noUser = {71};
        QList<NewMessage> messages;
        for (int i = 0; i < Count; ++i) {
            messages.append({noRoom.contains(i) ? 987654 : roomId, noUser.contains(i) ? 999 : 1,
                             u"round %1 message %2 ✓"_s.arg(round).arg(i)});
        }
        const auto results = appendTogether(*store, messages);
        QVERIFY(std::all_of(results.cbegin(), results.cend(),
                            [](const auto &r) { return r.has_value(); }));
        qint64 first = 0;
        qint64 previous = 0;
        QHash<qint64, QString> texts;
        for (int i = 0; i < Count; ++i) {
            if (noRoom.contains(i) || noUser.contains(i)) {
                VERIFY_ERROR(*results[i], ErrorKind::NotFound);
                continue;
            }
            VERIFY_OK(*results[i]);
            QVERIFY((*results[i])->message.id > previous);
            previous = (*results[i])->message.id;
            if (first == 0)
                first = previous;
            texts.insert(previous, u"round %1 message %2 ✓"_s.arg(round).arg(i));
        }
        auto stored = wait<MessagePage>(this, [&](QObject *c, auto done) {
            store->messagesAfter(roomId, first - 1, 1000, c, done);
        });
        VERIFY_OK(stored);
        QCOMPARE(stored->messages.size(), texts.size());
        for (const Message &m : stored->messages)
            QCOMPARE(m.text, texts.value(m.id));
    }
}

// Closing after bulk appends loses nothing, and a store opened afterwards reads everything
// back. On SQLite, the last connection to close also removes the WAL file, but SQLite does not
// close a connection while a statement prepared on it is alive: a WAL file left behind means a
// native statement was not finalized before QtSql closed the connection.
void tst_SqlStore::closesCleanlyAfterBulkAppends()
{
    const bool sqlite = m_backend != Backend::MySql;
    qint64 roomId = 0;
    QSet<qint64> acknowledged;
    {
        auto store = openStore();
        QVERIFY(store);
        VERIFY_OK((wait<User>(this, [&](QObject *c, auto done) {
            store->upsertUser(person(1, u"Writer"_s), c, done);
        })));
        auto general = wait<Room>(
                this, [&](QObject *c, auto done) { store->roomBySlug(u"general"_s, c, done); });
        VERIFY_OK(general);
        roomId = general->id;
        int answered = 0;
        for (int i = 0; i < 100; ++i) {
            store->appendMessage({general->id, 1, u"message %1"_s.arg(i), MessageType::Text, 0,
                                  i % 2 ? u"key-%1"_s.arg(i / 4) : QString()},
                                 this, [&answered, &acknowledged](Result<AppendResult> r) {
                                     ++answered;
                                     if (r.ok())
                                         acknowledged.insert(r->message.id);
                                 });
        }
        QTRY_COMPARE(answered, 100);
        // 50 without a client id, 50 with 25 keys each sent twice.
        QCOMPARE(acknowledged.size(), 75);
        if (sqlite)
            QVERIFY(QFile::exists(m_sqlitePath + u"-wal"_s));
    }
    if (sqlite)
        QVERIFY(!QFile::exists(m_sqlitePath + u"-wal"_s));

    auto reopened = openStore();
    QVERIFY(reopened);
    auto page = wait<MessagePage>(this, [&](QObject *c, auto done) {
        reopened->messagesAfter(roomId, 0, 1000, c, done);
    });
    VERIFY_OK(page);
    QSet<qint64> stored;
    for (const Message &m : page->messages)
        stored.insert(m.id);
    QCOMPARE(stored, acknowledged);
}

void tst_SqlStore::formatsTimestampsAsQDateTimeDoes()
{
    const auto expected = [](qint64 ms) {
        return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
    };
    // Edges: the epoch, leap days, century rules, the ends of the four-digit years, and a
    // millisecond either side of midnight.
    const QList<qint64> edges = {0,
                                 -1,
                                 1,
                                 951'782'400'000, // 2000-02-29
                                 4'107'542'400'000, // 2100-03-01 (2100 is not a leap year)
                                 1'709'164'799'999, // 2024-02-28T23:59:59.999
                                 1'709'164'800'000, // 2024-02-29
                                 -62'135'596'800'000, // 0001-01-01
                                 -62'135'596'800'001, // before it: QDateTime's own answer
                                 253'402'300'799'999, // 9999-12-31T23:59:59.999
                                 -86'400'000 * qint64(365) * 100};
    for (const qint64 ms : edges)
        QCOMPARE(formatTimestamp(ms), expected(ms));
    // And a spread of times from 1900 to 2200.
    quint64 state = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < 20000; ++i) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        const qint64 ms = -2'208'988'800'000 + qint64(state % 9'467'280'000'000ULL);
        QCOMPARE(formatTimestamp(ms), expected(ms));
    }
}

void tst_SqlStore::pagesHistoryWithoutGapsOrDuplicates()
{
    auto store = openStore();
    QVERIFY(store);
    VERIFY_OK((wait<User>(
            this, [&](QObject *c, auto done) { store->upsertUser(person(1, u"U"_s), c, done); })));
    auto rooms = wait<QList<Room>>(this, [&](QObject *c, auto done) {
        store->listRooms(RoomType::Community, false, c, done);
    });
    VERIFY_OK(rooms);
    const qint64 room = rooms->at(0).id;
    const qint64 other = rooms->at(1).id;

    // 1000 messages in the room, interleaved with 500 in another room.
    QList<qint64> ids;
    int pending = 0;
    for (int i = 0; i < 1500; ++i) {
        const bool mine = i % 3 != 2;
        ++pending;
        store->appendMessage({mine ? room : other, 1, u"m%1"_s.arg(i)}, this,
                             [&ids, &pending, mine](Result<AppendResult> r) {
                                 --pending;
                                 if (mine)
                                     ids.append(r.ok() ? r->message.id : -1);
                             });
    }
    QTRY_COMPARE_WITH_TIMEOUT(pending, 0, 60000);
    QCOMPARE(ids.size(), 1000);
    QVERIFY(!ids.contains(-1));

    // Backwards, as a client scrolls up: 73 at a time.
    QList<qint64> backwards;
    qint64 before = 0;
    for (int pages = 0; pages < 100; ++pages) {
        auto page = wait<MessagePage>(
                this, [&](QObject *c, auto done) { store->history(room, before, 73, c, done); });
        VERIFY_OK(page);
        QVERIFY(!page->messages.isEmpty());
        for (qsizetype i = 1; i < page->messages.size(); ++i)
            QVERIFY(page->messages.at(i).id > page->messages.at(i - 1).id);
        QVERIFY(page->messages.size() == 73 || !page->hasMore);
        backwards = QList<qint64>() << [&] {
            QList<qint64> l;
            for (const Message &m : page->messages)
                l.append(m.id);
            return l;
        }() << backwards;
        before = page->messages.first().id;
        if (!page->hasMore)
            break;
    }
    QCOMPARE(backwards, ids);

    // Forwards, as a reconnecting client catches up: 100 at a time.
    QList<qint64> forwards;
    qint64 since = 0;
    for (int pages = 0; pages < 100; ++pages) {
        auto page = wait<MessagePage>(this, [&](QObject *c, auto done) {
            store->messagesAfter(room, since, 100, c, done);
        });
        VERIFY_OK(page);
        for (const Message &m : page->messages)
            forwards.append(m.id);
        if (!page->hasMore)
            break;
        since = page->messages.last().id;
    }
    QCOMPARE(forwards, ids);

    auto newest = wait<MessagePage>(
            this, [&](QObject *c, auto done) { store->history(room, 0, 50, c, done); });
    VERIFY_OK(newest);
    QCOMPARE(newest->messages.size(), 50);
    QVERIFY(newest->hasMore);
    QCOMPARE(newest->messages.last().id, ids.last());
    auto tail = wait<MessagePage>(this, [&](QObject *c, auto done) {
        store->messagesAfter(room, ids.last(), 50, c, done);
    });
    VERIFY_OK(tail);
    QVERIFY(tail->messages.isEmpty());
    QVERIFY(!tail->hasMore);
}

void tst_SqlStore::editsAndSoftDeletes()
{
    auto store = openStore();
    QVERIFY(store);
    VERIFY_OK((wait<User>(
            this, [&](QObject *c, auto done) { store->upsertUser(person(1, u"U"_s), c, done); })));
    auto general = wait<Room>(
            this, [&](QObject *c, auto done) { store->roomBySlug(u"general"_s, c, done); });
    VERIFY_OK(general);
    auto sent = wait<AppendResult>(this, [&](QObject *c, auto done) {
        store->appendMessage({general->id, 1, u"typo"_s}, c, done);
    });
    VERIFY_OK(sent);
    const qint64 id = sent->message.id;

    auto edited = wait<Message>(
            this, [&](QObject *c, auto done) { store->editMessage(id, u"fixed"_s, c, done); });
    VERIFY_OK(edited);
    QCOMPARE(edited->text, u"fixed"_s);
    QVERIFY(edited->editedAt >= sent->message.createdAt);
    auto read
            = wait<Message>(this, [&](QObject *c, auto done) { store->messageById(id, c, done); });
    VERIFY_OK(read);
    QCOMPARE(read->text, u"fixed"_s);
    QCOMPARE(read->editedAt, edited->editedAt);

    auto deleted = wait<Message>(this,
                                 [&](QObject *c, auto done) { store->deleteMessage(id, c, done); });
    VERIFY_OK(deleted);
    QVERIFY(deleted->deleted);
    QVERIFY(deleted->text.isEmpty());
    QCOMPARE(deleted->roomId, general->id);
    auto again = wait<Message>(this,
                               [&](QObject *c, auto done) { store->deleteMessage(id, c, done); });
    VERIFY_OK(again);
    QVERIFY(again->deleted);

    // Soft: still in history, marked, without its text.
    auto page = wait<MessagePage>(
            this, [&](QObject *c, auto done) { store->history(general->id, 0, 10, c, done); });
    VERIFY_OK(page);
    QCOMPARE(page->messages.size(), 1);
    QVERIFY(page->messages.first().deleted);
    QVERIFY(page->messages.first().text.isEmpty());

    VERIFY_ERROR((wait<Message>(this,
                                [&](QObject *c, auto done) {
                                    store->editMessage(id, u"zombie"_s, c, done);
                                })),
                 ErrorKind::NotFound);
    VERIFY_ERROR((wait<Message>(this,
                                [&](QObject *c, auto done) {
                                    store->editMessage(id + 1000, u"x"_s, c, done);
                                })),
                 ErrorKind::NotFound);
    VERIFY_ERROR((wait<Message>(
                         this,
                         [&](QObject *c, auto done) { store->deleteMessage(id + 1000, c, done); })),
                 ErrorKind::NotFound);
}

void tst_SqlStore::membershipAndUnreadCounts()
{
    auto store = openStore();
    QVERIFY(store);
    for (qint64 id : {1, 2, 3}) {
        VERIFY_OK((wait<User>(this, [&](QObject *c, auto done) {
            store->upsertUser(person(id, u"User %1"_s.arg(id)), c, done);
        })));
    }
    auto rooms = wait<QList<Room>>(this, [&](QObject *c, auto done) {
        store->listRooms(RoomType::Community, false, c, done);
    });
    VERIFY_OK(rooms);
    const qint64 general = rooms->at(0).id;
    const qint64 help = rooms->at(5).id;

    auto joined = wait<Member>(this, [&](QObject *c, auto done) {
        store->joinRoom(general, 1, Role::Member, c, done);
    });
    VERIFY_OK(joined);
    QCOMPARE(joined->user.id, qint64(1));
    QCOMPARE(joined->user.name, u"User 1"_s);
    QCOMPARE(joined->lastReadMessageId, qint64(0));
    // Joining again keeps the first membership.
    auto rejoined = wait<Member>(this, [&](QObject *c, auto done) {
        store->joinRoom(general, 1, Role::Admin, c, done);
    });
    VERIFY_OK(rejoined);
    QCOMPARE(rejoined->role, Role::Member);
    QCOMPARE(rejoined->joinedAt, joined->joinedAt);
    VERIFY_OK((wait<Member>(this, [&](QObject *c, auto done) {
        store->joinRoom(general, 2, Role::Moderator, c, done);
    })));
    VERIFY_OK((wait<Member>(this, [&](QObject *c, auto done) {
        store->joinRoom(help, 1, Role::Member, c, done);
    })));
    VERIFY_ERROR((wait<Member>(this,
                               [&](QObject *c, auto done) {
                                   store->joinRoom(987654, 1, Role::Member, c, done);
                               })),
                 ErrorKind::NotFound);

    auto yes = wait<bool>(this,
                          [&](QObject *c, auto done) { store->isMember(general, 2, c, done); });
    auto no = wait<bool>(this,
                         [&](QObject *c, auto done) { store->isMember(general, 3, c, done); });
    VERIFY_OK(yes);
    VERIFY_OK(no);
    QVERIFY(*yes);
    QVERIFY(!*no);

    auto members = wait<MemberPage>(
            this, [&](QObject *c, auto done) { store->members(general, 0, 100, c, done); });
    VERIFY_OK(members);
    QCOMPARE(members->total, qint64(2));
    QCOMPARE(members->members.size(), 2);
    QCOMPARE(members->members.at(1).user.id, qint64(2));
    QCOMPARE(members->members.at(1).role, Role::Moderator);
    auto second = wait<MemberPage>(
            this, [&](QObject *c, auto done) { store->members(general, 1, 1, c, done); });
    VERIFY_OK(second);
    QCOMPARE(second->members.size(), 1);
    QCOMPARE(second->total, qint64(2));

    // User 2 writes three messages, user 1 one: user 1 has three unread.
    QList<qint64> ids;
    for (const auto &[user, text] :
         QList<std::pair<qint64, QString>>{{2, u"a"_s}, {2, u"b"_s}, {1, u"mine"_s}, {2, u"c"_s}}) {
        auto r = wait<AppendResult>(this, [&](QObject *c, auto done) {
            store->appendMessage({general, user, text}, c, done);
        });
        VERIFY_OK(r);
        ids.append(r->message.id);
    }
    const auto unreadOf = [&](qint64 user) {
        QHash<qint64, qint64> counts;
        auto r = wait<QList<UnreadCount>>(
                this, [&](QObject *c, auto done) { store->unreadCounts(user, c, done); });
        if (r.ok()) {
            for (const UnreadCount &u : *r)
                counts.insert(u.roomId, u.count);
        }
        return counts;
    };
    QHash<qint64, qint64> unread = unreadOf(1);
    QCOMPARE(unread.size(), 2);
    QCOMPARE(unread.value(general), qint64(3));
    QCOMPARE(unread.value(help), qint64(0));
    QCOMPARE(unreadOf(2).value(general), qint64(1));
    QVERIFY(unreadOf(3).isEmpty());

    auto moved = wait<bool>(this, [&](QObject *c, auto done) {
        store->setLastRead(general, 1, ids.at(1), c, done);
    });
    VERIFY_OK(moved);
    QVERIFY(*moved);
    QCOMPARE(unreadOf(1).value(general), qint64(1));
    // Never backwards.
    auto back = wait<bool>(this, [&](QObject *c, auto done) {
        store->setLastRead(general, 1, ids.at(0), c, done);
    });
    VERIFY_OK(back);
    QVERIFY(!*back);
    QCOMPARE(unreadOf(1).value(general), qint64(1));
    VERIFY_ERROR((wait<bool>(this,
                             [&](QObject *c, auto done) {
                                 store->setLastRead(help, 1, ids.at(3), c, done);
                             })),
                 ErrorKind::NotFound);
    VERIFY_ERROR((wait<bool>(this,
                             [&](QObject *c, auto done) {
                                 store->setLastRead(general, 3, ids.at(3), c, done);
                             })),
                 ErrorKind::NotFound);
    auto member = wait<MemberPage>(
            this, [&](QObject *c, auto done) { store->members(general, 0, 1, c, done); });
    VERIFY_OK(member);
    QCOMPARE(member->members.first().lastReadMessageId, ids.at(1));
    QVERIFY(member->members.first().lastReadAt > 0);

    // A deleted message is no longer unread.
    VERIFY_OK((wait<Message>(
            this, [&](QObject *c, auto done) { store->deleteMessage(ids.at(3), c, done); })));
    QCOMPARE(unreadOf(1).value(general), qint64(0));
}

void tst_SqlStore::restartKeepsEverythingAcknowledged()
{
    QList<qint64> acknowledged;
    qint64 room = 0;
    {
        auto store = openStore();
        QVERIFY(store);
        VERIFY_OK((wait<User>(this, [&](QObject *c, auto done) {
            store->upsertUser(person(1, u"U"_s), c, done);
        })));
        auto general = wait<Room>(
                this, [&](QObject *c, auto done) { store->roomBySlug(u"general"_s, c, done); });
        VERIFY_OK(general);
        room = general->id;
        for (int i = 0; i < 50; ++i) {
            store->appendMessage({room, 1, u"before %1"_s.arg(i)}, this,
                                 [&acknowledged](Result<AppendResult> r) {
                                     if (r.ok())
                                         acknowledged.append(r->message.id);
                                 });
        }
        QTRY_COMPARE(acknowledged.size(), 50);
        // Then queue more and destroy the store at once: what was accepted is still executed
        // and answered before the store goes.
        for (int i = 0; i < 50; ++i) {
            store->appendMessage({room, 1, u"late %1"_s.arg(i)}, this,
                                 [&acknowledged](Result<AppendResult> r) {
                                     if (r.ok())
                                         acknowledged.append(r->message.id);
                                 });
        }
    }
    QTRY_COMPARE(acknowledged.size(), 100);

    auto store = openStore();
    QVERIFY(store);
    auto all = wait<MessagePage>(
            this, [&](QObject *c, auto done) { store->messagesAfter(room, 0, 1000, c, done); });
    VERIFY_OK(all);
    QList<qint64> stored;
    for (const Message &m : all->messages)
        stored.append(m.id);
    QCOMPARE(stored, acknowledged);

    auto next = wait<AppendResult>(this, [&](QObject *c, auto done) {
        store->appendMessage({room, 1, u"after restart"_s}, c, done);
    });
    VERIFY_OK(next);
    QVERIFY(next->message.id > acknowledged.last());
    QVERIFY(next->message.id < (qint64(1) << 53));
}

void tst_SqlStore::closedStoreAnswersUnavailable()
{
    SqlStore never(config());
    VERIFY_ERROR((wait<void>(this, [&](QObject *c, auto done) { never.ping(c, done); })),
                 ErrorKind::Unavailable);

    auto store = openStore();
    QVERIFY(store);
    VERIFY_OK((wait<void>(this, [&](QObject *c, auto done) { store->ping(c, done); })));
    store->close();
    QVERIFY(!store->isOpen());
    bool calledInline = false;
    bool called = false;
    store->ping(this, [&](Result<void> r) {
        called = true;
        QVERIFY(!r.ok());
    });
    calledInline = called;
    QVERIFY(!calledInline); // never from inside the call
    QTRY_VERIFY(called);
}

void tst_SqlStore::callbackDroppedWhenContextDies()
{
    auto store = openStore();
    QVERIFY(store);
    auto called = std::make_shared<bool>(false);
    auto *context = new QObject;
    store->history(1, 0, 10, context, [called](Result<MessagePage>) { *called = true; });
    delete context;
    // The store's FIFO: once a later operation is answered, the earlier one has been too.
    VERIFY_OK((wait<void>(this, [&](QObject *c, auto done) { store->ping(c, done); })));
    QCoreApplication::processEvents();
    QVERIFY(!*called);
}

QTEST_GUILESS_MAIN(tst_SqlStore)
#include "tst_sqlstore.moc"
