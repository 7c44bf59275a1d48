// SPDX-License-Identifier: MIT
#pragma once

#include "chattypes.h"

#include <QtCore/QAbstractListModel>
#include <QtCore/QHash>
#include <QtQml/qqmlregistration.h>

namespace chat::ui {

//! \brief The messages of the open room, newest first, for a ListView laid out BottomToTop.
//!
//! The model keeps the timeline of every room it was given messages for and shows the one of
//! roomId, so that switching rooms is instant and messages that arrive for other rooms are
//! kept. The server may deliver a message twice (as message:new and again in room:history
//! right after a join), so every message is placed by its id: a second copy replaces the
//! first. An own message typed here is shown at once as Pending with its clientId, and the
//! server's copy with the same clientId takes its place.
//!
//! Rows are newest first: new messages are inserted at row 0 and older pages appended at the
//! end, which keeps a BottomToTop ListView still while history loads above what is read.
class MessageModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    //! The room whose timeline is shown; 0 for none.
    Q_PROPERTY(qint64 roomId READ roomId WRITE setRoomId NOTIFY roomIdChanged)
    //! The signed-in user: their messages have the own role.
    Q_PROPERTY(qint64 localUserId READ localUserId WRITE setLocalUserId NOTIFY localUserIdChanged)
    //! The server has older messages of the shown room than the model holds.
    Q_PROPERTY(bool hasMore READ hasMore NOTIFY historyStateChanged)
    //! An older page of the shown room has been asked for and has not arrived.
    Q_PROPERTY(bool loadingOlder READ loadingOlder NOTIFY historyStateChanged)
    //! The first page of the shown room has arrived.
    Q_PROPERTY(bool loaded READ loaded NOTIFY historyStateChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    //! The roles, named in roleNames() as the part after "Role" in camelCase.
    enum Role {
        MessageIdRole = Qt::UserRole + 1, //!< "messageId": the server's id, 0 while pending
        TextRole, //!< "text": plain text, never markup
        TypeRole, //!< "type": text, image, link or system
        AuthorIdRole, //!< "authorId"
        AuthorNameRole, //!< "authorName"
        AuthorAvatarRole, //!< "authorAvatar": a URL or empty
        CreatedAtRole, //!< "createdAt": QDateTime (UTC); for pending messages the time typed
        EditedRole, //!< "edited": bool
        DeletedRole, //!< "deleted": bool; the text is then empty
        OwnRole, //!< "own": written by localUserId
        ReplyToRole, //!< "replyTo": the id of the message answered, 0 for none
        ReplyAuthorNameRole, //!< "replyAuthorName": empty when that message is not loaded
        ReplyTextRole, //!< "replyText": its text (empty when deleted or not loaded)
        ReplyDeletedRole, //!< "replyDeleted": the message answered was deleted
        DeliveryRole, //!< "delivery": Delivery
        FailureRole, //!< "failure": why a Failed message was refused
        ClientIdRole, //!< "clientId": the id given by the sender's app, possibly empty
        FirstOfDayRole, //!< "firstOfDay": the oldest loaded message of its local day
        ContinuationRole, //!< "continuation": same author as the message before, shortly after
    };
    Q_ENUM(Role)

    //! DeliveryState for QML.
    enum Delivery {
        Sent = int(DeliveryState::Sent),
        Pending = int(DeliveryState::Pending),
        Failed = int(DeliveryState::Failed),
    };
    Q_ENUM(Delivery)

    explicit MessageModel(QObject *parent = nullptr);
    ~MessageModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    qint64 roomId() const noexcept { return m_roomId; }
    void setRoomId(qint64 roomId);
    qint64 localUserId() const noexcept { return m_localUserId; }
    void setLocalUserId(qint64 userId);
    bool hasMore() const;
    bool loadingOlder() const;
    bool loaded() const;
    int count() const { return rowCount(); }

    //! \brief Places messages of any rooms; known ids are replaced, pending copies resolved.
    void addMessages(const QList<ChatMessage> &messages);
    //! \brief Places one message (from message:new or message:updated).
    void upsert(const ChatMessage &message);
    //! \brief Marks a message deleted (message:deleted); false when it is not loaded.
    bool markDeleted(qint64 roomId, qint64 messageId);
    //! \brief Adds an own message that has not reached the server (id 0, a clientId).
    void addPending(const ChatMessage &message);
    //! \brief Changes the delivery state of the pending message \a clientId.
    bool setDelivery(qint64 roomId, const QString &clientId, DeliveryState state,
                     const QString &failure = {});
    //! \brief Removes a message that was never stored (a discarded failed message).
    bool removePending(qint64 roomId, const QString &clientId);

    //! \brief Whether the server has older messages of \a roomId than the model holds.
    void setHasMore(qint64 roomId, bool hasMore);
    void setLoadingOlder(qint64 roomId, bool loading);
    void setLoaded(qint64 roomId, bool loaded);
    bool isLoaded(qint64 roomId) const;
    bool hasMore(qint64 roomId) const;
    bool isLoadingOlder(qint64 roomId) const;

    //! \brief The newest stored message id of \a roomId (what room:join's since wants), or 0.
    qint64 newestId(qint64 roomId) const;
    //! \brief The oldest stored message id of \a roomId (message:history's before), or 0.
    qint64 oldestId(qint64 roomId) const;
    //! \brief The message \a messageId of \a roomId, or null.
    const ChatMessage *find(qint64 roomId, qint64 messageId) const;
    //! \brief The pending or failed message \a clientId of \a roomId, or null.
    const ChatMessage *findPending(qint64 roomId, const QString &clientId) const;
    //! \brief Every message of \a roomId, oldest first (tests and the outbox read it).
    QList<ChatMessage> timeline(qint64 roomId) const;

    //! \brief The row of \a messageId in the shown room, or -1.
    Q_INVOKABLE int rowOf(qint64 messageId) const;
    //! \brief The newest own message of the shown room that can still be edited, or 0.
    Q_INVOKABLE qint64 lastEditableId() const;

    //! \brief Forgets every room (sign-out).
    void clear();

Q_SIGNALS:
    void roomIdChanged();
    void localUserIdChanged();
    void historyStateChanged();
    void countChanged();

private:
    struct Timeline
    {
        //! Stored messages ascending by id, then the not yet stored ones in the order typed.
        QList<ChatMessage> items;
        bool hasMore = false;
        bool loadingOlder = false;
        bool loaded = false;

        qsizetype storedCount() const;
    };

    bool isShown(qint64 roomId) const { return roomId == m_roomId && roomId != 0; }
    bool isShownTimeline(const Timeline &timeline) const;
    //! Position of the stored message \a messageId, or -1.
    static qsizetype storedPosition(const Timeline &timeline, qint64 messageId);
    //! Row of the item at \a position of the shown timeline.
    int rowFor(const Timeline &timeline, qsizetype position) const;
    const ChatMessage *itemAt(int row) const;
    //! Position in the timeline of the item at \a row, or -1.
    qsizetype positionOf(int row) const;
    QVariant derived(const Timeline &timeline, qsizetype position, int role) const;
    const ChatMessage *repliedTo(const Timeline &timeline, const ChatMessage &message) const;

    void place(Timeline &timeline, const ChatMessage &message);
    void insertAt(Timeline &timeline, qsizetype position, const ChatMessage &message);
    void removeAt(Timeline &timeline, qsizetype position);
    void replaceAt(Timeline &timeline, qsizetype position, const ChatMessage &message);
    //! Emits dataChanged for the layout roles of the item after \a position, whose older
    //! neighbour changed.
    void neighbourChanged(const Timeline &timeline, qsizetype position);
    void repliesChanged(const Timeline &timeline, qint64 messageId);
    void emitChanged(const Timeline &timeline, qsizetype position, const QList<int> &roles);

    QHash<qint64, Timeline> m_timelines;
    qint64 m_roomId = 0;
    qint64 m_localUserId = 0;
};

} // namespace chat::ui
