// SPDX-License-Identifier: MIT
#pragma once

#include "chattypes.h"

#include <QtCore/QAbstractListModel>
#include <QtQml/qqmlregistration.h>

#include <optional>

namespace chat::ui {

//! \brief The community rooms, in the server's order, with their online and unread counts.
class RoomListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    //! The open room: its row has the current role.
    Q_PROPERTY(qint64 currentRoomId READ currentRoomId WRITE setCurrentRoomId NOTIFY
                       currentRoomIdChanged)
    //! Unread messages over every room but the open one.
    Q_PROPERTY(int otherUnread READ otherUnread NOTIFY otherUnreadChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    //! The roles, named in roleNames() as the part after "Role" in camelCase.
    enum Role {
        RoomIdRole = Qt::UserRole + 1, //!< "roomId"
        SlugRole, //!< "slug", e.g. "general"
        NameRole, //!< "name"
        DescriptionRole, //!< "description"
        IconRole, //!< "icon": the server's emoji
        IconTextRole, //!< "iconText": the icon if a font can draw it, else the name's initial
        IconIsEmojiRole, //!< "iconIsEmoji": iconText is the emoji
        OnlineRole, //!< "online": users online in the room
        UnreadRole, //!< "unread": messages not read yet
        CurrentRole, //!< "current": the open room
    };
    Q_ENUM(Role)

    explicit RoomListModel(QObject *parent = nullptr);
    ~RoomListModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    qint64 currentRoomId() const noexcept { return m_currentRoomId; }
    void setCurrentRoomId(qint64 roomId);
    int otherUnread() const;
    int count() const { return int(m_rooms.size()); }

    //! \brief Replaces the list (room:list); rows of rooms that stay are updated in place.
    void setRooms(const QList<ChatRoom> &rooms);
    //! \brief Adds or updates one room (the room:join acknowledgement), keeping its counts.
    void updateRoom(const ChatRoom &room);
    void setOnline(qint64 roomId, qint64 online);
    void setUnread(qint64 roomId, qint64 unread);
    void addUnread(qint64 roomId, qint64 count = 1);
    void clear();

    std::optional<ChatRoom> room(qint64 roomId) const;
    //! \brief The id of the room \a slug, or 0.
    Q_INVOKABLE qint64 idForSlug(const QString &slug) const;
    //! \brief The row of \a roomId, or -1.
    Q_INVOKABLE int rowOf(qint64 roomId) const;

Q_SIGNALS:
    void currentRoomIdChanged();
    void otherUnreadChanged();
    void countChanged();
    //! Something shown of \a roomId changed (name, counts...).
    void roomChanged(qint64 roomId);

private:
    void changed(int row, const QList<int> &roles);

    QList<ChatRoom> m_rooms;
    qint64 m_currentRoomId = 0;
};

} // namespace chat::ui
