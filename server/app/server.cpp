// SPDX-License-Identifier: MIT
#include "server.h"

#include "auth/jwt.h"
#include "auth/passwordhasher.h"
#include "chat/outbox.h"
#include "chat/roommanager.h"
#include "conformanceprofile.h"
#include "engineioserver.h"
#include "gateway.h"
#include "httpapi.h"
#include "httpserver.h"
#include "iofrontend.h"
#include "metrics.h"
#include "socketioserver.h"
#include "storage/sqlstore.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QRandomGenerator>
#include <QtCore/QTimer>
#include <QtNetwork/QTcpServer>

using namespace Qt::StringLiterals;

namespace chat::app {

using namespace chat::transport;

namespace {

// Reconnect storms bring thousands of connections at once; the kernel queue must hold them
// until the event loop accepts them.
constexpr int ListenBacklog = 4096;

} // namespace

Server::Server(const ServerConfig &config, QObject *parent) : QObject(parent), m_config(config) { }

Server::~Server() = default;

bool Server::start(QString *error)
{
    if (m_config.profile == ServerConfig::Profile::Conformance) {
        // The settings both protocol suites are written against (docs/conformance.md).
        m_config.pingIntervalMs = 300;
        m_config.pingTimeoutMs = 200;
        m_config.maxPayload = 1000000;
        m_config.connectTimeoutMs = 1000;
        m_config.corsOrigins = {u"*"_s};
    }

    EngineIoOptions options;
    options.pingIntervalMs = m_config.pingIntervalMs;
    options.pingTimeoutMs = m_config.pingTimeoutMs;
    options.maxPayload = m_config.maxPayload;
    options.sendBufferLimit = m_config.sendBufferLimit;
    options.slowConsumerGraceMs = m_config.slowConsumerGraceMs;

    m_http = new HttpServer(this);
    m_http->setCorsOrigins(m_config.corsOrigins);
    m_engine = new EngineIoServer(options, this);
    m_http->mountEngineIo(u"/socket.io/"_s, m_engine);
    m_io = new SocketIoServer(m_engine, this);
    m_io->setConnectTimeout(m_config.connectTimeoutMs);

    if (m_config.profile == ServerConfig::Profile::Conformance) {
        m_echoEngine = new EngineIoServer(options, this);
        m_http->mountEngineIo(u"/engine.io/"_s, m_echoEngine);
        new ConformanceProfile(m_echoEngine, m_io, this);
    } else if (!startChat(error)) {
        return false;
    }

    QHostAddress address;
    if (m_config.host == u"localhost"_s)
        address = QHostAddress::LocalHost;
    else if (!address.setAddress(m_config.host)) {
        *error = u"not an IP address: %1"_s.arg(m_config.host);
        return false;
    }
    const int ioThreads = m_config.effectiveIoThreads();
    if (ioThreads > 0) {
        // Direct WebSockets on I/O threads; everything else reaches m_http through it.
        auto *frontend = new IoFrontend(m_io, {ioThreads, u"/socket.io/"_s}, this);
        QString problem;
        if (!frontend->start(address, m_config.port, ListenBacklog, &problem)) {
            *error = u"cannot listen on %1:%2: %3"_s.arg(m_config.host)
                             .arg(m_config.port)
                             .arg(problem);
            delete frontend;
            return false;
        }
        m_port = frontend->serverPort();
        m_http->bind(frontend);
        m_frontend = frontend;
        return true;
    }
    auto *listener = new QTcpServer(this);
    listener->setListenBacklogSize(ListenBacklog);
    if (!listener->listen(address, m_config.port)) {
        *error = u"cannot listen on %1:%2: %3"_s.arg(m_config.host)
                         .arg(m_config.port)
                         .arg(listener->errorString());
        delete listener;
        return false;
    }
    m_port = listener->serverPort();
    m_http->bind(listener);
    return true;
}

bool Server::startChat(QString *error)
{
    storage::SqlStoreConfig storeConfig;
    storeConfig.tablePrefix = m_config.tablePrefix;
    const QString database = m_config.database;
    if (database.startsWith(u"mysql://"_s) || database.startsWith(u"mariadb://"_s)) {
        const QUrl url(database);
        storeConfig.driver = storage::SqlStoreConfig::Driver::MySql;
        storeConfig.hostName = url.host();
        storeConfig.port = url.port(3306);
        storeConfig.userName = url.userName();
        storeConfig.password = url.password();
        storeConfig.databaseName = url.path().mid(1);
    } else {
        QString path = database.startsWith(u"sqlite:"_s) ? database.mid(7) : database;
        if (path.isEmpty()) {
            if (!QDir().mkpath(m_config.dataDir)) {
                *error = u"cannot create the data folder %1"_s.arg(m_config.dataDir);
                return false;
            }
            path = QDir(m_config.dataDir).filePath(u"chat.db"_s);
        }
        storeConfig.databasePath = path;
    }
    m_store = std::make_unique<storage::SqlStore>(storeConfig);
    if (const storage::Result<void> opened = m_store->open(); !opened) {
        *error = u"cannot open the database: %1"_s.arg(opened.error().message);
        return false;
    }

    QByteArray secret = m_config.jwtSecret.toUtf8();
    if (secret.isEmpty()) {
        secret = embeddedSecret(error);
        if (secret.isEmpty())
            return false;
    }
    m_verifier = std::make_unique<auth::JwtVerifier>(secret);
    m_hasher = std::make_unique<auth::PasswordHasher>();
    m_metrics = std::make_unique<Metrics>();

    auto *outbox = new domain::Outbox(this);
    domain::RoomManager::Limits limits;
    limits.messagesPerMinute = m_config.rateLimitPerMin;
    // A SQLite file has one writer, this process, so the newest messages can be answered from
    // memory. Instances sharing a MySQL database each miss the others' messages.
    if (storeConfig.driver == storage::SqlStoreConfig::Driver::Sqlite)
        limits.recentMessages = 200;
    auto *rooms = new domain::RoomManager(m_store.get(), outbox, limits, this);
    auto *gateway = new Gateway(m_io, m_verifier.get(), m_store.get(), rooms, outbox,
                                m_metrics.get(), {m_config.maxConnectionsPerUser}, this);
    m_metrics->connections = [gateway] { return gateway->connectionCount(); };
    m_metrics->usersOnline = [gateway] { return gateway->usersOnline(); };

    HttpApi::Options api;
    api.standalone = m_config.standalone.value_or(m_config.mode == ServerConfig::Mode::Embedded);
    api.jwtSecret = secret;
    api.brokerName = u"in-process"_s;
    new HttpApi(m_http, m_store.get(), m_verifier.get(), m_hasher.get(), gateway, rooms,
                m_metrics.get(), api, this);
    return true;
}

QByteArray Server::embeddedSecret(QString *error) const
{
    if (!QDir().mkpath(m_config.dataDir)) {
        *error = u"cannot create the data folder %1"_s.arg(m_config.dataDir);
        return {};
    }
    QFile file(QDir(m_config.dataDir).filePath(u"jwt-secret"_s));
    if (file.open(QIODevice::ReadOnly)) {
        const QByteArray kept = file.readAll().trimmed();
        if (!kept.isEmpty())
            return kept;
        file.close();
    }
    quint32 words[8];
    QRandomGenerator::system()->fillRange(words);
    const QByteArray secret
            = QByteArray(reinterpret_cast<const char *>(words), sizeof words).toHex();
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        || file.write(secret + '\n') != secret.size() + 1) {
        *error = u"cannot write %1: %2"_s.arg(file.fileName(), file.errorString());
        return {};
    }
    return secret;
}

