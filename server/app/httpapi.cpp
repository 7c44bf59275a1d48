// SPDX-License-Identifier: MIT
#include "httpapi.h"

#include "auth/jwt.h"
#include "auth/passwordhasher.h"
#include "chat/chattypes.h"
#include "chat/roommanager.h"
#include "gateway.h"
#include "httpserver.h"
#include "metrics.h"
#include "storage/store.h"

#include <QtCore/QDateTime>
#include <QtCore/QRegularExpression>

using namespace Qt::StringLiterals;

namespace chat::app {

using namespace chat::transport;
using events::ErrorCode;
using Method = QHttpServerRequest::Method;

namespace {

constexpr int MaxHistoryPage = 100;
constexpr int DefaultHistoryPage = 50;

JsonObject errorJson(ErrorCode code, const QString &message)
{
    return {{u"error"_s,
             JsonObject{{u"code"_s, JsonValue(events::name(code))},
                        {u"message"_s, JsonValue(message)}}}};
}

HttpStatus statusFor(const storage::Error &error)
{
    return error.kind == storage::ErrorKind::NotFound ? HttpStatus::NotFound
                                                      : HttpStatus::InternalServerError;
}

JsonObject storageError(const storage::Error &error)
{
    return error.kind == storage::ErrorKind::NotFound
            ? errorJson(ErrorCode::NotFound, u"not found"_s)
            : errorJson(ErrorCode::ServerError, u"the server could not complete the request"_s);
}

//! A positive integer id from text; 0 when it is not one.
qint64 parseId(const QString &text)
{
    bool ok = false;
    const qint64 id = text.toLongLong(&ok);
    return ok && id > 0 && id <= auth::MaxSafeInteger ? id : 0;
}

bool validUsername(const QString &username)
{
    static const QRegularExpression pattern(u"^[A-Za-z0-9][A-Za-z0-9._-]{2,31}$"_s);
    return pattern.match(username).hasMatch();
}

} // namespace

HttpApi::HttpApi(HttpServer *http, storage::Store *store, const auth::JwtVerifier *verifier,
                 auth::PasswordHasher *hasher, Gateway *gateway, domain::RoomManager *rooms,
                 Metrics *metrics, const Options &options, QObject *parent)
    : QObject(parent),
      m_http(http),
      m_store(store),
      m_verifier(verifier),
      m_hasher(hasher),
      m_gateway(gateway),
      m_rooms(rooms),
      m_metrics(metrics),
      m_options(options)
{
    addRoutes();
}

void HttpApi::addRoutes()
{
    const auto respond
            = [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                  return DeferredResponse(std::move(responder), m_http->corsHeaders(request));
              };
    // The identity behind a bearer token, or nullopt after answering 401.
    const auto authenticate
            = [this](const QHttpServerRequest &request,
                     const DeferredResponse &response) -> std::optional<auth::Identity> {
        const auth::JwtResult verified = m_verifier->verify(
                auth::bearerToken(request.value(QByteArrayLiteral("authorization"))));
        if (!verified) {
            response.json(
                    HttpStatus::Unauthorized,
                    errorJson(ErrorCode::Unauthorized, u"a valid bearer token is required"_s));
            return std::nullopt;
        }
        return verified.identity();
    };

    m_http->route(Method::Get, u"/healthz"_s,
                  [this, respond](const QHttpServerRequest &request,
                                  QHttpServerResponder &&responder, const QStringList &) {
                      const DeferredResponse response = respond(request, std::move(responder));
                      const QString broker = m_options.brokerName;
                      m_store->ping(this, [response, broker](storage::Result<void> ping) {
                          response.json(
                                  ping ? HttpStatus::Ok : HttpStatus::ServiceUnavailable,
                                  JsonObject{{u"status"_s, JsonValue(ping ? u"ok"_s : u"error"_s)},
                                             {u"storage"_s,
                                              JsonValue(ping ? u"ok"_s : ping.error().message)},
                                             {u"broker"_s, JsonValue(broker)}});
                      });
                  });

    m_http->route(Method::Get, u"/metrics"_s,
                  [this, respond](const QHttpServerRequest &request,
                                  QHttpServerResponder &&responder, const QStringList &) {
                      respond(request, std::move(responder))
                              .write(HttpStatus::Ok,
                                     QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8"),
                                     m_metrics->prometheusText());
                  });

    m_http->route(Method::Get, u"/api/v1/rooms"_s,
                  [this, respond](const QHttpServerRequest &request,
                                  QHttpServerResponder &&responder, const QStringList &) {
                      const DeferredResponse response = respond(request, std::move(responder));
                      m_store->listRooms(
                              storage::RoomType::Community, false, this,
                              [this, response](storage::Result<QList<storage::Room>> rooms) {
                                  if (!rooms)
                                      return response.json(statusFor(rooms.error()),
                                                           storageError(rooms.error()));
                                  JsonArray list;
                                  for (const storage::Room &room : *rooms) {
                                      JsonObject object = domain::roomJson(room);
                                      object.insert(u"online"_s,
                                                    JsonValue(m_rooms->onlineCount(room.id)));
                                      list.append(JsonValue(std::move(object)));
                                  }
                                  response.json(HttpStatus::Ok,
                                                JsonObject{{u"rooms"_s, JsonValue(list)}});
                              });
                  });

    m_http->route(
            Method::Get, u"/api/v1/rooms/{}/messages"_s,
            [this, respond, authenticate](const QHttpServerRequest &request,
                                          QHttpServerResponder &&responder,
                                          const QStringList &args) {
                const DeferredResponse response = respond(request, std::move(responder));
                const std::optional<auth::Identity> user = authenticate(request, response);
                if (!user)
                    return;
                const qint64 roomId = parseId(args.value(0));
                const QUrlQuery query = request.query();
                const QString beforeText = query.queryItemValue(u"before"_s);
                const QString limitText = query.queryItemValue(u"limit"_s);
                const qint64 before = beforeText.isEmpty() ? 0 : parseId(beforeText);
                const int limit = limitText.isEmpty() ? DefaultHistoryPage : limitText.toInt();
                if (roomId == 0 || (!beforeText.isEmpty() && before == 0) || limit < 1
                    || limit > MaxHistoryPage) {
                    return response.json(
                            HttpStatus::BadRequest,
                            errorJson(ErrorCode::InvalidPayload,
                                      u"room id, before and limit (1 to 100) must be integers"_s));
                }
                m_store->isMember(
                        roomId, user->userId, this,
                        [this, response, roomId, before, limit](storage::Result<bool> member) {
                            if (!member)
                                return response.json(statusFor(member.error()),
                                                     storageError(member.error()));
                            if (!*member)
                                return response.json(
                                        HttpStatus::Forbidden,
                                        errorJson(ErrorCode::Forbidden, u"not a member"_s));
                            m_store->history(
                                    roomId, before, limit, this,
                                    [response](storage::Result<storage::MessagePage> page) {
                                        if (!page)
                                            return response.json(statusFor(page.error()),
                                                                 storageError(page.error()));
                                        JsonArray messages;
                                        for (const storage::Message &message : page->messages)
                                            messages.append(domain::messageJson(message));
                                        response.json(HttpStatus::Ok,
                                                      JsonObject{{u"messages"_s, messages},
                                                                 {u"hasMore"_s, page->hasMore}});
                                    });
                        });
            });

    m_http->route(
            Method::Get, u"/api/v1/presence"_s,
            [this, respond, authenticate](const QHttpServerRequest &request,
                                          QHttpServerResponder &&responder, const QStringList &) {
                const DeferredResponse response = respond(request, std::move(responder));
                if (!authenticate(request, response))
                    return;
                const QStringList ids
                        = request.query().queryItemValue(u"ids"_s).split(u',', Qt::SkipEmptyParts);
                if (ids.size() > 100)
                    return response.json(
                            HttpStatus::BadRequest,
                            errorJson(ErrorCode::InvalidPayload, u"at most 100 ids"_s));
                JsonArray users;
                for (const QString &text : ids) {
                    const qint64 id = parseId(text);
                    if (id == 0)
                        return response.json(
                                HttpStatus::BadRequest,
                                errorJson(ErrorCode::InvalidPayload, u"ids must be integers"_s));
                    users.append(JsonObject{{u"id"_s, id}, {u"online"_s, m_gateway->isOnline(id)}});
                }
                response.json(HttpStatus::Ok, JsonObject{{u"users"_s, users}});
            });

    const auto issueToken = [this](const storage::User &user) {
        auth::JwtClaims claims;
        claims.identity = {user.id, user.name, user.avatar, user.membership, user.role};
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        claims.issuedAt = now;
        claims.expiresAt = now + m_options.tokenLifetimeSeconds;
        return JsonObject{
                {u"token"_s, QString::fromLatin1(auth::mintJwt(claims, m_options.jwtSecret))},
                {u"user"_s, domain::userJson(user.ref())}};
    };

    m_http->route(
            Method::Post, u"/api/v1/auth/register"_s,
            [this, respond, issueToken](const QHttpServerRequest &request,
                                        QHttpServerResponder &&responder, const QStringList &) {
                const DeferredResponse response = respond(request, std::move(responder));
                if (!m_options.standalone)
                    return response.json(
                            HttpStatus::NotFound,
                            errorJson(ErrorCode::NotFound, u"accounts come from the host site"_s));
                const JsonValue body = JsonValue::parse(request.body()).value_or(JsonValue());
                const QString username = body[u"username"_s].toString();
                const QString password = body[u"password"_s].toString();
                QString name = body[u"name"_s].toString().trimmed();
                if (name.isEmpty())
                    name = username;
                if (!body.isObject() || !validUsername(username) || password.size() < 8
                    || password.size() > 256 || name.size() > 64) {
                    return response.json(
                            HttpStatus::BadRequest,
                            errorJson(ErrorCode::InvalidPayload,
                                      u"username: 3 to 32 letters, digits, '.', '_' or '-'; "
                                      "password: 8 to 256 characters; name: at most 64"_s));
                }
                m_hasher->hashAsync(
                        password, this,
                        [this, response, username, name, issueToken](auth::PasswordStatus status,
                                                                     const QByteArray &hash) {
                            if (status != auth::PasswordStatus::Ok)
                                return response.json(HttpStatus::ServiceUnavailable,
                                                     errorJson(ErrorCode::ServerError,
                                                               u"try again in a moment"_s));
                            m_store->createLocalAccount(
                                    {username, hash, name}, this,
                                    [response,
                                     issueToken](storage::Result<storage::LocalAccount> account) {
                                        if (!account
                                            && account.error().kind == storage::ErrorKind::Conflict)
                                            return response.json(
                                                    HttpStatus::Conflict,
                                                    errorJson(ErrorCode::InvalidPayload,
                                                              u"that username is taken"_s));
                                        if (!account)
                                            return response.json(statusFor(account.error()),
                                                                 storageError(account.error()));
                                        response.json(HttpStatus::Created,
                                                      issueToken(account->user));
                                    });
                        });
            });

    m_http->route(
            Method::Post, u"/api/v1/auth/login"_s,
            [this, respond, issueToken](const QHttpServerRequest &request,
                                        QHttpServerResponder &&responder, const QStringList &) {
                const DeferredResponse response = respond(request, std::move(responder));
                if (!m_options.standalone)
                    return response.json(
                            HttpStatus::NotFound,
                            errorJson(ErrorCode::NotFound, u"accounts come from the host site"_s));
                const JsonValue body = JsonValue::parse(request.body()).value_or(JsonValue());
                const QString username = body[u"username"_s].toString();
                const QString password = body[u"password"_s].toString();
                if (!body.isObject() || username.isEmpty() || password.isEmpty()
                    || password.size() > 256)
                    return response.json(HttpStatus::BadRequest,
                                         errorJson(ErrorCode::InvalidPayload,
                                                   u"username and password are required"_s));
                m_store->findLocalAccount(
                        username, this,
                        [this, response, password,
                         issueToken](storage::Result<storage::LocalAccount> account) {
                            if (!account && account.error().kind != storage::ErrorKind::NotFound)
                                return response.json(statusFor(account.error()),
                                                     storageError(account.error()));
                            // An unknown user costs the same time and gets the same answer as
                            // a wrong password.
                            std::optional<QByteArray> hash;
                            std::optional<storage::User> user;
                            if (account) {
                                hash = account->passwordHash;
                                user = account->user;
                            }
                            m_hasher->verifyAsync(
                                    password, hash, this,
                                    [response, user, issueToken](auth::PasswordStatus status) {
                                        if (status == auth::PasswordStatus::Busy)
                                            return response.json(
                                                    HttpStatus::ServiceUnavailable,
                                                    errorJson(ErrorCode::ServerError,
                                                              u"try again in a moment"_s));
                                        if (status != auth::PasswordStatus::Ok || !user)
                                            return response.json(
                                                    HttpStatus::Unauthorized,
                                                    errorJson(ErrorCode::Unauthorized,
                                                              u"wrong username or password"_s));
                                        response.json(HttpStatus::Ok, issueToken(*user));
                                    });
                        });
            });
}

} // namespace chat::app
