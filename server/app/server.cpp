// SPDX-License-Identifier: MIT
#include "server.h"

#include "conformanceprofile.h"
#include "engineioserver.h"
#include "httpserver.h"
#include "socketioserver.h"

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
    } else {
        m_io->addNamespace(u"/"_s);
    }

    m_http->route(QHttpServerRequest::Method::Get, u"/healthz"_s,
                  [this](const QHttpServerRequest &request, QHttpServerResponder &&responder,
                         const QStringList &) {
                      writeJsonResponse(responder, HttpStatus::Ok,
                                        JsonObject{{u"status"_s, JsonValue(u"ok"_s)}},
                                        m_http->corsHeaders(request));
                  });

    QHostAddress address;
    if (m_config.host == u"localhost"_s)
        address = QHostAddress::LocalHost;
    else if (!address.setAddress(m_config.host)) {
        *error = u"not an IP address: %1"_s.arg(m_config.host);
        return false;
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