QString Server::url() const
{
    const QString host = m_config.host == u"0.0.0.0"_s || m_config.host == u"::"_s ? u"127.0.0.1"_s
                                                                                   : m_config.host;
    return u"http://%1:%2"_s.arg(host.contains(u':') ? u'[' + host + u']' : host).arg(m_port);
}

void Server::shutdown()
{
    if (m_stopping)
        return;
    m_stopping = true;
    // The I/O threads let go of the listening socket before it is closed below.
    if (m_frontend)
        m_frontend->stopAccepting();
    const QList<QTcpServer *> listeners = m_http->servers();
    for (QTcpServer *listener : listeners)
        listener->close();
    m_io->closeAll();
    if (m_echoEngine)
        m_echoEngine->closeAll(reason::ServerShuttingDown);

    // Polling clients get their close packet on their next GET; give them a moment, then go.
    auto *timer = new QTimer(this);
    auto *deadline = new QTimer(this);
    deadline->setSingleShot(true);
    deadline->start(2000);
    timer->start(20);
    connect(timer, &QTimer::timeout, this, [this, timer, deadline] {
        const bool drained = m_engine->sessionCount() == 0
                && (!m_echoEngine || m_echoEngine->sessionCount() == 0);
        if (!drained && deadline->isActive())
            return;
        timer->stop();
        // One more turn lets the sockets write the close frames just queued.
        QTimer::singleShot(50, this, &Server::stopped);
    });
}

} // namespace chat::app
