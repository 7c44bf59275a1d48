// SPDX-License-Identifier: MIT
#include "session.h"

#include "logging.h"
#include "tokeninfo.h"

#include <QtCore/QRegularExpression>
#include <QtCore/QSettings>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>
#include <QtNetwork/QNetworkRequest>
#include <QtQml/QQmlEngine>

#include <cmath>

using namespace Qt::StringLiterals;

namespace chat::ui {

namespace {

const QString ServerKey = u"server/url"_s;
const QString TokenKey = u"session/token"_s;
const QString UserIdKey = u"session/userId"_s;
const QString UserNameKey = u"session/userName"_s;
const QString UserAvatarKey = u"session/userAvatar"_s;

// The embedded server's default address: what `chat-server` listens on with no options.
const QString DefaultServer = u"http://127.0.0.1:3030"_s;

int httpStatus(QNetworkReply *reply)
{
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

QUrl endpoint(const QUrl &server, const QString &relativePath)
{
    QUrl base = server;
    QString path = base.path();
    if (!path.endsWith(u'/'))
        path += u'/';
    base.setPath(path + relativePath);
    return base;
}

} // namespace

Session *Session::s_instance = nullptr;

Session::Session(QSettings *settings, QObject *parent)
    : QObject(parent),
      m_settings(settings),
      m_network(new QNetworkAccessManager(this)),
      m_client(new SocketIoClient(this))
{
    Q_ASSERT(!s_instance);
    s_instance = this;
    m_socketOptions.connectTimeout = std::chrono::milliseconds(10000);
    m_serverUrl = normalizedServerUrl(m_settings->value(ServerKey, DefaultServer).toString());
    if (!m_serverUrl.isValid())
        m_serverUrl = QUrl(DefaultServer);

    connect(m_client, &SocketIoClient::connected, this, &Session::onConnected);
    connect(m_client, &SocketIoClient::connectError, this, &Session::onConnectError);
    connect(m_client, &SocketIoClient::errorOccurred, this, &Session::onClientError);
    connect(m_client, &SocketIoClient::stateChanged, this, &Session::updateConnection);
    connect(m_client, &SocketIoClient::disconnected, this, &Session::updateConnection);
    connect(m_client, &SocketIoClient::reconnectScheduled, this, &Session::onReconnectScheduled);
    connect(m_client, &SocketIoClient::reconnectAttempt, this, [this] {
        m_nextAttempt = {};
        updateCountdown();
    });
    m_countdown.setInterval(250);
    connect(&m_countdown, &QTimer::timeout, this, &Session::updateCountdown);
}

Session::~Session()
{
    // The client's signals must not reach a half-destroyed session.
    m_client->disconnect(this);
    if (s_instance == this)
        s_instance = nullptr;
}

Session *Session::create(QQmlEngine *engine, QJSEngine *)
{
    Q_ASSERT(s_instance);
    Q_ASSERT(engine->thread() == s_instance->thread());
    QJSEngine::setObjectOwnership(s_instance, QJSEngine::CppOwnership);
    return s_instance;
}

Session *Session::instance()
{
    return s_instance;
}

void Session::setReconnectOptions(std::chrono::milliseconds delay,
                                  std::chrono::milliseconds delayMax, double randomization)
{
    m_socketOptions.reconnectionDelay = delay;
    m_socketOptions.reconnectionDelayMax = delayMax;
    m_socketOptions.randomizationFactor = randomization;
    if (m_status != Status::SignedOut) {
        SocketIoOptions options = m_client->options();
        options.reconnectionDelay = delay;
        options.reconnectionDelayMax = delayMax;
        options.randomizationFactor = randomization;
        m_client->setOptions(options);
    }
}

void Session::setRequestTimeout(std::chrono::milliseconds timeout)
{
    m_requestTimeout = timeout;
    m_socketOptions.connectTimeout = timeout;
}

void Session::setServerUrl(const QString &server)
{
    const QUrl url = normalizedServerUrl(server);
    if (url.isValid() && m_status == Status::SignedOut)
        setServer(url);
}

QUrl Session::normalizedServerUrl(const QString &text)
{
    QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return {};
    if (!trimmed.contains(u"://"_s))
        trimmed.prepend(u"http://"_s);
    QUrl url(trimmed, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || url.host().isEmpty()
        || (scheme != u"http"_s && scheme != u"https"_s && scheme != u"ws"_s && scheme != u"wss"_s))
        return {};
    // The socket and the REST API share the port: one address serves both.
    url.setScheme(scheme == u"wss"_s ? u"https"_s : scheme == u"ws"_s ? u"http"_s : scheme);
    url.setQuery(QString());
    url.setFragment(QString());
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    url.setPath(path);
    return url;
}

void Session::setStatus(Status status)
{
    if (status == m_status)
        return;
    m_status = status;
    Q_EMIT statusChanged();
    updateConnection();
}

void Session::setError(Error error, const QString &detail)
{
    QString text;
    switch (error) {
    case Error::NoError:
        break;
    case Error::InvalidServer:
        text = tr("Enter the server address, for example http://127.0.0.1:3030.");
        break;
    case Error::InvalidInput:
        text = detail.isEmpty() ? tr("Check the username and password.") : detail;
        break;
    case Error::WrongPassword:
        text = tr("Wrong username or password.");
        break;
    case Error::UsernameTaken:
        text = tr("This username is already taken. Choose another one.");
        break;
    case Error::NoAccounts:
        text = tr("This server has no accounts of its own. Sign in with a token from the site.");
        break;
    case Error::Unreachable:
        text = tr("Cannot reach %1. Check the address and your connection.").arg(detail);
        break;
    case Error::TokenExpired:
        text = tr("Your session has expired. Please sign in again.");
        break;
    case Error::TokenInvalid:
        text = tr("The server did not accept this token.");
        break;
    case Error::TokenFetchFailed:
        text = detail.isEmpty()
                ? tr("The site did not give a chat token. Sign in on the site and copy its "
                     "cookie again.")
                : detail;
        break;
    case Error::TooManyConnections:
        text = tr("This account is already open in 3 places. Close one of them and try again.");
        break;
    case Error::ServerError:
        text = tr("The server could not complete the request (%1). Try again in a moment.")
                       .arg(detail);
        break;
    }
    if (error == m_error && text == m_errorText)
        return;
    if (error != Error::NoError)
        qCInfo(lcUiSession) << "error:" << error << text;
    m_error = error;
    m_errorText = text;
    Q_EMIT errorChanged();
}

void Session::clearError()
{
    setError(Error::NoError);
}

void Session::setServer(const QUrl &server)
{
    if (server == m_serverUrl)
        return;
    m_serverUrl = server;
    Q_EMIT serverUrlChanged();
}

void Session::setUser(qint64 id, const QString &name, const QString &avatar)
{
    if (id == m_userId && name == m_userName && avatar == m_userAvatar)
        return;
    m_userId = id;
    m_userName = name;
    m_userAvatar = avatar;
    Q_EMIT userChanged();
}

bool Session::beginRequest(const QString &server)
{
    if (m_pending)
        m_pending->abort();
    if (m_status == Status::SignedIn)
        signOut();
    const QUrl url = normalizedServerUrl(server);
    if (!url.isValid()) {
        setError(Error::InvalidServer);
        return false;
    }
    setServer(url);
    setError(Error::NoError);
    m_client->close();
    setStatus(Status::SigningIn);
    return true;
}

void Session::signIn(const QString &server, const QString &username, const QString &password)
{
    if (username.trimmed().isEmpty() || password.isEmpty()) {
        setError(Error::InvalidInput, tr("Enter your username and password."));
        return;
    }
    if (!beginRequest(server))
        return;
    const JsonObject body{{u"username"_s, username.trimmed()}, {u"password"_s, password}};
    postAccount(u"api/v1/auth/login"_s, JsonValue(body).toJson());
}

void Session::registerAccount(const QString &server, const QString &username,
                              const QString &password, const QString &displayName)
{
    static const QRegularExpression usernamePattern(u"^[A-Za-z0-9._-]{3,32}$"_s);
    if (!usernamePattern.match(username.trimmed()).hasMatch()) {
        setError(Error::InvalidInput,
                 tr("A username has 3 to 32 characters: letters a-z, digits, dots, dashes "
                    "or underscores."));
        return;
    }
    if (password.size() < 8) {
        setError(Error::InvalidInput, tr("A password has at least 8 characters."));
        return;
    }
    if (displayName.trimmed().size() > 64) {
        setError(Error::InvalidInput, tr("A display name has at most 64 characters."));
        return;
    }
    if (!beginRequest(server))
        return;
    const JsonObject body{{u"username"_s, username.trimmed()},
                          {u"password"_s, password},
                          {u"name"_s, displayName.trimmed()}};
    postAccount(u"api/v1/auth/register"_s, JsonValue(body).toJson());
}

void Session::postAccount(const QString &path, const QByteArray &body)
{
    QNetworkRequest request(endpoint(m_serverUrl, path));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader(QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json"));
    request.setTransferTimeout(int(m_requestTimeout.count()));
    QNetworkReply *reply = m_network->post(request, body);
    m_pending = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onAccountReply(reply); });
}

void Session::onAccountReply(QNetworkReply *reply)
{
    reply->deleteLater();
    if (reply != m_pending)
        return;
    m_pending.clear();
    const int status = httpStatus(reply);
    if (status == 0) {
        qCInfo(lcUiSession) << "account request failed:" << reply->errorString();
        setStatus(Status::SignedOut);
        setError(Error::Unreachable, m_serverUrl.toDisplayString());
        return;
    }
    const std::optional<JsonValue> body = JsonValue::parse(reply->readAll());
    if (status == 200 || status == 201) {
        const QString token = body ? (*body)[u"token"].toString() : QString();
        const JsonValue user = body ? (*body)[u"user"] : JsonValue();
        if (token.isEmpty()) {
            setStatus(Status::SignedOut);
            setError(Error::ServerError, QString::number(status));
            return;
        }
        setUser(user[u"id"].toInteger(), user[u"name"].toString(), user[u"avatar"].toString());
        startSession(token);
        return;
    }
    setStatus(Status::SignedOut);
    switch (status) {
    case 400:
        setError(Error::InvalidInput);
        break;
    case 401:
        setError(Error::WrongPassword);
        break;
    case 404:
        setError(Error::NoAccounts);
        break;
    case 409:
        setError(Error::UsernameTaken);
        break;
    default:
        setError(Error::ServerError, QString::number(status));
        break;
    }
}

void Session::signInWithToken(const QString &server, const QString &token)
{
    const QString trimmed = token.trimmed();
    const std::optional<TokenInfo> info = TokenInfo::parse(trimmed);
    if (!info || info->userId <= 0) {
        setError(Error::TokenInvalid);
        return;
    }
    if (info->isExpired()) {
        setError(Error::TokenExpired);
        return;
    }
    if (!beginRequest(server))
        return;
    setUser(info->userId, info->name, info->avatar);
    startSession(trimmed);
}

void Session::fetchToken(const QString &server, const QString &tokenUrl, const QString &cookie)
{
    const QUrl site(tokenUrl.trimmed(), QUrl::StrictMode);
    if (!site.isValid() || (site.scheme() != u"http"_s && site.scheme() != u"https"_s)
        || site.host().isEmpty()) {
        setError(Error::TokenFetchFailed,
                 tr("Enter the site's chat-token address, starting with https://."));
        return;
    }
    if (!beginRequest(server))
        return;
    QNetworkRequest request(site);
    request.setRawHeader(QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json"));
    if (!cookie.trimmed().isEmpty())
        request.setRawHeader(QByteArrayLiteral("Cookie"), cookie.trimmed().toUtf8());
    request.setTransferTimeout(int(m_requestTimeout.count()));
    QNetworkReply *reply = m_network->get(request);
    m_pending = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onTokenReply(reply); });
}

