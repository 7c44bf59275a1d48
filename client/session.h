// SPDX-License-Identifier: MIT
#pragma once

#include "client/socketioclient.h"

#include <QtCore/QDateTime>
#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QString>
#include <QtCore/QTimer>
#include <QtCore/QUrl>
#include <QtQml/qqmlregistration.h>

QT_BEGIN_NAMESPACE
class QJSEngine;
class QNetworkAccessManager;
class QNetworkReply;
class QQmlEngine;
class QSettings;
QT_END_NAMESPACE

namespace chat::ui {

//! \brief Who is signed in, to which server, and the state of the connection.
//!
//! Signs in with a standalone account (REST register/login), with a token pasted from the
//! host site, or with a token fetched from the site's chat-token address with the site's
//! cookie; then opens the Socket.IO connection with that token. The server address and the
//! token (never the password) are kept, so that the next start resumes the session.
//! Reconnecting is the Socket.IO client's job; this object turns its states into the one the
//! UI shows and turns refusals into messages a user understands.
class Session : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(Status status READ status NOTIFY statusChanged)
    Q_PROPERTY(Connection connection READ connection NOTIFY connectionChanged)
    //! The server signed in to, or last used (to prefill the sign-in page).
    Q_PROPERTY(QString serverUrl READ serverUrl NOTIFY serverUrlChanged)
    Q_PROPERTY(qint64 userId READ userId NOTIFY userChanged)
    Q_PROPERTY(QString userName READ userName NOTIFY userChanged)
    Q_PROPERTY(QString userAvatar READ userAvatar NOTIFY userChanged)
    //! What went wrong last, for the user; empty when nothing did.
    Q_PROPERTY(QString errorText READ errorText NOTIFY errorChanged)
    Q_PROPERTY(Error error READ error NOTIFY errorChanged)
    //! Seconds until the next reconnect attempt; 0 while one is under way or none is planned.
    Q_PROPERTY(int reconnectSeconds READ reconnectSeconds NOTIFY reconnectSecondsChanged)

public:
    enum class Status {
        SignedOut,
        SigningIn, //!< checking the credentials, then waiting for the server's CONNECT answer
        SignedIn,
    };
    Q_ENUM(Status)

    enum class Connection {
        Offline, //!< not signed in, or given up (see error)
        Connecting, //!< the first connection of this session
        Online,
        Reconnecting, //!< the connection was lost; waiting for or making the next attempt
    };
    Q_ENUM(Connection)

    enum class Error {
        NoError,
        InvalidServer, //!< the server address is not an http(s) address
        InvalidInput, //!< username or password do not meet the rules
        WrongPassword,
        UsernameTaken,
        NoAccounts, //!< the server takes tokens from the host site only
        Unreachable, //!< the server (or the site) did not answer
        TokenExpired,
        TokenInvalid,
        TokenFetchFailed, //!< the site answered, without a token
        TooManyConnections,
        ServerError,
    };
    Q_ENUM(Error)

    //! \a settings keeps the server and the session; it must outlive this object.
    explicit Session(QSettings *settings, QObject *parent = nullptr);
    ~Session() override;

    static Session *create(QQmlEngine *engine, QJSEngine *);
    static Session *instance();

    Status status() const noexcept { return m_status; }
    Connection connection() const noexcept { return m_connection; }
    QString serverUrl() const { return m_serverUrl.toString(); }
    qint64 userId() const noexcept { return m_userId; }
    QString userName() const { return m_userName; }
    QString userAvatar() const { return m_userAvatar; }
    QString errorText() const { return m_errorText; }
    Error error() const noexcept { return m_error; }
    int reconnectSeconds() const noexcept { return m_reconnectSeconds; }
    QString token() const { return m_token; }

    //! \brief The Socket.IO connection of the session (Community sends and listens on it).
    SocketIoClient *client() const { return m_client; }
    //! \brief Reconnection delays, from the next attempt on (tests shorten or fix them).
    void setReconnectOptions(std::chrono::milliseconds delay, std::chrono::milliseconds delayMax,
                             double randomization);
    //! \brief How long REST calls and the first connection may take.
    void setRequestTimeout(std::chrono::milliseconds timeout);
    //! \brief Prefills the server address (e.g. from the command line) while signed out.
    void setServerUrl(const QString &server);

    //! \brief A server address as typed ("host:port", "http://host:port/") as a base URL;
    //! invalid when it cannot be one.
    static QUrl normalizedServerUrl(const QString &text);

    Q_INVOKABLE void signIn(const QString &server, const QString &username,
                            const QString &password);
    Q_INVOKABLE void registerAccount(const QString &server, const QString &username,
                                     const QString &password, const QString &displayName);
    Q_INVOKABLE void signInWithToken(const QString &server, const QString &token);
    //! \brief GETs \a tokenUrl with the site's \a cookie and signs in with the token it returns
    //! ({"token": "..."}).
    Q_INVOKABLE void fetchToken(const QString &server, const QString &tokenUrl,
                                const QString &cookie);
    Q_INVOKABLE void signOut();
    //! \brief Resumes the kept session, if any; false when there is none (or it expired).
    Q_INVOKABLE bool restore();
    //! \brief Tries to connect now instead of waiting for the next attempt.
    Q_INVOKABLE void reconnectNow();
    Q_INVOKABLE void clearError();

Q_SIGNALS:
    void statusChanged();
    void connectionChanged();
    void serverUrlChanged();
    void userChanged();
    void errorChanged();
    void reconnectSecondsChanged();
    //! The server accepted the session (first connection).
    void signedIn();
    //! The session ended: signOut(), or the server refused the token.
    void signedOut();

private:
    void setStatus(Status status);
    void setError(Error error, const QString &detail = {});
    void setServer(const QUrl &server);
    void setUser(qint64 id, const QString &name, const QString &avatar);
    bool beginRequest(const QString &server);
    void postAccount(const QString &path, const QByteArray &body);
    void onAccountReply(QNetworkReply *reply);
    void onTokenReply(QNetworkReply *reply);
    void startSession(const QString &token);
    void openConnection();
    void endSession(Error error, const QString &detail = {});
    void keepSession() const;
    void forgetSession() const;

    void onConnected(const QString &nsp);
    void onConnectError(const QString &nsp, const JsonValue &data);
    void onClientError(const QString &message);
    void updateConnection();
    void onReconnectScheduled(int attempt, int delayMs);
    void updateCountdown();

    static Session *s_instance;
    QSettings *m_settings;
    QNetworkAccessManager *m_network;
    SocketIoClient *m_client;
    SocketIoOptions m_socketOptions;
    std::chrono::milliseconds m_requestTimeout{15000};
    QPointer<QNetworkReply> m_pending;

    Status m_status = Status::SignedOut;
    Connection m_connection = Connection::Offline;
    QUrl m_serverUrl;
    QString m_token;
    qint64 m_userId = 0;
    QString m_userName;
    QString m_userAvatar;
    Error m_error = Error::NoError;
    QString m_errorText;
    bool m_everConnected = false;

    QTimer m_countdown;
    QDateTime m_nextAttempt;
    int m_reconnectSeconds = 0;
};

} // namespace chat::ui
