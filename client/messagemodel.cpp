// SPDX-License-Identifier: MIT
#include "messagemodel.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace chat::ui {

namespace {

// Messages of one author closer together than this are drawn as one block.
constexpr qint64 ContinuationSeconds = 5 * 60;

QDate localDay(const ChatMessage &message)
{
    return message.createdAt.toLocalTime().date();
}

bool sameContent(const ChatMessage &a, const ChatMessage &b)
{
    return a.text == b.text && a.author == b.author && a.type == b.type && a.replyTo == b.replyTo
            && a.clientId == b.clientId && a.createdAt == b.createdAt && a.editedAt == b.editedAt
            && a.deleted == b.deleted && a.delivery == b.delivery && a.failure == b.failure;
}

} // namespace

qsizetype MessageModel::Timeline::storedCount() const
{
    qsizetype n = items.size();
    while (n > 0 && items.at(n - 1).id == 0)
        --n;
    return n;
}

MessageModel::MessageModel(QObject *parent) : QAbstractListModel(parent) { }

MessageModel::~MessageModel() = default;

int MessageModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() || m_roomId == 0)
        return 0;
    const auto it = m_timelines.constFind(m_roomId);
    return it == m_timelines.constEnd() ? 0 : int(it->items.size());
}

QHash<int, QByteArray> MessageModel::roleNames() const
{
    return {
            {MessageIdRole, "messageId"},
            {TextRole, "text"},
            {TypeRole, "type"},
            {AuthorIdRole, "authorId"},
            {AuthorNameRole, "authorName"},
            {AuthorAvatarRole, "authorAvatar"},
            {CreatedAtRole, "createdAt"},
            {EditedRole, "edited"},
            {DeletedRole, "deleted"},
            {OwnRole, "own"},
            {ReplyToRole, "replyTo"},
            {ReplyAuthorNameRole, "replyAuthorName"},
            {ReplyTextRole, "replyText"},
            {ReplyDeletedRole, "replyDeleted"},
            {DeliveryRole, "delivery"},
            {FailureRole, "failure"},
            {ClientIdRole, "clientId"},
            {FirstOfDayRole, "firstOfDay"},
            {ContinuationRole, "continuation"},
    };
}

qsizetype MessageModel::positionOf(int row) const
{
    const auto it = m_timelines.constFind(m_roomId);
    if (m_roomId == 0 || it == m_timelines.constEnd() || row < 0 || row >= it->items.size())
        return -1;
    return it->items.size() - 1 - row;
}

int MessageModel::rowFor(const Timeline &timeline, qsizetype position) const
{
    return int(timeline.items.size() - 1 - position);
}

const ChatMessage *MessageModel::itemAt(int row) const
{
    const qsizetype position = positionOf(row);
    return position < 0 ? nullptr : &m_timelines.find(m_roomId)->items.at(position);
}

qsizetype MessageModel::storedPosition(const Timeline &timeline, qint64 messageId)
{
    if (messageId <= 0)
        return -1;
    const auto end = timeline.items.cbegin() + timeline.storedCount();
    const auto it
            = std::lower_bound(timeline.items.cbegin(), end, messageId,
                               [](const ChatMessage &item, qint64 id) { return item.id < id; });
    return it != end && it->id == messageId ? it - timeline.items.cbegin() : -1;
}

bool MessageModel::isShownTimeline(const Timeline &timeline) const
{
    const auto it = m_timelines.constFind(m_roomId);
    return m_roomId != 0 && it != m_timelines.constEnd() && &*it == &timeline;
}

const ChatMessage *MessageModel::repliedTo(const Timeline &timeline,
                                           const ChatMessage &message) const
{
    const qsizetype position = storedPosition(timeline, message.replyTo);
    return position < 0 ? nullptr : &timeline.items.at(position);
}

QVariant MessageModel::derived(const Timeline &timeline, qsizetype position, int role) const
{
    const ChatMessage &message = timeline.items.at(position);
    const ChatMessage *older = position > 0 ? &timeline.items.at(position - 1) : nullptr;
    switch (role) {
    case FirstOfDayRole:
        return !older || localDay(*older) != localDay(message);
    case ContinuationRole:
        return older && localDay(*older) == localDay(message)
                && older->author.id == message.author.id && older->type != u"system"_s
                && message.type != u"system"_s
                && older->createdAt.secsTo(message.createdAt) < ContinuationSeconds;
    default:
        return {};
    }
}

