// SPDX-License-Identifier: MIT
#pragma once

#include "serverconfig.h"

#include <QtCore/QObject>
#include <QtCore/QPointer>

#include <memory>

namespace chat::transport {
class EngineIoServer;
class HttpServer;
class SocketIoServer;
} // namespace chat::transport

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
    ServerConfig m_config;
    transport::HttpServer *m_http = nullptr;
    transport::EngineIoServer *m_engine = nullptr;
    transport::EngineIoServer *m_echoEngine = nullptr;
    transport::SocketIoServer *m_io = nullptr;
    quint16 m_port = 0;
    bool m_stopping = false;
};

} // namespace chat::app
