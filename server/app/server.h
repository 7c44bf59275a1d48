// SPDX-License-Identifier: MIT
#pragma once

#include "serverconfig.h"

#include <QtCore/QObject>
#include <QtCore/QPointer>

#include <memory>

namespace chat::transport {
class EngineIoServer;
class HttpServer;
class IoFrontend;
class SocketIoServer;
} // namespace chat::transport
namespace chat::auth {
class JwtVerifier;
class PasswordHasher;
} // namespace chat::auth
namespace chat::storage {
class SqlStore;
}

namespace chat::app {

//! \brief The assembled server: one HTTP listener carrying Socket.IO and the REST API, and
//! the handlers the configuration's profile calls for.
class Server : public QObject
{
    Q_OBJECT
public:
    explicit Server(const ServerConfig &config, QObject *parent = nullptr);
    ~Server() override;

    //! Starts listening; false with \a error set when it cannot.
    bool start(QString *error);
    quint16 port() const { return m_port; }
    //! The address clients reach, e.g. http://127.0.0.1:3030
    QString url() const;

    transport::SocketIoServer *io() const { return m_io; }
    transport::HttpServer *http() const { return m_http; }

    //! Stops taking connections and closes every session properly; emits stopped() once the
    //! closes have been written (or after a short grace period).
    void shutdown();

Q_SIGNALS:
    void stopped();

private:
    bool startChat(QString *error);
    //! The embedded default's secret: read from the data folder, or made and kept there.
    QByteArray embeddedSecret(QString *error) const;

    ServerConfig m_config;
    std::unique_ptr<storage::SqlStore> m_store;
    std::unique_ptr<auth::JwtVerifier> m_verifier;
    std::unique_ptr<auth::PasswordHasher> m_hasher;
    std::unique_ptr<class Metrics> m_metrics;
    transport::HttpServer *m_http = nullptr;
    transport::EngineIoServer *m_engine = nullptr;
    transport::EngineIoServer *m_echoEngine = nullptr;
    transport::SocketIoServer *m_io = nullptr;
    //! The listener when I/O threads serve it (ioThreads > 0).
    QPointer<transport::IoFrontend> m_frontend;
    quint16 m_port = 0;
    bool m_stopping = false;
};

} // namespace chat::app