QVariant MessageModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const qsizetype position = positionOf(index.row());
    if (position < 0)
        return {};
    const Timeline &timeline = *m_timelines.constFind(m_roomId);
    const ChatMessage &message = timeline.items.at(position);
    switch (role) {
    case Qt::DisplayRole:
    case TextRole:
        return message.deleted ? QString() : message.text;
    case MessageIdRole:
        return message.id;
    case TypeRole:
        return message.type;
    case AuthorIdRole:
        return message.author.id;
    case AuthorNameRole:
        return message.author.name;
    case AuthorAvatarRole:
        return message.author.avatar;
    case CreatedAtRole:
        return message.createdAt;
    case EditedRole:
        return message.editedAt.isValid() && !message.deleted;
    case DeletedRole:
        return message.deleted;
    case OwnRole:
        return m_localUserId != 0 && message.author.id == m_localUserId;
    case ReplyToRole:
        return message.replyTo;
    case ReplyAuthorNameRole: {
        const ChatMessage *original = repliedTo(timeline, message);
        return original ? original->author.name : QString();
    }
    case ReplyTextRole: {
        const ChatMessage *original = repliedTo(timeline, message);
        return original && !original->deleted ? original->text : QString();
    }
    case ReplyDeletedRole: {
        const ChatMessage *original = repliedTo(timeline, message);
        return original && original->deleted;
    }
    case DeliveryRole:
        return int(message.delivery);
    case FailureRole:
        return message.failure;
    case ClientIdRole:
        return message.clientId;
    case FirstOfDayRole:
    case ContinuationRole:
        return derived(timeline, position, role);
    default:
        return {};
    }
}

void MessageModel::setRoomId(qint64 roomId)
{
    if (roomId == m_roomId)
        return;
    const int before = rowCount();
    beginResetModel();
    m_roomId = roomId;
    endResetModel();
    Q_EMIT roomIdChanged();
    Q_EMIT historyStateChanged();
    if (before != rowCount())
        Q_EMIT countChanged();
}

void MessageModel::setLocalUserId(qint64 userId)
{
    if (userId == m_localUserId)
        return;
    m_localUserId = userId;
    Q_EMIT localUserIdChanged();
    if (const int rows = rowCount(); rows > 0)
        Q_EMIT dataChanged(index(0), index(rows - 1), {OwnRole});
}

bool MessageModel::hasMore() const
{
    return hasMore(m_roomId);
}

bool MessageModel::loadingOlder() const
{
    return isLoadingOlder(m_roomId);
}

bool MessageModel::loaded() const
{
    return isLoaded(m_roomId);
}

bool MessageModel::hasMore(qint64 roomId) const
{
    const auto it = m_timelines.constFind(roomId);
    return it != m_timelines.constEnd() && it->hasMore;
}

bool MessageModel::isLoadingOlder(qint64 roomId) const
{
    const auto it = m_timelines.constFind(roomId);
    return it != m_timelines.constEnd() && it->loadingOlder;
}

bool MessageModel::isLoaded(qint64 roomId) const
{
    const auto it = m_timelines.constFind(roomId);
    return it != m_timelines.constEnd() && it->loaded;
}

void MessageModel::setHasMore(qint64 roomId, bool hasMore)
{
    Timeline &timeline = m_timelines[roomId];
    if (timeline.hasMore == hasMore)
        return;
    timeline.hasMore = hasMore;
    if (isShown(roomId))
        Q_EMIT historyStateChanged();
}

void MessageModel::setLoadingOlder(qint64 roomId, bool loading)
{
    Timeline &timeline = m_timelines[roomId];
    if (timeline.loadingOlder == loading)
        return;
    timeline.loadingOlder = loading;
    if (isShown(roomId))
        Q_EMIT historyStateChanged();
}

void MessageModel::setLoaded(qint64 roomId, bool loaded)
{
    Timeline &timeline = m_timelines[roomId];
    if (timeline.loaded == loaded)
        return;
    timeline.loaded = loaded;
    if (isShown(roomId))
        Q_EMIT historyStateChanged();
}

void MessageModel::emitChanged(const Timeline &timeline, qsizetype position,
                               const QList<int> &roles)
{
    if (!isShownTimeline(timeline))
        return;
    const QModelIndex changed = index(rowFor(timeline, position));
    Q_EMIT dataChanged(changed, changed, roles);
}

