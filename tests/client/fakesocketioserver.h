// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QElapsedTimer>
#include <QtCore/QHash>
#include <QtCore/QList>
#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QUrl>
#include <QtNetwork/QNetworkRequest>
#include <QtWebSockets/QWebSocket>
#include <QtWebSockets/QWebSocketServer>

//! \brief One WebSocket connection to the FakeSocketIoServer: records what the client sends
//! and lets a test write hand-made Engine.IO frames back.
//!
//! It is deliberately written without the protocol library, so that the client's wire format
//! is checked against literal frames rather than against the codec it is built on.
class FakeSession : public QObject
{
    Q_OBJECT
public:
    //! A frame as received: text, or binary (then \c text is empty).
    struct Frame
    {
        bool binary = false;
        QString text;
        QByteArray bytes;
    };

    FakeSession(QWebSocket *socket, QObject *parent);

    QWebSocket *socket() const { return m_socket; }
    QUrl requestUrl() const { return m_requestUrl; }
    QNetworkRequest request() const { return m_request; }
    //! The decoded value of query item \a key of the handshake request.
    QString queryItem(const QString &key) const;

    //! Every frame from the client, in order.
    const QList<Frame> &frames() const { return m_frames; }
    //! The text frames from the client, in order.
    QStringList texts() const;
    //! The text frames other than pongs ("3"), in order.
    QStringList packets() const;
    int pongCount() const;
    bool isClosed() const { return m_closed; }
    //! Time since the connection was accepted (started before the open packet is sent).
    qint64 elapsed() const { return m_clock.elapsed(); }

    void sendText(const QString &frame);
    void sendBinary(const QByteArray &frame);
    void sendOpen(int pingInterval, int pingTimeout, qint64 maxPayload = 1000000);
    //! Sends a ping ("2"); wait for the answer with QTRY on pongCount().
    void ping() { sendText(QStringLiteral("2")); }
    //! Close frame, as a server that shuts a session down cleanly.
    void closeGracefully();
    //! TCP reset, as a server that dies.
    void abort();

Q_SIGNALS:
    void textReceived(const QString &frame);
    void closed();

private:
    QPointer<QWebSocket> m_socket;
    QUrl m_requestUrl;
    QNetworkRequest m_request;
    QList<Frame> m_frames;
    bool m_closed = false;
    QElapsedTimer m_clock;
};

//! \brief A scripted Socket.IO server on a QWebSocketServer bound to 127.0.0.1, port 0.
//!
//! By default it behaves like a well-mannered server: it sends the open packet on every new
//! connection and accepts every CONNECT with a fresh socket id. Each behaviour can be turned
//! off so that a test drives the frames itself.
class FakeSocketIoServer : public QObject
{
    Q_OBJECT
public:
    explicit FakeSocketIoServer(QObject *parent = nullptr);
    ~FakeSocketIoServer() override;

    //! Listens on \a port (0: any free port); returns false on failure.
    bool listen(quint16 port = 0);
    void stopListening();
    quint16 port() const { return m_port; }
    //! http://127.0.0.1:<port>
    QUrl url() const;

    //! Sessions in the order they connected; closed ones stay listed.
    const QList<FakeSession *> &sessions() const { return m_sessions; }
    FakeSession *lastSession() const { return m_sessions.isEmpty() ? nullptr : m_sessions.last(); }
    //! Sessions whose handshake carried the query item client=\a tag.
    QList<FakeSession *> sessionsOf(const QString &tag) const;

    //! Send the open packet as soon as a client connects.
    bool autoOpen = true;
    int pingInterval = 25000;
    int pingTimeout = 20000;
    qint64 maxPayload = 1000000;
    //! Answer every CONNECT: with \c connectErrors[nsp] as CONNECT_ERROR when set, else with a
    //! new socket id "sock-N".
    bool autoConnect = true;
    QHash<QString, QString> connectErrors;

    //! The Engine.IO session id the next open packet carries.
    QString nextSessionId() const { return QStringLiteral("eio-%1").arg(m_sessions.size()); }

Q_SIGNALS:
    void sessionStarted(FakeSession *session);

private:
    void onNewConnection();
    void answerConnect(FakeSession *session, const QString &frame);

    QWebSocketServer m_server;
    QList<FakeSession *> m_sessions;
    quint16 m_port = 0;
    int m_socketIds = 0;
};
