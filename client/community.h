// SPDX-License-Identifier: MIT
#pragma once

#include "messagemodel.h"
#include "roomlistmodel.h"
#include "userlistmodel.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QStringList>
#include <QtCore/QTimer>
#include <QtQml/qqmlregistration.h>

QT_BEGIN_NAMESPACE
class QJSEngine;
class QQmlEngine;
class QSettings;
QT_END_NAMESPACE

namespace chat::ui {

class Session;

//! \brief The community chat of the signed-in user: rooms, the open room's messages and
//! online users, typing, and an outbox for what is typed while offline.
//!
//! Every room joined in this session is joined again after a reconnect with `since` set to
//! its newest stored message, so that the messages sent meanwhile arrive; messages typed
//! while offline wait in the outbox, each with a clientId, and are sent once their room is
//! joined again. The server stores a clientId once, so a message whose acknowledgement was
//! lost with the connection is sent again without being stored twice.
class Community : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(chat::ui::RoomListModel *rooms READ rooms CONSTANT)
    Q_PROPERTY(chat::ui::MessageModel *messages READ messages CONSTANT)
    Q_PROPERTY(chat::ui::UserListModel *users READ users CONSTANT)
    //! The open room, 0 for none. A double for QML, whose numbers are doubles: ids stay below
    //! 2^53 (protocol.md §3), so they are exact.
    Q_PROPERTY(double currentRoomId READ qmlCurrentRoomId NOTIFY currentRoomChanged)
    Q_PROPERTY(QString currentRoomName READ currentRoomName NOTIFY currentRoomChanged)
    Q_PROPERTY(QString currentRoomDescription READ currentRoomDescription NOTIFY currentRoomChanged)
    Q_PROPERTY(QString currentRoomIcon READ currentRoomIcon NOTIFY currentRoomChanged)
    Q_PROPERTY(bool currentRoomIconIsEmoji READ currentRoomIconIsEmoji NOTIFY currentRoomChanged)
    //! Whether the open room's messages are on screen (a phone layout may show the room list
    //! instead); messages that arrive while they are not count as unread.
    Q_PROPERTY(bool roomVisible READ roomVisible WRITE setRoomVisible NOTIFY roomVisibleChanged)
    //! Names of the users typing in the open room, in the order they started.
    Q_PROPERTY(QStringList typingNames READ typingNames NOTIFY typingChanged)
    //! Own messages not yet stored by the server (waiting or in flight).
    Q_PROPERTY(int pendingCount READ pendingCount NOTIFY pendingCountChanged)
    Q_PROPERTY(bool roomsLoaded READ roomsLoaded NOTIFY roomsLoadedChanged)
    //! The protocol's limit, in UTF-16 code units after trimming (as JavaScript counts).
    Q_PROPERTY(int maxMessageLength READ maxMessageLength CONSTANT)

public:
    //! What a refusal or a failure was about; errorOccurred() carries the text.
    enum class ErrorKind {
        RateLimited,
        TooLong,
        Offline,
        Forbidden,
        NotFound,
        InvalidMessage,
        NoAnswer,
        ServerError,
    };
    Q_ENUM(ErrorKind)

    static constexpr int MaxMessageLength = 2000;

    //! \a settings keeps the last open room; it must outlive this object.
    Community(Session *session, QSettings *settings, QObject *parent = nullptr);
    ~Community() override;

    static Community *create(QQmlEngine *engine, QJSEngine *);
    static Community *instance();

    RoomListModel *rooms() const { return m_rooms; }
    MessageModel *messages() const { return m_messages; }
    UserListModel *users() const { return m_users; }
    qint64 currentRoomId() const noexcept { return m_currentRoomId; }
    double qmlCurrentRoomId() const noexcept { return double(m_currentRoomId); }
    QString currentRoomName() const;
    QString currentRoomDescription() const;
    QString currentRoomIcon() const;
    bool currentRoomIconIsEmoji() const;
    bool roomVisible() const noexcept { return m_roomVisible; }
    void setRoomVisible(bool visible);
    QStringList typingNames() const;
    int pendingCount() const { return int(m_outbox.size()); }
    bool roomsLoaded() const noexcept { return m_roomsLoaded; }
    int maxMessageLength() const { return MaxMessageLength; }

    //! \brief Whether \a roomId is joined on the current connection.
    bool isJoined(qint64 roomId) const;

