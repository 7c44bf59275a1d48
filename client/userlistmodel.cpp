// SPDX-License-Identifier: MIT
#include "userlistmodel.h"

#include <limits>

namespace chat::ui {

namespace {

bool before(const ChatUser &a, const ChatUser &b)
{
    const int byName = QString::localeAwareCompare(a.name.toCaseFolded(), b.name.toCaseFolded());
    return byName != 0 ? byName < 0 : a.id < b.id;
}

} // namespace

UserListModel::UserListModel(QObject *parent) : QAbstractListModel(parent) { }

UserListModel::~UserListModel() = default;

int UserListModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() || m_roomId == 0)
        return 0;
    const auto it = m_rooms.constFind(m_roomId);
    return it == m_rooms.constEnd() ? 0 : int(it->users.size());
}

QHash<int, QByteArray> UserListModel::roleNames() const
{
    return {{UserIdRole, "userId"}, {NameRole, "name"}, {AvatarRole, "avatar"}, {OwnRole, "own"}};
}

QVariant UserListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ChatUser &user = m_rooms.constFind(m_roomId)->users.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return user.name;
    case UserIdRole:
        return user.id;
    case AvatarRole:
        return user.avatar;
    case OwnRole:
        return m_localUserId != 0 && user.id == m_localUserId;
    default:
        return {};
    }
}

void UserListModel::setRoomId(qint64 roomId)
{
    if (roomId == m_roomId)
        return;
    const int rowsBefore = rowCount();
    const int totalBefore = total();
    beginResetModel();
    m_roomId = roomId;
    endResetModel();
    Q_EMIT roomIdChanged();
    if (rowsBefore != rowCount())
        Q_EMIT countChanged();
    if (totalBefore != total())
        Q_EMIT totalChanged();
}

void UserListModel::setLocalUserId(qint64 userId)
{
    if (userId == m_localUserId)
        return;
    m_localUserId = userId;
    Q_EMIT localUserIdChanged();
    if (const int rows = rowCount(); rows > 0)
        Q_EMIT dataChanged(index(0), index(rows - 1), {OwnRole});
}

int UserListModel::total() const
{
    const auto it = m_rooms.constFind(m_roomId);
    return m_roomId == 0 || it == m_rooms.constEnd()
            ? 0
            : int(qMin<qint64>(it->total, std::numeric_limits<int>::max()));
}

qsizetype UserListModel::insertPosition(const QList<ChatUser> &users, const ChatUser &user)
{
    return std::lower_bound(users.cbegin(), users.cend(), user, before) - users.cbegin();
}

void UserListModel::insertUser(qint64 roomId, RoomUsers &room, const ChatUser &user)
{
    for (qsizetype i = 0; i < room.users.size(); ++i) {
        if (room.users.at(i).id != user.id)
            continue;
        if (room.users.at(i) == user)
            return;
        // A new name may move the row: take it out and put it back in order.
        removeUser(roomId, room, user.id);
        break;
    }
    const qsizetype position = insertPosition(room.users, user);
    if (isShown(roomId))
        beginInsertRows({}, int(position), int(position));
    room.users.insert(position, user);
    if (isShown(roomId)) {
        endInsertRows();
        Q_EMIT countChanged();
    }
}

void UserListModel::removeUser(qint64 roomId, RoomUsers &room, qint64 userId)
{
    for (qsizetype i = 0; i < room.users.size(); ++i) {
        if (room.users.at(i).id != userId)
            continue;
        if (isShown(roomId))
            beginRemoveRows({}, int(i), int(i));
        room.users.remove(i);
        if (isShown(roomId)) {
            endRemoveRows();
            Q_EMIT countChanged();
        }
        return;
    }
}

void UserListModel::setTotal(qint64 roomId, RoomUsers &room, qint64 total)
{
    if (room.total == total)
        return;
    room.total = total;
    if (isShown(roomId))
        Q_EMIT totalChanged();
    Q_EMIT roomTotalChanged(roomId, total);
}

void UserListModel::setUsers(qint64 roomId, const QList<ChatUser> &users, qint64 total)
{
    if (roomId <= 0)
        return;
    QList<ChatUser> sorted = users;
    std::sort(sorted.begin(), sorted.end(), before);
    sorted.erase(std::unique(sorted.begin(), sorted.end(),
                             [](const ChatUser &a, const ChatUser &b) { return a.id == b.id; }),
                 sorted.end());
    RoomUsers &room = m_rooms[roomId];
    if (room.users != sorted) {
        const bool shown = isShown(roomId);
        const int rowsBefore = int(room.users.size());
        if (shown)
            beginResetModel();
        room.users = sorted;
        if (shown) {
            endResetModel();
            if (rowsBefore != room.users.size())
                Q_EMIT countChanged();
        }
    }
    setTotal(roomId, room, qMax<qint64>(total, room.users.size()));
}

void UserListModel::applyPresence(qint64 roomId, const QList<ChatUser> &joined,
                                  const QList<qint64> &left, qint64 total)
{
    if (roomId <= 0)
        return;
    RoomUsers &room = m_rooms[roomId];
    for (const qint64 userId : left)
        removeUser(roomId, room, userId);
    for (const ChatUser &user : joined)
        insertUser(roomId, room, user);
    setTotal(roomId, room, total >= 0 ? qMax<qint64>(total, room.users.size()) : room.users.size());
}

QList<ChatUser> UserListModel::users(qint64 roomId) const
{
    return m_rooms.value(roomId).users;
}

QString UserListModel::nameOf(qint64 roomId, qint64 userId) const
{
    const auto it = m_rooms.constFind(roomId);
    if (it == m_rooms.constEnd())
        return {};
    for (const ChatUser &user : it->users) {
        if (user.id == userId)
            return user.name;
    }
    return {};
}

void UserListModel::forget(qint64 roomId)
{
    const bool shown = roomId == 0 || isShown(roomId);
    const int rowsBefore = rowCount();
    const int totalBefore = total();
    if (shown)
        beginResetModel();
    if (roomId == 0)
        m_rooms.clear();
    else
        m_rooms.remove(roomId);
    if (shown) {
        endResetModel();
        if (rowsBefore != rowCount())
            Q_EMIT countChanged();
        if (totalBefore != total())
            Q_EMIT totalChanged();
    }
}

} // namespace chat::ui
