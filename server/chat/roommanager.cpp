// SPDX-License-Identifier: MIT
#include "roommanager.h"

#include "logging.h"
#include "outbox.h"
#include "payload.h"
#include "storage/store.h"

using namespace Qt::StringLiterals;

namespace chat::domain {

using events::ClientEvent;
using events::ErrorCode;
using events::ServerEvent;

namespace {

constexpr int CatchUpLimit = 1000;
// How long a room read from the store is used without reading it again.
constexpr qint64 RoomTtlMs = 30'000;
// Bounds the memberships remembered; forgetting them only costs store writes.
constexpr qsizetype MaxKnownMembers = 500'000;

QString eventName(ServerEvent event)
{
    return events::name(event);
}

JsonArray messagesJson(const QList<storage::Message> &messages)
{
    JsonArray array;
    array.reserve(messages.size());
    for (const storage::Message &message : messages)
        array.append(messageJson(message));
    return array;
}

} // namespace

RoomManager::RoomManager(storage::Store *store, Outbox *outbox, const Limits &limits,
                         QObject *parent)
    : QObject(parent),
      m_store(store),
      m_outbox(outbox),
      m_limits(limits),
      m_rateLimiter(limits.messagesPerMinute, 60 * 1000),
      m_recent(limits.recentMessages)
{
    m_clock.start();
    const QString presence = eventName(ServerEvent::RoomPresence);
    connect(&m_presence, &RoomPresence::announce, this,
            [this, presence](qint64 roomId, const JsonObject &payload,
                             const QList<ConnectionId> &except) {
                Q_EMIT m_outbox->toChannelExcept(roomChannel(roomId), presence,
                                                 {JsonValue(payload)}, except);
            });
    connect(&m_presence, &RoomPresence::announceTo, this,
            [this, presence](ConnectionId connection, const JsonObject &payload) {
                Q_EMIT m_outbox->toConnection(connection, presence, {JsonValue(payload)});
            });
}

RoomManager::~RoomManager() = default;

bool RoomManager::handles(ClientEvent event)
{
    switch (event) {
    case ClientEvent::RoomList:
    case ClientEvent::RoomJoin:
    case ClientEvent::RoomLeave:
    case ClientEvent::RoomMembers:
    case ClientEvent::MessageSend:
    case ClientEvent::MessageEdit:
    case ClientEvent::MessageDelete:
    case ClientEvent::MessageHistory:
    case ClientEvent::RoomRead:
    case ClientEvent::TypingStart:
    case ClientEvent::TypingStop:
        return true;
    default:
        return false;
    }
}

void RoomManager::connectionOpened(const Connection &connection)
{
    m_connections.insert(connection.id, {connection, {}});
}

void RoomManager::connectionClosed(ConnectionId connection)
{
    const auto it = m_connections.find(connection);
    if (it == m_connections.end())
        return;
    const QSet<qint64> rooms = it->rooms;
    for (const qint64 roomId : rooms)
        leave(*it, roomId);
    m_connections.erase(it);
    m_rateLimiter.prune(m_clock.elapsed());
}

void RoomManager::handle(const Request &request)
{
    if (!m_connections.contains(request.connection.id))
        return;
    switch (request.event) {
    case ClientEvent::RoomList:
        return roomList(request);
    case ClientEvent::RoomJoin:
        return roomJoin(request);
    case ClientEvent::RoomLeave:
        return roomLeave(request);
    case ClientEvent::RoomMembers:
        return roomMembers(request);
    case ClientEvent::MessageSend:
        return messageSend(request);
    case ClientEvent::MessageEdit:
        return messageEdit(request);
    case ClientEvent::MessageDelete:
        return messageDelete(request);
    case ClientEvent::MessageHistory:
        return messageHistory(request);
    case ClientEvent::RoomRead:
        return roomRead(request);
    case ClientEvent::TypingStart:
        return typing(request, true);
    case ClientEvent::TypingStop:
        return typing(request, false);
    default:
        fail(request, ErrorCode::InvalidPayload, u"unknown event"_s);
    }
}

void RoomManager::fail(const Request &request, ErrorCode code, const QString &message)
{
    m_outbox->replyError(request, {code, message});
}

void RoomManager::fail(const Request &request, const storage::Error &error)
{
    if (error.kind == storage::ErrorKind::NotFound) {
        fail(request, ErrorCode::NotFound, u"not found"_s);
        return;
    }
    qCWarning(lcChat) << "storage failure:" << storage::errorKindName(error.kind) << error.message;
    fail(request, ErrorCode::ServerError, u"the server could not complete the request"_s);
}

bool RoomManager::hasJoined(ConnectionId connection, qint64 roomId) const
{
    const auto it = m_connections.constFind(connection);
    return it != m_connections.constEnd() && it->rooms.contains(roomId);
}

void RoomManager::roomList(const Request &request)
{
    m_store->listRooms(
            storage::RoomType::Community, false, this,
            [this, request](storage::Result<QList<storage::Room>> rooms) {
                if (!rooms)
                    return fail(request, rooms.error());
                m_store->unreadCounts(
                        request.connection.user.userId, this,
                        [this, request,
                         rooms = *rooms](storage::Result<QList<storage::UnreadCount>> unread) {
                            QHash<qint64, qint64> unreadByRoom;
                            if (unread) {
                                for (const storage::UnreadCount &count : *unread)
                                    unreadByRoom.insert(count.roomId, count.count);
                            }
                            JsonArray list;
                            list.reserve(rooms.size());
                            for (const storage::Room &room : rooms) {
                                JsonObject object = roomJson(room);
                                object.insert(u"online"_s, JsonValue(m_presence.total(room.id)));
                                object.insert(u"unread"_s, JsonValue(unreadByRoom.value(room.id)));
                                list.append(JsonValue(std::move(object)));
                            }
                            m_outbox->replyOk(request, {{u"rooms"_s, JsonValue(std::move(list))}});
                        });
            });
}

void RoomManager::roomJoin(const Request &request)
{
    Payload payload(request.payload);
    const bool bySlug = payload.contains(u"roomSlug"_s);
    const QString slug = payload.string(u"roomSlug"_s, false);
    const qint64 roomId = payload.id(u"roomId"_s, !bySlug);
    const qint64 since = payload.integer(u"since"_s, 0, (qint64(1) << 53) - 1, 0);
    if (!payload.isValid())
        return fail(request, ErrorCode::InvalidPayload, payload.error());

    findRoom(bySlug, slug, roomId, [this, request, since](storage::Result<storage::Room> room) {
        if (!room)
            return fail(request, room.error());
        if (!room->active)
            return fail(request, ErrorCode::NotFound, u"the room is archived"_s);
        if (room->type != storage::RoomType::Community)
            return fail(request, ErrorCode::Forbidden, u"not a community room"_s);
        const QPair<qint64, qint64> membership{room->id, request.connection.user.userId};
        if (m_knownMembers.contains(membership))
            return completeJoin(request, *room, since);
        m_store->joinRoom(room->id, request.connection.user.userId, auth::Role::Member, this,
                          [this, request, room = *room, since,
                           membership](storage::Result<storage::Member> member) {
                              if (!member)
                                  return fail(request, member.error());
                              if (m_knownMembers.size() >= MaxKnownMembers)
                                  m_knownMembers.clear();
                              m_knownMembers.insert(membership);
                              completeJoin(request, room, since);
                          });
    });
}

void RoomManager::findRoom(bool bySlug, const QString &slug, qint64 roomId,
                           const std::function<void(storage::Result<storage::Room>)> &done)
{
    const qint64 id = bySlug ? m_roomIdsBySlug.value(slug) : roomId;
    const auto cached = m_rooms.constFind(id);
    if (cached != m_rooms.cend() && m_clock.elapsed() - cached->readAt < RoomTtlMs)
        return done(cached->room);
    const auto remember = [this, done](storage::Result<storage::Room> room) {
        if (room) {
            m_rooms.insert(room->id, {*room, m_clock.elapsed()});
            m_roomIdsBySlug.insert(room->slug, room->id);
        }
        done(std::move(room));
    };
    if (bySlug)
        m_store->roomBySlug(slug, this, remember);
    else
        m_store->roomById(roomId, this, remember);
}

void RoomManager::completeJoin(const Request &request, const storage::Room &room, qint64 since)
{
    const auto state = m_connections.find(request.connection.id);
    if (state == m_connections.end())
        return;
    // Subscribed before the history is read: a message stored meanwhile may arrive twice (as
    // message:new and in the history), never not at all. Clients drop duplicates by id.
    if (!state->rooms.contains(room.id)) {
        state->rooms.insert(room.id);
        Q_EMIT m_outbox->subscribe(request.connection.id, roomChannel(room.id));
        m_presence.add(room.id, request.connection.ref(), request.connection.id);
    }
    if (const auto kept = since > 0 ? m_recent.after(room.id, since, CatchUpLimit)
                                    : m_recent.newest(room.id, m_limits.historyPage)) {
        return sendJoined(request, room, *kept);
    }
    const auto onPage = [this, request, room, since](storage::Result<storage::MessagePage> page) {
        if (!page)
            return fail(request, page.error());
        if (since == 0)
            m_recent.seed(room.id, *page);
        else
            m_recent.seedAfter(room.id, since, *page);
        sendJoined(request, room, *page);
    };
    if (since > 0)
        m_store->messagesAfter(room.id, since, CatchUpLimit, this, onPage);
    else
        m_store->history(room.id, 0, m_limits.historyPage, this, onPage);
}

void RoomManager::sendJoined(const Request &request, const storage::Room &room,
                             const storage::MessagePage &page)
{
    const ConnectionId id = request.connection.id;
    Q_EMIT m_outbox->toConnection(
            id, eventName(ServerEvent::RoomHistory),
            {JsonObject{{u"roomId"_s, JsonValue(room.id)},
                        {u"messages"_s, JsonValue(messagesJson(page.messages))},
                        {u"hasMore"_s, JsonValue(page.hasMore)}}});
    Q_EMIT m_outbox->toConnection(id, eventName(ServerEvent::RoomUsers),
                                  {JsonObject{{u"roomId"_s, JsonValue(room.id)},
                                              {u"users"_s, m_presence.firstPage(room.id)},
                                              {u"total"_s, JsonValue(m_presence.total(room.id))}}});
    m_outbox->replyOk(request, {{u"room"_s, JsonValue(roomJson(room))}});
}

void RoomManager::authorsChanged()
{
    // Rare (a name or avatar changed on the host site): every window reloads from the store.
    m_recent.clear();
}

void RoomManager::roomLeave(const Request &request)
{
    Payload payload(request.payload);
    const qint64 roomId = payload.id(u"roomId"_s, true);
    if (!payload.isValid())
        return fail(request, ErrorCode::InvalidPayload, payload.error());
    const auto state = m_connections.find(request.connection.id);
    if (!state->rooms.contains(roomId))
        return fail(request, ErrorCode::NotFound, u"not in that room"_s);
    leave(*state, roomId);
    m_outbox->replyOk(request);
}

void RoomManager::leave(ConnectionState &state, qint64 roomId)
{
    state.rooms.remove(roomId);
    Q_EMIT m_outbox->unsubscribe(state.connection.id, roomChannel(roomId));
    const qint64 userId = state.connection.user.userId;
    if (m_presence.remove(roomId, userId, state.connection.id)) {
        // The user's last connection left: a typing indicator would otherwise stay on.
        m_typingShown.remove({roomId, userId});
        if (m_typing.remove({roomId, userId})) {
            Q_EMIT m_outbox->toChannel(roomChannel(roomId), eventName(ServerEvent::TypingHide),
                                       {JsonObject{{u"roomId"_s, JsonValue(roomId)},
                                                   {u"user"_s, userJson(state.connection.ref())}}},
                                       0);
        }
    }
}

void RoomManager::roomMembers(const Request &request)
{
    Payload payload(request.payload);
    const qint64 roomId = payload.id(u"roomId"_s, true);
    const qint64 offset = payload.integer(u"offset"_s, 0, std::numeric_limits<int>::max(), 0);
    const qint64 limit = payload.integer(u"limit"_s, 1, m_limits.maxPage, m_limits.maxPage);
    if (!payload.isValid())
        return fail(request, ErrorCode::InvalidPayload, payload.error());
    m_outbox->replyOk(
            request,
            {{u"users"_s, JsonValue(usersJson(m_presence.users(roomId, int(offset), int(limit))))},
             {u"total"_s, JsonValue(m_presence.total(roomId))}});
}

void RoomManager::messageSend(const Request &request)
{
    Payload payload(request.payload);
    storage::NewMessage message;
    message.roomId = payload.id(u"roomId"_s, true);
    const QString text = payload.string(u"message"_s, true);
    const QString type = payload.string(u"type"_s, false, u"text"_s);
    message.replyTo = payload.id(u"replyTo"_s, false);
    message.clientId = payload.string(u"clientId"_s, false);
    if (!payload.isValid())
        return fail(request, ErrorCode::InvalidPayload, payload.error());
    const std::optional<storage::MessageType> messageType = storage::parseMessageType(type);
    if (!messageType)
        return fail(request, ErrorCode::InvalidPayload, u"type must be text, image or link"_s);
    if (*messageType == storage::MessageType::System)
        return fail(request, ErrorCode::Forbidden, u"system messages come from the server"_s);
    message.type = *messageType;
    message.text = text.trimmed();
    if (message.text.isEmpty())
        return fail(request, ErrorCode::InvalidPayload, u"the message is empty"_s);
    if (message.text.size() > m_limits.maxMessageLength)
        return fail(request, ErrorCode::MessageTooLong,
                    u"a message has at most %1 characters"_s.arg(m_limits.maxMessageLength));
    if (message.clientId.size() > m_limits.maxClientIdLength)
        return fail(request, ErrorCode::InvalidPayload,
                    u"clientId has at most %1 characters"_s.arg(m_limits.maxClientIdLength));
    if (!hasJoined(request.connection.id, message.roomId))
        return fail(request, ErrorCode::Forbidden, u"join the room first"_s);
    message.userId = request.connection.user.userId;
    // Only stored messages count towards the limit; one in flight holds its place so that a
    // burst cannot overshoot, and gives it back if it is refused.
    if (!m_rateLimiter.tryReserve(message.userId, m_clock.elapsed()))
        return fail(request, ErrorCode::RateLimited,
                    u"at most %1 messages a minute"_s.arg(m_rateLimiter.limit()));

    if (message.replyTo == 0)
        return storeMessage(request, message);
    m_store->messageById(message.replyTo, this,
                         [this, request, message](storage::Result<storage::Message> original) {
                             if (!original || original->roomId != message.roomId) {
                                 m_rateLimiter.release(message.userId);
                                 if (!original
                                     && original.error().kind != storage::ErrorKind::NotFound)
                                     return fail(request, original.error());
                                 return fail(request, ErrorCode::InvalidPayload,
                                             u"replyTo is not a message of this room"_s);
                             }
                             storeMessage(request, message);
                         });
}

void RoomManager::storeMessage(const Request &request, const storage::NewMessage &message)
{
    m_store->appendMessage(
            message, this, [this, request](storage::Result<storage::AppendResult> result) {
                const qint64 userId = request.connection.user.userId;
                if (!result || result->duplicate)
                    m_rateLimiter.release(userId);
                else
                    m_rateLimiter.commit(userId, m_clock.elapsed());
                if (!result)
                    return fail(request, result.error());
                storage::Message stored = result->message;
                stored.author = request.connection.ref();
                if (!result->duplicate) {
                    m_recent.append(stored);
                    Q_EMIT m_outbox->toChannel(roomChannel(stored.roomId),
                                               eventName(ServerEvent::MessageNew),
                                               {messageJson(stored)}, 0);
                    Q_EMIT messageAnnounced(stored.roomId, m_clock.elapsed() - request.receivedAt);
                }
                m_outbox->replyOk(
                        request,
                        {{u"id"_s, JsonValue(stored.id)},
                         {u"created_at"_s, JsonValue(storage::formatTimestamp(stored.createdAt))}});
            });
}

void RoomManager::messageEdit(const Request &request)
{
    Payload payload(request.payload);
    const qint64 messageId = payload.id(u"id"_s, true);
    const QString text = payload.string(u"message"_s, true).trimmed();
    if (!payload.isValid())
        return fail(request, ErrorCode::InvalidPayload, payload.error());
    if (text.isEmpty())
        return fail(request, ErrorCode::InvalidPayload, u"the message is empty"_s);
    if (text.size() > m_limits.maxMessageLength)
        return fail(request, ErrorCode::MessageTooLong,
                    u"a message has at most %1 characters"_s.arg(m_limits.maxMessageLength));
    m_store->messageById(
            messageId, this,
            [this, request, messageId, text](storage::Result<storage::Message> original) {
                if (!original)
                    return fail(request, original.error());
                if (original->deleted)
                    return fail(request, ErrorCode::NotFound, u"the message was deleted"_s);
                if (original->author.id != request.connection.user.userId)
                    return fail(request, ErrorCode::Forbidden, u"only the author can edit"_s);
                m_store->editMessage(
                        messageId, text, this,
                        [this, request](storage::Result<storage::Message> edited) {
                            if (!edited)
                                return fail(request, edited.error());
                            m_recent.update(*edited);
                            const JsonObject object = messageJson(*edited);
                            Q_EMIT m_outbox->toChannel(roomChannel(edited->roomId),
                                                       eventName(ServerEvent::MessageUpdated),
                                                       {object}, 0);
                            m_outbox->replyOk(request, {{u"message"_s, JsonValue(object)}});
                        });
            });
}

void RoomManager::messageDelete(const Request &request)
{
    Payload payload(request.payload);
    const qint64 messageId = payload.id(u"id"_s, true);
    if (!payload.isValid())
        return fail(request, ErrorCode::InvalidPayload, payload.error());
    m_store->messageById(
            messageId, this,
            [this, request, messageId](storage::Result<storage::Message> original) {
                if (!original)
                    return fail(request, original.error());
                if (original->author.id != request.connection.user.userId
                    && !request.connection.isModerator())
                    return fail(request, ErrorCode::Forbidden,
                                u"only the author or a moderator can delete"_s);
                if (original->deleted)
                    return m_outbox->replyOk(request);
                m_store->deleteMessage(
                        messageId, this, [this, request](storage::Result<storage::Message> gone) {
                            if (!gone)
                                return fail(request, gone.error());
                            m_recent.update(*gone);
                            Q_EMIT m_outbox->toChannel(
                                    roomChannel(gone->roomId),
                                    eventName(ServerEvent::MessageDeleted),
                                    {JsonObject{{u"id"_s, JsonValue(gone->id)},
                                                {u"roomId"_s, JsonValue(gone->roomId)}}},
                                    0);
                            m_outbox->replyOk(request);
                        });
            });
}

void RoomManager::messageHistory(const Request &request)
{
    Payload payload(request.payload);
    const qint64 roomId = payload.id(u"roomId"_s, true);
    const qint64 before = payload.id(u"before"_s, false);
    const qint64 limit = payload.integer(u"limit"_s, 1, m_limits.maxPage, m_limits.historyPage);
    if (!payload.isValid())
        return fail(request, ErrorCode::InvalidPayload, payload.error());
    const auto read = [this, request, roomId, before, limit] {
        m_store->history(roomId, before, int(limit), this,
                         [this, request](storage::Result<storage::MessagePage> page) {
                             if (!page)
                                 return fail(request, page.error());
                             m_outbox->replyOk(
                                     request,
                                     {{u"messages"_s, JsonValue(messagesJson(page->messages))},
                                      {u"hasMore"_s, JsonValue(page->hasMore)}});
                         });
    };
    if (hasJoined(request.connection.id, roomId))
        return read();
    m_store->isMember(roomId, request.connection.user.userId, this,
                      [this, request, read](storage::Result<bool> member) {
                          if (!member)
                              return fail(request, member.error());
                          if (!*member)
                              return fail(request, ErrorCode::Forbidden, u"not a member"_s);
                          read();
                      });
}

void RoomManager::roomRead(const Request &request)
{
    Payload payload(request.payload);
    const qint64 roomId = payload.id(u"roomId"_s, true);
    const qint64 messageId = payload.id(u"messageId"_s, true);
    if (!payload.isValid())
        return fail(request, ErrorCode::InvalidPayload, payload.error());
    const qint64 userId = request.connection.user.userId;
    m_store->setLastRead(roomId, userId, messageId, this,
                         [this, request, roomId, userId, messageId](storage::Result<bool> moved) {
                             if (!moved)
                                 return fail(request, moved.error());
                             if (*moved) {
                                 Q_EMIT m_outbox->toChannel(
                                         roomChannel(roomId),
                                         eventName(ServerEvent::RoomReadReceipt),
                                         {JsonObject{{u"roomId"_s, JsonValue(roomId)},
                                                     {u"userId"_s, JsonValue(userId)},
                                                     {u"messageId"_s, JsonValue(messageId)}}},
                                         request.connection.id);
                             }
                             m_outbox->replyOk(request);
                         });
}

void RoomManager::typing(const Request &request, bool start)
{
    Payload payload(request.payload);
    const qint64 roomId = payload.id(u"roomId"_s, true);
    if (!payload.isValid())
        return fail(request, ErrorCode::InvalidPayload, payload.error());
    if (!hasJoined(request.connection.id, roomId))
        return fail(request, ErrorCode::Forbidden, u"join the room first"_s);
    const QPair<qint64, qint64> key{roomId, request.connection.user.userId};
    const qint64 now = m_clock.elapsed();
    bool announce = true;
    if (start) {
        // At most one typing:show per user and room every interval, whatever stops came
        // in between.
        const auto last = m_typingShown.constFind(key);
        announce = last == m_typingShown.constEnd() || now - *last >= m_limits.typingIntervalMs;
        if (announce) {
            m_typingShown.insert(key, now);
            m_typing.insert(key);
        }
    } else {
        announce = m_typing.remove(key);
    }
    if (announce) {
        Q_EMIT m_outbox->toChannel(
                roomChannel(roomId),
                eventName(start ? ServerEvent::TypingShow : ServerEvent::TypingHide),
                {JsonObject{{u"roomId"_s, JsonValue(roomId)},
                            {u"user"_s, userJson(request.connection.ref())}}},
                request.connection.id);
    }
    m_outbox->replyOk(request);
}

} // namespace chat::domain
