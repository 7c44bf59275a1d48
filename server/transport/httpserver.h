// SPDX-License-Identifier: MIT
#pragma once

#include "engineioerror.h"
#include "protocol/json.h"
#include "transporttypes.h"

#include <QtCore/QList>
#include <QtCore/QStringList>
#include <QtHttpServer/QAbstractHttpServer>
#include <QtHttpServer/QHttpServerRequest>
#include <QtHttpServer/QHttpServerResponder>

#include <QtCore/QPointer>
#include <QtNetwork/QTcpSocket>

#include <functional>
#include <memory>
#include <utility>

namespace chat::transport {

class EngineIoServer;

using HttpStatus = QHttpServerResponder::StatusCode;

//! Writes a complete answer: status, the given headers, Content-Type and Content-Length, body.
void writeHttpResponse(QHttpServerResponder &responder, HttpStatus status,
                       const QByteArray &contentType, const QByteArray &body,
                       const HttpHeaders &headers = {});
void writeJsonResponse(QHttpServerResponder &responder, HttpStatus status, const JsonValue &body,
                       const HttpHeaders &headers = {});

//! \brief An answer written later, after asynchronous work; copies share it. It writes
//! nothing if the client has gone meanwhile (the responder holds a raw socket pointer).
class DeferredResponse
{
public:
    DeferredResponse(QHttpServerResponder &&responder, HttpHeaders headers);

    void json(HttpStatus status, const JsonValue &body) const;
    void write(HttpStatus status, const QByteArray &contentType, const QByteArray &body) const;

private:
    std::shared_ptr<QHttpServerResponder> m_responder;
    QPointer<QTcpSocket> m_socket;
    HttpHeaders m_headers;
};

//! \brief The one HTTP listener: Engine.IO endpoints mounted on their paths, WebSocket
//! upgrades on the same port, CORS, and plain routes for the REST API.
class HttpServer : public QAbstractHttpServer
{
    Q_OBJECT
public:
    //! Route handlers get the request, the responder (answer now or keep it), and the values of
    //! the pattern's {} segments.
    using Handler = std::function<void(const QHttpServerRequest &, QHttpServerResponder &&,
                                       const QStringList &args)>;

    explicit HttpServer(QObject *parent = nullptr);
    ~HttpServer() override;

    //! Origins allowed to make cross-origin requests. "*" allows any origin without
    //! credentials; listed origins are echoed back with credentials allowed.
    void setCorsOrigins(const QStringList &origins) { m_corsOrigins = origins; }
    //! Serves an Engine.IO endpoint at \a path (with its trailing slash, e.g. "/socket.io/").
    void mountEngineIo(const QString &path, EngineIoServer *engine);
    //! \a pattern is an absolute path whose "{}" segments match any one segment.
    void route(QHttpServerRequest::Methods methods, const QString &pattern, Handler handler);

    //! The CORS headers for an answer to \a request.
    HttpHeaders corsHeaders(const QHttpServerRequest &request) const;

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    struct Route
    {
        QHttpServerRequest::Methods methods;
        QStringList segments;
        Handler handler;
    };

    void onNewWebSocket();
    bool dispatchRoute(const QHttpServerRequest &request, QHttpServerResponder &&responder);

    QHash<QString, EngineIoServer *> m_engines;
    QList<Route> m_routes;
    QStringList m_corsOrigins;
    // Why handleRequest() refused an upgrade; missingHandler() writes the answer.
    EngineIoError m_refusal = EngineIoError::None;
};

} // namespace chat::transport