void Session::onTokenReply(QNetworkReply *reply)
{
    reply->deleteLater();
    if (reply != m_pending)
        return;
    m_pending.clear();
    const int status = httpStatus(reply);
    setStatus(Status::SignedOut);
    if (status == 0) {
        setError(Error::Unreachable, reply->url().host());
        return;
    }
    if (status == 401 || status == 403) {
        setError(Error::TokenFetchFailed,
                 tr("The site did not recognise the cookie. Sign in on the site and copy its "
                    "cookie again."));
        return;
    }
    const std::optional<JsonValue> body = JsonValue::parse(reply->readAll());
    const QString token = body ? (*body)[u"token"].toString() : QString();
    if (status != 200 || token.isEmpty()) {
        setError(Error::TokenFetchFailed,
                 tr("The site did not give a chat token (HTTP %1).").arg(status));
        return;
    }
    signInWithToken(m_serverUrl.toString(), token);
}

void Session::startSession(const QString &token)
{
    m_token = token;
    m_everConnected = false;
    setStatus(Status::SigningIn);
    openConnection();
}

void Session::openConnection()
{
    SocketIoOptions options = m_socketOptions;
    options.url = m_serverUrl;
    QString path = m_serverUrl.path();
    if (!path.endsWith(u'/'))
        path += u'/';
    options.path = path + u"socket.io/"_s;
    m_client->setOptions(options);
    m_client->connectNamespace(sio::MainNamespace, JsonObject{{u"token"_s, m_token}});
    updateConnection();
}

