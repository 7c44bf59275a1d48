// SPDX-License-Identifier: MIT
#include "roomlistmodel.h"

#include "fontcoverage.h"

#include <limits>

using namespace Qt::StringLiterals;

namespace chat::ui {

namespace {

QString initialOf(const ChatRoom &room)
{
    const QString name = room.name.isEmpty() ? room.slug : room.name;
    for (const QChar c : name) {
        if (c.isLetterOrNumber())
            return QString(c).toUpper();
    }
    return u"#"_s;
}

bool iconDrawable(const ChatRoom &room)
{
    return !room.icon.isEmpty() && canRender(room.icon);
}

} // namespace

RoomListModel::RoomListModel(QObject *parent) : QAbstractListModel(parent) { }

RoomListModel::~RoomListModel() = default;

int RoomListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rooms.size());
}

QHash<int, QByteArray> RoomListModel::roleNames() const
{
    return {
            {RoomIdRole, "roomId"},           {SlugRole, "slug"},     {NameRole, "name"},
            {DescriptionRole, "description"}, {IconRole, "icon"},     {IconTextRole, "iconText"},
            {IconIsEmojiRole, "iconIsEmoji"}, {OnlineRole, "online"}, {UnreadRole, "unread"},
            {CurrentRole, "current"},
    };
}

QVariant RoomListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ChatRoom &room = m_rooms.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return room.name;
    case RoomIdRole:
        return room.id;
    case SlugRole:
        return room.slug;
    case DescriptionRole:
        return room.description;
    case IconRole:
        return room.icon;
    case IconTextRole:
        return iconDrawable(room) ? room.icon : initialOf(room);
    case IconIsEmojiRole:
        return iconDrawable(room);
    case OnlineRole:
        return room.online;
    case UnreadRole:
        return room.unread;
    case CurrentRole:
        return room.id == m_currentRoomId;
    default:
        return {};
    }
}

void RoomListModel::changed(int row, const QList<int> &roles)
{
    const QModelIndex at = index(row);
    Q_EMIT dataChanged(at, at, roles);
    Q_EMIT roomChanged(m_rooms.at(row).id);
}

void RoomListModel::setCurrentRoomId(qint64 roomId)
{
    if (roomId == m_currentRoomId)
        return;
    const int before = rowOf(m_currentRoomId);
    m_currentRoomId = roomId;
    if (before >= 0)
        changed(before, {CurrentRole});
    if (const int now = rowOf(roomId); now >= 0)
        changed(now, {CurrentRole});
    Q_EMIT currentRoomIdChanged();
    Q_EMIT otherUnreadChanged();
}

int RoomListModel::otherUnread() const
{
    qint64 total = 0;
    for (const ChatRoom &room : m_rooms) {
        if (room.id != m_currentRoomId)
            total += room.unread;
    }
    return int(qMin<qint64>(total, std::numeric_limits<int>::max()));
}

void RoomListModel::setRooms(const QList<ChatRoom> &rooms)
{
    bool sameRows = rooms.size() == m_rooms.size();
    for (qsizetype i = 0; sameRows && i < rooms.size(); ++i)
        sameRows = rooms.at(i).id == m_rooms.at(i).id;
    if (!sameRows) {
        beginResetModel();
        m_rooms = rooms;
        endResetModel();
        Q_EMIT countChanged();
        Q_EMIT otherUnreadChanged();
        return;
    }
    bool unreadChanged = false;
    for (qsizetype i = 0; i < rooms.size(); ++i) {
        if (rooms.at(i) == m_rooms.at(i))
            continue;
        unreadChanged = unreadChanged || rooms.at(i).unread != m_rooms.at(i).unread;
        m_rooms[i] = rooms.at(i);
        changed(int(i),
                {NameRole, SlugRole, DescriptionRole, IconRole, IconTextRole, IconIsEmojiRole,
                 OnlineRole, UnreadRole});
    }
    if (unreadChanged)
        Q_EMIT otherUnreadChanged();
}

void RoomListModel::updateRoom(const ChatRoom &room)
{
    const int row = rowOf(room.id);
    if (row < 0) {
        beginInsertRows({}, int(m_rooms.size()), int(m_rooms.size()));
        m_rooms.append(room);
        endInsertRows();
        Q_EMIT countChanged();
        return;
    }
    ChatRoom &current = m_rooms[row];
    if (current.slug == room.slug && current.name == room.name
        && current.description == room.description && current.icon == room.icon)
        return;
    current.slug = room.slug;
    current.name = room.name;
    current.description = room.description;
    current.icon = room.icon;
    changed(row, {NameRole, SlugRole, DescriptionRole, IconRole, IconTextRole, IconIsEmojiRole});
}

void RoomListModel::setOnline(qint64 roomId, qint64 online)
{
    const int row = rowOf(roomId);
    if (row < 0 || m_rooms.at(row).online == online)
        return;
    m_rooms[row].online = qMax<qint64>(0, online);
    changed(row, {OnlineRole});
}

void RoomListModel::setUnread(qint64 roomId, qint64 unread)
{
    const int row = rowOf(roomId);
    if (row < 0 || m_rooms.at(row).unread == unread)
        return;
    m_rooms[row].unread = qMax<qint64>(0, unread);
    changed(row, {UnreadRole});
    Q_EMIT otherUnreadChanged();
}

void RoomListModel::addUnread(qint64 roomId, qint64 count)
{
    const int row = rowOf(roomId);
    if (row >= 0)
        setUnread(roomId, m_rooms.at(row).unread + count);
}

void RoomListModel::clear()
{
    beginResetModel();
    m_rooms.clear();
    m_currentRoomId = 0;
    endResetModel();
    Q_EMIT countChanged();
    Q_EMIT currentRoomIdChanged();
    Q_EMIT otherUnreadChanged();
}

std::optional<ChatRoom> RoomListModel::room(qint64 roomId) const
{
    const int row = rowOf(roomId);
    return row < 0 ? std::nullopt : std::optional<ChatRoom>(m_rooms.at(row));
}

qint64 RoomListModel::idForSlug(const QString &slug) const
{
    for (const ChatRoom &room : m_rooms) {
        if (room.slug == slug)
            return room.id;
    }
    return 0;
}

int RoomListModel::rowOf(qint64 roomId) const
{
    if (roomId <= 0)
        return -1;
    for (qsizetype i = 0; i < m_rooms.size(); ++i) {
        if (m_rooms.at(i).id == roomId)
            return int(i);
    }
    return -1;
}

} // namespace chat::ui
