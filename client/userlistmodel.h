// SPDX-License-Identifier: MIT
#pragma once

#include "chattypes.h"

#include <QtCore/QAbstractListModel>
#include <QtCore/QHash>
#include <QtQml/qqmlregistration.h>

namespace chat::ui {

//! \brief The users online in the open room, sorted by name.
//!
//! Like MessageModel it keeps the list of every joined room (room:users, then the coalesced
//! room:presence changes) and shows the one of roomId. In a room with more than 100 users
//! online the server sends counts only; total then exceeds the rows.
class UserListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(qint64 roomId READ roomId WRITE setRoomId NOTIFY roomIdChanged)
    Q_PROPERTY(qint64 localUserId READ localUserId WRITE setLocalUserId NOTIFY localUserIdChanged)
    //! Users online in the shown room, listed or not.
    Q_PROPERTY(int total READ total NOTIFY totalChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    //! The roles, named in roleNames() as the part after "Role" in camelCase.
    enum Role {
        UserIdRole = Qt::UserRole + 1, //!< "userId"
        NameRole, //!< "name"
        AvatarRole, //!< "avatar": a URL or empty
        OwnRole, //!< "own": the signed-in user
    };
    Q_ENUM(Role)

    explicit UserListModel(QObject *parent = nullptr);
    ~UserListModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    qint64 roomId() const noexcept { return m_roomId; }
    void setRoomId(qint64 roomId);
    qint64 localUserId() const noexcept { return m_localUserId; }
    void setLocalUserId(qint64 userId);
    int total() const;
    int count() const { return rowCount(); }

    //! \brief The full list of \a roomId (room:users).
    void setUsers(qint64 roomId, const QList<ChatUser> &users, qint64 total);
    //! \brief The changes of room:presence; \a total < 0 when it was not sent.
    void applyPresence(qint64 roomId, const QList<ChatUser> &joined, const QList<qint64> &left,
                       qint64 total);
    //! \brief The users of \a roomId, sorted as shown.
    QList<ChatUser> users(qint64 roomId) const;
    //! \brief The name of user \a userId in \a roomId, or empty when not listed.
    QString nameOf(qint64 roomId, qint64 userId) const;
    //! \brief Forgets the room (left), or every room when \a roomId is 0.
    void forget(qint64 roomId = 0);

Q_SIGNALS:
    void roomIdChanged();
    void localUserIdChanged();
    void totalChanged();
    void countChanged();
    //! The total of \a roomId changed (for the room list's online counts).
    void roomTotalChanged(qint64 roomId, qint64 total);

private:
    struct RoomUsers
    {
        QList<ChatUser> users;
        qint64 total = 0;
    };

    bool isShown(qint64 roomId) const { return roomId != 0 && roomId == m_roomId; }
    static qsizetype insertPosition(const QList<ChatUser> &users, const ChatUser &user);
    void insertUser(qint64 roomId, RoomUsers &room, const ChatUser &user);
    void removeUser(qint64 roomId, RoomUsers &room, qint64 userId);
    void setTotal(qint64 roomId, RoomUsers &room, qint64 total);

    QHash<qint64, RoomUsers> m_rooms;
    qint64 m_roomId = 0;
    qint64 m_localUserId = 0;
};

} // namespace chat::ui