void Session::endSession(Error error, const QString &detail)
{
    if (m_pending)
        m_pending->abort();
    const bool wasActive = m_status != Status::SignedOut;
    m_client->close();
    m_token.clear();
    forgetSession();
    setUser(0, {}, {});
    setStatus(Status::SignedOut);
    setError(error, detail);
    if (wasActive)
        Q_EMIT signedOut();
}

void Session::signOut()
{
    endSession(Error::NoError);
}

void Session::keepSession() const
{
    m_settings->setValue(ServerKey, m_serverUrl.toString());
    m_settings->setValue(TokenKey, m_token);
    m_settings->setValue(UserIdKey, m_userId);
    m_settings->setValue(UserNameKey, m_userName);
    m_settings->setValue(UserAvatarKey, m_userAvatar);
}

void Session::forgetSession() const
{
    m_settings->remove(TokenKey);
    m_settings->remove(UserIdKey);
    m_settings->remove(UserNameKey);
    m_settings->remove(UserAvatarKey);
}

bool Session::restore()
{
    if (m_status != Status::SignedOut)
        return true;
    const QString token = m_settings->value(TokenKey).toString();
    if (token.isEmpty())
        return false;
    const std::optional<TokenInfo> info = TokenInfo::parse(token);
    if (!info || info->userId <= 0) {
        forgetSession();
        return false;
    }
    if (info->isExpired()) {
        forgetSession();
        setError(Error::TokenExpired);
        return false;
    }
    m_token = token;
    setUser(m_settings->value(UserIdKey, info->userId).toLongLong(),
            m_settings->value(UserNameKey, info->name).toString(),
            m_settings->value(UserAvatarKey, info->avatar).toString());
    m_everConnected = false;
    setStatus(Status::SignedIn);
    qCInfo(lcUiSession) << "resuming the session of user" << m_userId << "on" << m_serverUrl;
    openConnection();
    Q_EMIT signedIn();
    return true;
}

