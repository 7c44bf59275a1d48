// SPDX-License-Identifier: MIT
#include "httpserver.h"

#include "engineioserver.h"
#include "logging.h"

#include <QtNetwork/QTcpSocket>
#include <QtWebSockets/QWebSocket>

using namespace Qt::StringLiterals;

namespace chat::transport {

void writeHttpResponse(QHttpServerResponder &responder, HttpStatus status,
                       const QByteArray &contentType, const QByteArray &body,
                       const HttpHeaders &headers)
{
    responder.writeStatusLine(status);
    for (const auto &[name, value] : headers)
        responder.writeHeader(name, value);
    if (!contentType.isEmpty())
        responder.writeHeader(QByteArrayLiteral("Content-Type"), contentType);
    responder.writeHeader(QByteArrayLiteral("Content-Length"), QByteArray::number(body.size()));
    responder.writeBody(body);
}

void writeJsonResponse(QHttpServerResponder &responder, HttpStatus status, const JsonValue &body,
                       const HttpHeaders &headers)
{
    writeHttpResponse(responder, status, QByteArrayLiteral("application/json"), body.toJson(),
                      headers);
}

DeferredResponse::DeferredResponse(QHttpServerResponder &&responder, HttpHeaders headers)
    : m_socket(responder.socket()), m_headers(std::move(headers))
{
    m_responder = std::make_shared<QHttpServerResponder>(std::move(responder));
}

void DeferredResponse::json(HttpStatus status, const JsonValue &body) const
{
    write(status, QByteArrayLiteral("application/json"), body.toJson());
}

void DeferredResponse::write(HttpStatus status, const QByteArray &contentType,
                             const QByteArray &body) const
{
    if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    writeHttpResponse(*m_responder, status, contentType, body, m_headers);
}

HttpServer::HttpServer(QObject *parent) : QAbstractHttpServer(parent)
{
    connect(this, &QAbstractHttpServer::newWebSocketConnection, this, &HttpServer::onNewWebSocket);
}

HttpServer::~HttpServer() = default;

void HttpServer::mountEngineIo(const QString &path, EngineIoServer *engine)
{
    m_engines.insert(path, engine);
}

void HttpServer::route(QHttpServerRequest::Methods methods, const QString &pattern, Handler handler)
{
    m_routes.append({methods, pattern.split(u'/'), std::move(handler)});
}

HttpHeaders HttpServer::corsHeaders(const QHttpServerRequest &request) const
{
    HttpHeaders headers;
    const QByteArray origin = request.value(QByteArrayLiteral("origin"));
    if (origin.isEmpty() || m_corsOrigins.isEmpty())
        return headers;
    if (m_corsOrigins.contains(u"*"_s)) {
        headers.append({QByteArrayLiteral("Access-Control-Allow-Origin"), QByteArrayLiteral("*")});
        return headers;
    }
    if (!m_corsOrigins.contains(QString::fromUtf8(origin)))
        return headers;
    headers.append({QByteArrayLiteral("Access-Control-Allow-Origin"), origin});
    headers.append(
            {QByteArrayLiteral("Access-Control-Allow-Credentials"), QByteArrayLiteral("true")});
    headers.append({QByteArrayLiteral("Vary"), QByteArrayLiteral("Origin")});
    return headers;
}

bool HttpServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    const QString path = request.url().path();
    const bool upgrade = request.value(QByteArrayLiteral("upgrade"))
                                 .compare(QByteArrayLiteral("websocket"), Qt::CaseInsensitive)
            == 0;
    QHttpServerResponder responder = makeResponder(request, socket);

    if (request.method() == QHttpServerRequest::Method::Options) {
        // CORS preflight.
        HttpHeaders headers = corsHeaders(request);
        if (!headers.isEmpty()) {
            headers.append({QByteArrayLiteral("Access-Control-Allow-Methods"),
                            QByteArrayLiteral("GET,HEAD,PUT,PATCH,POST,DELETE")});
            const QByteArray requested
                    = request.value(QByteArrayLiteral("access-control-request-headers"));
            if (!requested.isEmpty())
                headers.append({QByteArrayLiteral("Access-Control-Allow-Headers"), requested});
        }
        writeHttpResponse(responder, HttpStatus::NoContent, {}, {}, headers);
        return true;
    }

    if (EngineIoServer *engine = m_engines.value(path)) {
        if (upgrade) {
            // QAbstractHttpServer hands the socket to the WebSocket handshake when this returns
            // true; when it returns false it calls missingHandler() and then closes the
            // connection, so a refused upgrade gets its answer there.
            m_refusal = engine->checkUpgrade(request);
            return m_refusal == EngineIoError::None;
        }
        engine->handleHttpRequest(request, std::move(responder), corsHeaders(request));
        return true;
    }
    if (upgrade)
        return false;
    return dispatchRoute(request, std::move(responder));
}

bool HttpServer::dispatchRoute(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    const QStringList segments = request.url().path().split(u'/');
    for (const Route &route : std::as_const(m_routes)) {
        if (!route.methods.testFlag(request.method()) || route.segments.size() != segments.size())
            continue;
        QStringList args;
        bool match = true;
        for (qsizetype i = 0; i < segments.size() && match; ++i) {
            if (route.segments[i] == u"{}"_s)
                args.append(segments[i]);
            else
                match = route.segments[i] == segments[i];
        }
        if (match) {
            route.handler(request, std::move(responder), args);
            return true;
        }
    }
    return false;
}

void HttpServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    QHttpServerResponder responder = makeResponder(request, socket);
    if (m_refusal != EngineIoError::None) {
        const EngineIoError error = std::exchange(m_refusal, EngineIoError::None);
        writeJsonResponse(responder, HttpStatus::BadRequest, errorBody(error),
                          corsHeaders(request));
        return;
    }
    writeJsonResponse(responder, HttpStatus::NotFound,
                      JsonObject{{u"error"_s, JsonValue(u"not_found"_s)}}, corsHeaders(request));
}

void HttpServer::onNewWebSocket()
{
    while (hasPendingWebSocketConnections()) {
        QWebSocket *socket = nextPendingWebSocketConnection().release();
        if (!socket)
            break;
        EngineIoServer *engine = m_engines.value(socket->requestUrl().path());
        if (!engine) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        engine->handleWebSocket(socket);
    }
}

} // namespace chat::transport