    //! \brief Opens a room: shows its messages and users, joining it if needed.
    Q_INVOKABLE void openRoom(qint64 roomId);
    //! \brief Opens a room by slug, once the room list is known if it is not yet.
    Q_INVOKABLE void openRoomBySlug(const QString &slug);
    //! \brief Sends \a text to the open room, as an answer to \a replyTo if not 0. Offline, the
    //! message waits in the outbox. False when nothing was queued (empty, too long, no room).
    Q_INVOKABLE bool sendMessage(const QString &text, qint64 replyTo = 0);
    Q_INVOKABLE bool editMessage(qint64 messageId, const QString &text);
    Q_INVOKABLE bool deleteMessage(qint64 messageId);
    //! \brief Queues a failed message again, with the same clientId.
    Q_INVOKABLE void retryMessage(const QString &clientId);
    //! \brief Drops a failed or waiting message.
    Q_INVOKABLE void discardMessage(const QString &clientId);
    //! \brief Asks for the page of messages before the oldest one shown.
    Q_INVOKABLE void loadOlder();
    //! \brief The user typed in the composer: others see "… is typing".
    Q_INVOKABLE void composing();
    Q_INVOKABLE void stopComposing();
    Q_INVOKABLE QString draft(qint64 roomId) const;
    Q_INVOKABLE void setDraft(qint64 roomId, const QString &text);
    //! \brief The text of a message of the open room (to prefill an edit), or empty.
    Q_INVOKABLE QString messageText(qint64 messageId) const;
    //! \brief The author's name of a message of the open room, or empty.
    Q_INVOKABLE QString messageAuthor(qint64 messageId) const;
    //! \brief How many characters \a text may still grow by (negative when over the limit).
    Q_INVOKABLE int remaining(const QString &text) const;

Q_SIGNALS:
    void currentRoomChanged();
    void roomVisibleChanged();
    void typingChanged();
    void pendingCountChanged();
    void roomsLoadedChanged();
    //! Something the user asked for failed, or will wait: show \a message.
    void errorOccurred(chat::ui::Community::ErrorKind kind, const QString &message);

private:
    struct RoomState
    {
        //! Joined on the current connection.
        bool joined = false;
        bool joining = false;
        //! Joined in this session: joined again after a reconnect.
        bool wanted = false;
        //! The newest message id before the running join, 0 for a first join.
        qint64 since = 0;
        //! The catch-up of the running join did not carry every missed message.
        bool catchUpIncomplete = false;
    };
    struct Outgoing
    {
        qint64 roomId = 0;
        QString clientId;
        QString text;
        qint64 replyTo = 0;
        bool inFlight = false;
    };
    struct Typist
    {
        qint64 userId = 0;
        QString name;
        qint64 expiresAt = 0;
    };

    bool isOnline() const;
    void onSignedIn();
    void onSignedOut();
    void onConnected(const QString &nsp);
    void onDisconnected(const QString &nsp);
    void onEvent(const QString &nsp, const QString &event, const JsonArray &args, qint64 ackId);

    void requestRooms();
    void join(qint64 roomId);
    void onHistory(const JsonValue &payload);
    void onMessageNew(const JsonValue &payload);
    void onMessageUpdated(const JsonValue &payload);
    void onTypingEvent(const JsonValue &payload, bool typing);
    void expireTypists();
    void forgetOutgoing(qint64 roomId, const QString &clientId);
    void flushOutbox(qint64 roomId);
    void sendOutgoing(qsizetype index);
    void scheduleRead();
    void sendRead();
    void notifyOffline();
    void emitChecked(const QString &event, const JsonObject &payload,
                     std::function<void(const JsonValue &result)> onOk);

    //! The kind and the user's text for an {ok:false, error:{code,...}} acknowledgement.
    static std::pair<ErrorKind, QString> describeError(const JsonValue &error);
    static QString noAnswerText();

    static Community *s_instance;
    Session *m_session;
    QSettings *m_settings;
    RoomListModel *m_rooms;
    MessageModel *m_messages;
    UserListModel *m_users;

    QHash<qint64, RoomState> m_roomStates;
    qint64 m_currentRoomId = 0;
    QString m_wantedSlug;
    bool m_roomVisible = true;
    bool m_roomsLoaded = false;
    bool m_offlineNoticeShown = false;
    QList<Outgoing> m_outbox;
    QHash<qint64, QString> m_drafts;
    QHash<qint64, qint64> m_readSent;
    QTimer m_readTimer;
    QTimer m_roomListTimer;

    QHash<qint64, QList<Typist>> m_typists;
    QTimer m_typingExpiry;
    QElapsedTimer m_clock;
    bool m_typingSent = false;
    qint64 m_typingRoom = 0;
    qint64 m_typingSentAt = 0;
    QTimer m_typingIdle;
};

} // namespace chat::ui