void Session::reconnectNow()
{
    if (m_status != Status::SignedIn || m_connection == Connection::Online)
        return;
    m_client->close();
    openConnection();
}

void Session::onConnected(const QString &nsp)
{
    if (nsp != sio::MainNamespace)
        return;
    m_everConnected = true;
    if (m_status == Status::SigningIn) {
        keepSession();
        setStatus(Status::SignedIn);
        setError(Error::NoError);
        qCInfo(lcUiSession) << "signed in as user" << m_userId << "on" << m_serverUrl;
        Q_EMIT signedIn();
    } else if (m_error == Error::TooManyConnections) {
        setError(Error::NoError);
    }
    updateConnection();
}

void Session::onConnectError(const QString &nsp, const JsonValue &data)
{
    if (nsp != sio::MainNamespace)
        return;
    const QString reason = data[u"message"].toString();
    qCInfo(lcUiSession) << "the server refused the connection:" << reason;
    if (reason == u"too_many_connections"_s) {
        if (m_status == Status::SigningIn)
            endSession(Error::TooManyConnections);
        else
            setError(Error::TooManyConnections);
        updateConnection();
        return;
    }
    if (reason == u"unauthorized"_s) {
        const std::optional<TokenInfo> info = TokenInfo::parse(m_token);
        endSession(info && info->isExpired() ? Error::TokenExpired : Error::TokenInvalid);
        return;
    }
    endSession(Error::ServerError, reason);
}

void Session::onClientError(const QString &message)
{
    // A session that was never accepted is a sign-in attempt: a server that cannot be reached
    // is then an answer, not something to wait for. An accepted session keeps retrying.
    if (m_status != Status::SigningIn || m_everConnected)
        return;
    qCInfo(lcUiSession) << "cannot connect:" << message;
    endSession(Error::Unreachable, m_serverUrl.toDisplayString());
}

void Session::updateConnection()
{
    Connection connection = Connection::Offline;
    if (m_status != Status::SignedOut) {
        switch (m_client->state()) {
        case SocketIoClient::State::Disconnected:
            connection = Connection::Offline;
            break;
        case SocketIoClient::State::Connected:
            if (m_client->isConnected(sio::MainNamespace)) {
                connection = Connection::Online;
                break;
            }
            [[fallthrough]];
        case SocketIoClient::State::Connecting:
        case SocketIoClient::State::Reconnecting:
            connection = m_everConnected ? Connection::Reconnecting : Connection::Connecting;
            break;
        }
    }
    if (connection != Connection::Reconnecting && connection != Connection::Connecting) {
        m_nextAttempt = {};
        updateCountdown();
    }
    if (connection == m_connection)
        return;
    qCInfo(lcUiSession) << "connection:" << connection;
    m_connection = connection;
    Q_EMIT connectionChanged();
}

void Session::onReconnectScheduled(int, int delayMs)
{
    m_nextAttempt = QDateTime::currentDateTimeUtc().addMSecs(delayMs);
    m_countdown.start();
    updateCountdown();
}

void Session::updateCountdown()
{
    int seconds = 0;
    if (m_nextAttempt.isValid()) {
        const qint64 left = QDateTime::currentDateTimeUtc().msecsTo(m_nextAttempt);
        seconds = left > 0 ? int(std::ceil(double(left) / 1000.0)) : 0;
    }
    if (seconds == 0)
        m_countdown.stop();
    if (seconds == m_reconnectSeconds)
        return;
    m_reconnectSeconds = seconds;
    Q_EMIT reconnectSecondsChanged();
}

} // namespace chat::ui
