// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QObject>

namespace chat::auth {
class JwtVerifier;
class PasswordHasher;
} // namespace chat::auth
namespace chat::storage {
class Store;
}
namespace chat::transport {
class HttpServer;
}
namespace chat::domain {
class RoomManager;
}

namespace chat::app {

class Gateway;
class Metrics;

//! \brief The HTTP API of protocol.md §9: health, metrics, rooms and their history, presence,
//! and the standalone accounts (register, login) when enabled.
class HttpApi : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        //! Standalone accounts: when false, register and login answer 404.
        bool standalone = false;
        //! Signs the tokens that login hands out.
        QByteArray jwtSecret;
        qint64 tokenLifetimeSeconds = 7 * 24 * 3600;
        //! What /healthz reports for the broker.
        QString brokerName;
    };

    HttpApi(transport::HttpServer *http, storage::Store *store, const auth::JwtVerifier *verifier,
            auth::PasswordHasher *hasher, Gateway *gateway, domain::RoomManager *rooms,
            Metrics *metrics, const Options &options, QObject *parent = nullptr);

private:
    void addRoutes();

    transport::HttpServer *m_http;
    storage::Store *m_store;
    const auth::JwtVerifier *m_verifier;
    auth::PasswordHasher *m_hasher;
    Gateway *m_gateway;
    domain::RoomManager *m_rooms;
    Metrics *m_metrics;
    Options m_options;
};

} // namespace chat::app