void MessageModel::neighbourChanged(const Timeline &timeline, qsizetype position)
{
    if (position + 1 < timeline.items.size())
        emitChanged(timeline, position + 1, {FirstOfDayRole, ContinuationRole});
}

void MessageModel::repliesChanged(const Timeline &timeline, qint64 messageId)
{
    for (qsizetype i = 0; i < timeline.items.size(); ++i) {
        if (timeline.items.at(i).replyTo == messageId)
            emitChanged(timeline, i, {ReplyAuthorNameRole, ReplyTextRole, ReplyDeletedRole});
    }
}

void MessageModel::insertAt(Timeline &timeline, qsizetype position, const ChatMessage &message)
{
    const bool shown = isShownTimeline(timeline);
    if (shown) {
        // Rows are newest first: the row of position p is size - p once the item is in.
        const int row = int(timeline.items.size() - position);
        beginInsertRows({}, row, row);
    }
    timeline.items.insert(position, message);
    if (shown) {
        endInsertRows();
        Q_EMIT countChanged();
    }
    neighbourChanged(timeline, position);
}

void MessageModel::removeAt(Timeline &timeline, qsizetype position)
{
    const bool shown = isShownTimeline(timeline);
    if (shown) {
        const int row = rowFor(timeline, position);
        beginRemoveRows({}, row, row);
    }
    timeline.items.remove(position);
    if (shown) {
        endRemoveRows();
        Q_EMIT countChanged();
    }
    if (position < timeline.items.size())
        emitChanged(timeline, position, {FirstOfDayRole, ContinuationRole});
}

void MessageModel::replaceAt(Timeline &timeline, qsizetype position, const ChatMessage &message)
{
    ChatMessage &current = timeline.items[position];
    if (sameContent(current, message) && current.id == message.id)
        return;
    QList<int> roles;
    if (current.id != message.id)
        roles << MessageIdRole;
    if (current.text != message.text || current.deleted != message.deleted)
        roles << TextRole << DeletedRole << EditedRole;
    if (current.editedAt != message.editedAt)
        roles << EditedRole;
    if (current.author != message.author)
        roles << AuthorIdRole << AuthorNameRole << AuthorAvatarRole << OwnRole;
    if (current.createdAt != message.createdAt)
        roles << CreatedAtRole << FirstOfDayRole << ContinuationRole;
    if (current.replyTo != message.replyTo)
        roles << ReplyToRole << ReplyAuthorNameRole << ReplyTextRole << ReplyDeletedRole;
    if (current.delivery != message.delivery || current.failure != message.failure)
        roles << DeliveryRole << FailureRole;
    if (current.clientId != message.clientId)
        roles << ClientIdRole;
    if (current.type != message.type)
        roles << TypeRole << ContinuationRole;
    const bool repliesAffected = current.id != 0
            && (current.text != message.text || current.deleted != message.deleted
                || current.author != message.author);
    current = message;
    if (!roles.isEmpty())
        emitChanged(timeline, position, roles);
    if (roles.contains(CreatedAtRole) || roles.contains(AuthorIdRole) || roles.contains(TypeRole))
        neighbourChanged(timeline, position);
    if (repliesAffected)
        repliesChanged(timeline, message.id);
}

void MessageModel::place(Timeline &timeline, const ChatMessage &message)
{
    const qsizetype stored = timeline.storedCount();
    const auto end = timeline.items.begin() + stored;
    const auto found
            = std::lower_bound(timeline.items.begin(), end, message.id,
                               [](const ChatMessage &item, qint64 id) { return item.id < id; });
    const qsizetype position = found - timeline.items.begin();
    if (found != end && found->id == message.id) {
        replaceAt(timeline, position, message);
        return;
    }

    qsizetype pending = -1;
    if (!message.clientId.isEmpty()) {
        for (qsizetype i = stored; i < timeline.items.size(); ++i) {
            const ChatMessage &item = timeline.items.at(i);
            if (item.clientId == message.clientId && item.author.id == message.author.id) {
                pending = i;
                break;
            }
        }
    }
    if (pending == position) {
        // The usual case: the oldest pending message is confirmed and stays where it is.
        replaceAt(timeline, position, message);
    } else {
        if (pending >= 0)
            removeAt(timeline, pending);
        insertAt(timeline, position, message);
    }
    repliesChanged(timeline, message.id);
}

void MessageModel::addMessages(const QList<ChatMessage> &messages)
{
    for (const ChatMessage &message : messages)
        upsert(message);
}

void MessageModel::upsert(const ChatMessage &message)
{
    if (message.id <= 0 || message.roomId <= 0)
        return;
    place(m_timelines[message.roomId], message);
}

bool MessageModel::markDeleted(qint64 roomId, qint64 messageId)
{
    const auto it = m_timelines.find(roomId);
    if (it == m_timelines.end())
        return false;
    const ChatMessage *message = find(roomId, messageId);
    if (!message)
        return false;
    ChatMessage deleted = *message;
    deleted.deleted = true;
    deleted.text.clear();
    place(*it, deleted);
    return true;
}

void MessageModel::addPending(const ChatMessage &message)
{
    if (message.roomId <= 0 || message.clientId.isEmpty())
        return;
    Timeline &timeline = m_timelines[message.roomId];
    if (findPending(message.roomId, message.clientId))
        return;
    ChatMessage pending = message;
    pending.id = 0;
    insertAt(timeline, timeline.items.size(), pending);
}

bool MessageModel::setDelivery(qint64 roomId, const QString &clientId, DeliveryState state,
                               const QString &failure)
{
    const auto it = m_timelines.find(roomId);
    if (it == m_timelines.end())
        return false;
    for (qsizetype i = it->storedCount(); i < it->items.size(); ++i) {
        if (it->items.at(i).clientId != clientId)
            continue;
        ChatMessage changed = it->items.at(i);
        changed.delivery = state;
        changed.failure = state == DeliveryState::Failed ? failure : QString();
        replaceAt(*it, i, changed);
        return true;
    }
    return false;
}

bool MessageModel::removePending(qint64 roomId, const QString &clientId)
{
    const auto it = m_timelines.find(roomId);
    if (it == m_timelines.end())
        return false;
    for (qsizetype i = it->storedCount(); i < it->items.size(); ++i) {
        if (it->items.at(i).clientId == clientId) {
            removeAt(*it, i);
            return true;
        }
    }
    return false;
}

qint64 MessageModel::newestId(qint64 roomId) const
{
    const auto it = m_timelines.constFind(roomId);
    if (it == m_timelines.constEnd())
        return 0;
    const qsizetype stored = it->storedCount();
    return stored > 0 ? it->items.at(stored - 1).id : 0;
}

qint64 MessageModel::oldestId(qint64 roomId) const
{
    const auto it = m_timelines.constFind(roomId);
    if (it == m_timelines.constEnd() || it->storedCount() == 0)
        return 0;
    return it->items.constFirst().id;
}

const ChatMessage *MessageModel::find(qint64 roomId, qint64 messageId) const
{
    const auto it = m_timelines.constFind(roomId);
    if (it == m_timelines.constEnd())
        return nullptr;
    const qsizetype position = storedPosition(*it, messageId);
    return position < 0 ? nullptr : &it->items.at(position);
}

const ChatMessage *MessageModel::findPending(qint64 roomId, const QString &clientId) const
{
    const auto it = m_timelines.constFind(roomId);
    if (it == m_timelines.constEnd() || clientId.isEmpty())
        return nullptr;
    for (qsizetype i = it->storedCount(); i < it->items.size(); ++i) {
        if (it->items.at(i).clientId == clientId)
            return &it->items.at(i);
    }
    return nullptr;
}

QList<ChatMessage> MessageModel::timeline(qint64 roomId) const
{
    return m_timelines.value(roomId).items;
}

int MessageModel::rowOf(qint64 messageId) const
{
    const auto it = m_timelines.constFind(m_roomId);
    if (m_roomId == 0 || it == m_timelines.constEnd())
        return -1;
    const qsizetype position = storedPosition(*it, messageId);
    return position < 0 ? -1 : rowFor(*it, position);
}

qint64 MessageModel::lastEditableId() const
{
    const auto it = m_timelines.constFind(m_roomId);
    if (m_roomId == 0 || it == m_timelines.constEnd() || m_localUserId == 0)
        return 0;
    for (qsizetype i = it->storedCount() - 1; i >= 0; --i) {
        const ChatMessage &message = it->items.at(i);
        if (message.author.id == m_localUserId && !message.deleted && message.type == u"text"_s)
            return message.id;
    }
    return 0;
}

void MessageModel::clear()
{
    beginResetModel();
    m_timelines.clear();
    endResetModel();
    Q_EMIT historyStateChanged();
    Q_EMIT countChanged();
}

} // namespace chat::ui
