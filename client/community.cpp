// SPDX-License-Identifier: MIT
#include "community.h"

#include "logging.h"
#include "session.h"

#include <QtCore/QSettings>
#include <QtCore/QUuid>
#include <QtQml/QQmlEngine>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace chat::ui {

namespace {

const QString LastRoomKey = u"community/lastRoom"_s;
const QString DefaultRoom = u"general"_s;

constexpr auto AckTimeout = 15s;
//! Others keep showing "is typing" this long after the last typing:show (the server repeats
//! it at most every 2 s while the user types).
constexpr qint64 TypingShownMs = 6000;
//! typing:start is repeated this often while the user keeps typing.
constexpr qint64 TypingRepeatMs = 2500;
constexpr auto TypingIdle = 4s;
constexpr int HistoryPage = 50;
//! Online counts of rooms not joined come from room:list only.
constexpr auto RoomListRefresh = 60s;

JsonValue payloadOf(const JsonArray &args)
{
    return args.isEmpty() ? JsonValue() : args.first();
}

} // namespace

Community *Community::s_instance = nullptr;

Community::Community(Session *session, QSettings *settings, QObject *parent)
    : QObject(parent),
      m_session(session),
      m_settings(settings),
      m_rooms(new RoomListModel(this)),
      m_messages(new MessageModel(this)),
      m_users(new UserListModel(this))
{
    Q_ASSERT(!s_instance);
    s_instance = this;
    m_clock.start();

    SocketIoClient *client = m_session->client();
    connect(client, &SocketIoClient::connected, this, &Community::onConnected);
    connect(client, &SocketIoClient::disconnected, this, &Community::onDisconnected);
    connect(client, &SocketIoClient::eventReceived, this, &Community::onEvent);
    connect(m_session, &Session::signedIn, this, &Community::onSignedIn);
    connect(m_session, &Session::signedOut, this, &Community::onSignedOut);
    connect(m_session, &Session::userChanged, this, [this] {
        m_messages->setLocalUserId(m_session->userId());
        m_users->setLocalUserId(m_session->userId());
    });
    connect(m_users, &UserListModel::roomTotalChanged, m_rooms, &RoomListModel::setOnline);
    connect(m_rooms, &RoomListModel::roomChanged, this, [this](qint64 roomId) {
        if (roomId == m_currentRoomId)
            Q_EMIT currentRoomChanged();
    });

    m_readTimer.setSingleShot(true);
    m_readTimer.setInterval(400);
    connect(&m_readTimer, &QTimer::timeout, this, &Community::sendRead);
    m_typingIdle.setSingleShot(true);
    m_typingIdle.setInterval(TypingIdle);
    connect(&m_typingIdle, &QTimer::timeout, this, &Community::stopComposing);
    m_typingExpiry.setSingleShot(true);
    connect(&m_typingExpiry, &QTimer::timeout, this, &Community::expireTypists);
    m_roomListTimer.setInterval(RoomListRefresh);
    connect(&m_roomListTimer, &QTimer::timeout, this, &Community::requestRooms);

    m_messages->setLocalUserId(m_session->userId());
    m_users->setLocalUserId(m_session->userId());
}

Community::~Community()
{
    m_session->client()->disconnect(this);
    if (s_instance == this)
        s_instance = nullptr;
}

Community *Community::create(QQmlEngine *engine, QJSEngine *)
{
    Q_ASSERT(s_instance);
    Q_ASSERT(engine->thread() == s_instance->thread());
    QJSEngine::setObjectOwnership(s_instance, QJSEngine::CppOwnership);
    return s_instance;
}

Community *Community::instance()
{
    return s_instance;
}

QString Community::currentRoomName() const
{
    const std::optional<ChatRoom> room = m_rooms->room(m_currentRoomId);
    return room ? room->name : QString();
}

QString Community::currentRoomDescription() const
{
    const std::optional<ChatRoom> room = m_rooms->room(m_currentRoomId);
    return room ? room->description : QString();
}

QString Community::currentRoomIcon() const
{
    const int row = m_rooms->rowOf(m_currentRoomId);
    return row < 0 ? QString()
                   : m_rooms->data(m_rooms->index(row), RoomListModel::IconTextRole).toString();
}

bool Community::currentRoomIconIsEmoji() const
{
    const int row = m_rooms->rowOf(m_currentRoomId);
    return row >= 0 && m_rooms->data(m_rooms->index(row), RoomListModel::IconIsEmojiRole).toBool();
}

void Community::setRoomVisible(bool visible)
{
    if (visible == m_roomVisible)
        return;
    m_roomVisible = visible;
    Q_EMIT roomVisibleChanged();
    if (visible)
        scheduleRead();
}

QStringList Community::typingNames() const
{
    QStringList names;
    const QList<Typist> typists = m_typists.value(m_currentRoomId);
    for (const Typist &typist : typists)
        names.append(typist.name);
    return names;
}

bool Community::isOnline() const
{
    return m_session->client()->isConnected(sio::MainNamespace);
}

bool Community::isJoined(qint64 roomId) const
{
    return m_roomStates.value(roomId).joined;
}

void Community::onSignedIn()
{
    m_messages->setLocalUserId(m_session->userId());
    m_users->setLocalUserId(m_session->userId());
    if (m_currentRoomId == 0 && m_wantedSlug.isEmpty())
        m_wantedSlug = m_settings->value(LastRoomKey, DefaultRoom).toString();
}

void Community::onSignedOut()
{
    m_readTimer.stop();
    m_roomListTimer.stop();
    m_typingIdle.stop();
    m_typingExpiry.stop();
    m_typingSent = false;
    m_roomStates.clear();
    m_outbox.clear();
    m_drafts.clear();
    m_readSent.clear();
    m_typists.clear();
    m_wantedSlug.clear();
    m_currentRoomId = 0;
    m_messages->setRoomId(0);
    m_users->setRoomId(0);
    m_messages->clear();
    m_users->forget();
    m_rooms->clear();
    if (m_roomsLoaded) {
        m_roomsLoaded = false;
        Q_EMIT roomsLoadedChanged();
    }
    Q_EMIT currentRoomChanged();
    Q_EMIT typingChanged();
    Q_EMIT pendingCountChanged();
}

void Community::onConnected(const QString &nsp)
{
    if (nsp != sio::MainNamespace)
        return;
    m_offlineNoticeShown = false;
    requestRooms();
    m_roomListTimer.start();
    for (auto it = m_roomStates.begin(); it != m_roomStates.end(); ++it) {
        if (it->wanted)
            join(it.key());
    }
    if (m_currentRoomId != 0 && !m_roomStates.value(m_currentRoomId).joining)
        join(m_currentRoomId);
}

void Community::onDisconnected(const QString &nsp)
{
    if (nsp != sio::MainNamespace)
        return;
    m_roomListTimer.stop();
    for (RoomState &state : m_roomStates) {
        state.joined = false;
        state.joining = false;
    }
    // The server forgets typing with the connection; so do we.
    m_typists.clear();
    m_typingSent = false;
    Q_EMIT typingChanged();
}

void Community::emitChecked(const QString &event, const JsonObject &payload,
                            std::function<void(const JsonValue &result)> onOk)
{
    QPointer<Community> self(this);
    m_session->client()->emitWithAck(
            sio::MainNamespace, event, {JsonValue(payload)},
            [self, onOk = std::move(onOk)](const JsonArray &args) {
                if (!self)
                    return;
                const JsonValue answer = payloadOf(args);
                if (answer[u"ok"].toBool()) {
                    if (onOk)
                        onOk(answer);
                    return;
                }
                const auto [kind, text] = describeError(answer[u"error"]);
                Q_EMIT self->errorOccurred(kind, text);
            },
            AckTimeout,
            [self](SocketIoClient::AckError error) {
                if (!self)
                    return;
                if (error == SocketIoClient::AckError::Timeout)
                    Q_EMIT self->errorOccurred(ErrorKind::NoAnswer, noAnswerText());
                else
                    Q_EMIT self->errorOccurred(
                            ErrorKind::Offline,
                            tr("The connection was lost before the server answered. Try again."));
            });
}

void Community::requestRooms()
{
    QPointer<Community> self(this);
    m_session->client()->emitWithAck(
            sio::MainNamespace, u"room:list"_s, {},
            [self](const JsonArray &args) {
                if (!self)
                    return;
                const JsonValue answer = payloadOf(args);
                if (!answer[u"ok"].toBool()) {
                    const auto [kind, text] = describeError(answer[u"error"]);
                    Q_EMIT self->errorOccurred(kind, text);
                    return;
                }
                QList<ChatRoom> rooms;
                const JsonArray list = answer[u"rooms"].toArray();
                for (const JsonValue &item : list) {
                    if (std::optional<ChatRoom> room = ChatRoom::fromJson(item)) {
                        // Counts of joined rooms are kept live by presence and messages.
                        if (const std::optional<ChatRoom> known = self->m_rooms->room(room->id);
                            known && self->isJoined(room->id)) {
                            room->online = known->online;
                            room->unread = known->unread;
                        }
                        rooms.append(*room);
                    }
                }
                self->m_rooms->setRooms(rooms);
                if (!self->m_roomsLoaded) {
                    self->m_roomsLoaded = true;
                    Q_EMIT self->roomsLoadedChanged();
                }
                if (self->m_currentRoomId == 0 && !self->m_wantedSlug.isEmpty()) {
                    qint64 id = self->m_rooms->idForSlug(self->m_wantedSlug);
                    if (id == 0)
                        id = self->m_rooms->idForSlug(DefaultRoom);
                    if (id == 0 && self->m_rooms->count() > 0)
                        id = self->m_rooms->data(self->m_rooms->index(0), RoomListModel::RoomIdRole)
                                     .toLongLong();
                    self->m_wantedSlug.clear();
                    if (id != 0)
                        self->openRoom(id);
                }
                Q_EMIT self->currentRoomChanged();
            },
            AckTimeout,
            [self](SocketIoClient::AckError error) {
                if (self && error == SocketIoClient::AckError::Timeout)
                    Q_EMIT self->errorOccurred(ErrorKind::NoAnswer, noAnswerText());
            });
}

void Community::join(qint64 roomId)
{
    RoomState &state = m_roomStates[roomId];
    if (state.joining || !isOnline())
        return;
    state.joining = true;
    state.wanted = true;
    state.since = m_messages->newestId(roomId);
    JsonObject payload{{u"roomId"_s, roomId}};
    if (state.since > 0)
        payload.insert(u"since"_s, state.since);
    qCDebug(lcUiCommunity) << "joining room" << roomId << "since" << state.since;

    QPointer<Community> self(this);
    m_session->client()->emitWithAck(
            sio::MainNamespace, u"room:join"_s, {JsonValue(payload)},
            [self, roomId](const JsonArray &args) {
                if (!self)
                    return;
                RoomState &state = self->m_roomStates[roomId];
                state.joining = false;
                const JsonValue answer = payloadOf(args);
                if (!answer[u"ok"].toBool()) {
                    state.wanted = false;
                    const auto [kind, text] = describeError(answer[u"error"]);
                    Q_EMIT self->errorOccurred(kind, text);
                    return;
                }
                state.joined = true;
                if (state.catchUpIncomplete) {
                    // More messages were missed than one catch-up carries: ask again from
                    // the newest one now stored.
                    state.catchUpIncomplete = false;
                    self->join(roomId);
                }
                if (std::optional<ChatRoom> room = ChatRoom::fromJson(answer[u"room"]))
                    self->m_rooms->updateRoom(*room);
                self->m_messages->setLoaded(roomId, true);
                self->flushOutbox(roomId);
                if (roomId == self->m_currentRoomId)
                    self->scheduleRead();
            },
            AckTimeout,
            [self, roomId](SocketIoClient::AckError error) {
                if (!self)
                    return;
                self->m_roomStates[roomId].joining = false;
                if (error == SocketIoClient::AckError::Timeout)
                    Q_EMIT self->errorOccurred(ErrorKind::NoAnswer, noAnswerText());
            });
}

void Community::onEvent(const QString &nsp, const QString &event, const JsonArray &args,
                        qint64 ackId)
{
    Q_UNUSED(ackId)
    if (nsp != sio::MainNamespace)
        return;
    const JsonValue payload = payloadOf(args);
    if (event == u"message:new"_s) {
        onMessageNew(payload);
    } else if (event == u"message:updated"_s) {
        onMessageUpdated(payload);
    } else if (event == u"message:deleted"_s) {
        m_messages->markDeleted(payload[u"roomId"].toInteger(), payload[u"id"].toInteger());
    } else if (event == u"room:history"_s) {
        onHistory(payload);
    } else if (event == u"room:users"_s) {
        m_users->setUsers(payload[u"roomId"].toInteger(), usersFromJson(payload[u"users"]),
                          payload[u"total"].toInteger());
    } else if (event == u"room:presence"_s) {
        QList<qint64> left;
        const JsonArray leftIds = payload[u"left"].toArray();
        for (const JsonValue &id : leftIds)
            left.append(id.toInteger());
        m_users->applyPresence(payload[u"roomId"].toInteger(), usersFromJson(payload[u"joined"]),
                               left,
                               payload[u"total"].isInteger() ? payload[u"total"].toInteger() : -1);
    } else if (event == u"typing:show"_s) {
        onTypingEvent(payload, true);
    } else if (event == u"typing:hide"_s) {
        onTypingEvent(payload, false);
    } else if (event == u"chat:error"_s) {
        const auto [kind, text] = describeError(payload);
        Q_EMIT errorOccurred(kind, text);
    }
}

void Community::onHistory(const JsonValue &payload)
{
    const qint64 roomId = payload[u"roomId"].toInteger();
    if (roomId <= 0)
        return;
    const QList<ChatMessage> messages = messagesFromJson(payload[u"messages"]);
    const bool hasMore = payload[u"hasMore"].toBool();
    RoomState &state = m_roomStates[roomId];
    const bool catchUp = state.since > 0;
    qCDebug(lcUiCommunity) << "history of room" << roomId << messages.size() << "messages"
                           << (catchUp ? "after" : "latest") << state.since;
    for (const ChatMessage &message : messages)
        forgetOutgoing(roomId, message.clientId);
    m_messages->addMessages(messages);
    if (catchUp) {
        state.catchUpIncomplete = hasMore && !messages.isEmpty();
    } else {
        m_messages->setHasMore(roomId, hasMore);
    }
}

void Community::onMessageNew(const JsonValue &payload)
{
    const std::optional<ChatMessage> message = ChatMessage::fromJson(payload);
    if (!message)
        return;
    const bool known = m_messages->find(message->roomId, message->id) != nullptr;
    const bool own = message->author.id == m_session->userId();
    forgetOutgoing(message->roomId, own ? message->clientId : QString());
    m_messages->upsert(*message);

    auto typists = m_typists.find(message->roomId);
    if (typists != m_typists.end()) {
        const qsizetype before = typists->size();
        typists->removeIf([&](const Typist &t) { return t.userId == message->author.id; });
        if (typists->size() != before && message->roomId == m_currentRoomId)
            Q_EMIT typingChanged();
    }

    if (known || own)
        return;
    if (message->roomId == m_currentRoomId && m_roomVisible)
        scheduleRead();
    else
        m_rooms->addUnread(message->roomId);
}

void Community::onMessageUpdated(const JsonValue &payload)
{
    const std::optional<ChatMessage> message = ChatMessage::fromJson(payload);
    // An edit of a message older than what is loaded would show up out of place.
    if (message && m_messages->find(message->roomId, message->id))
        m_messages->upsert(*message);
}

void Community::onTypingEvent(const JsonValue &payload, bool typing)
{
    const qint64 roomId = payload[u"roomId"].toInteger();
    const std::optional<ChatUser> user = ChatUser::fromJson(payload[u"user"]);
    if (roomId <= 0 || !user || user->id == m_session->userId())
        return;
    QList<Typist> &typists = m_typists[roomId];
    const auto it = std::find_if(typists.begin(), typists.end(),
                                 [&](const Typist &t) { return t.userId == user->id; });
    bool changed = false;
    if (typing) {
        const qint64 expiresAt = m_clock.elapsed() + TypingShownMs;
        if (it == typists.end()) {
            typists.append({user->id, user->name, expiresAt});
            changed = true;
        } else {
            it->expiresAt = expiresAt;
            changed = it->name != user->name;
            it->name = user->name;
        }
    } else if (it != typists.end()) {
        typists.erase(it);
        changed = true;
    }
    if (changed && roomId == m_currentRoomId)
        Q_EMIT typingChanged();
    expireTypists();
}

void Community::expireTypists()
{
    const qint64 now = m_clock.elapsed();
    qint64 next = -1;
    bool changed = false;
    for (auto it = m_typists.begin(); it != m_typists.end(); ++it) {
        const qsizetype before = it->size();
        it->removeIf([now](const Typist &t) { return t.expiresAt <= now; });
        changed = changed || (it.key() == m_currentRoomId && it->size() != before);
        for (const Typist &typist : std::as_const(*it))
            next = next < 0 ? typist.expiresAt : qMin(next, typist.expiresAt);
    }
    if (next >= 0)
        m_typingExpiry.start(int(qMax<qint64>(50, next - now)));
    if (changed)
        Q_EMIT typingChanged();
}

void Community::openRoomBySlug(const QString &slug)
{
    const qint64 id = m_rooms->idForSlug(slug);
    if (id != 0)
        openRoom(id);
    else
        m_wantedSlug = slug;
}

void Community::openRoom(qint64 roomId)
{
    if (roomId <= 0)
        return;
    if (roomId != m_currentRoomId) {
        stopComposing();
        m_currentRoomId = roomId;
        m_messages->setRoomId(roomId);
        m_users->setRoomId(roomId);
        m_rooms->setCurrentRoomId(roomId);
        if (const std::optional<ChatRoom> room = m_rooms->room(roomId))
            m_settings->setValue(LastRoomKey, room->slug);
        Q_EMIT currentRoomChanged();
        Q_EMIT typingChanged();
    }
    const RoomState state = m_roomStates.value(roomId);
    if (!state.joined && !state.joining)
        join(roomId);
    scheduleRead();
}

bool Community::sendMessage(const QString &text, qint64 replyTo)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty() || m_currentRoomId == 0)
        return false;
    if (trimmed.size() > MaxMessageLength) {
        Q_EMIT errorOccurred(
                ErrorKind::TooLong,
                tr("This message is too long: at most %1 characters.").arg(MaxMessageLength));
        return false;
    }
    ChatMessage message;
    message.roomId = m_currentRoomId;
    message.author = {m_session->userId(), m_session->userName(), m_session->userAvatar()};
    message.text = trimmed;
    message.replyTo = replyTo > 0 ? replyTo : 0;
    message.clientId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    message.createdAt = QDateTime::currentDateTimeUtc();
    message.delivery = DeliveryState::Pending;
    m_messages->addPending(message);
    m_outbox.append({message.roomId, message.clientId, message.text, message.replyTo, false});
    Q_EMIT pendingCountChanged();
    stopComposing();
    m_drafts.remove(m_currentRoomId);
    if (!isOnline() || !isJoined(m_currentRoomId))
        notifyOffline();
    flushOutbox(m_currentRoomId);
    return true;
}

void Community::notifyOffline()
{
    if (m_offlineNoticeShown || isOnline())
        return;
    m_offlineNoticeShown = true;
    Q_EMIT errorOccurred(ErrorKind::Offline,
                         tr("You are offline. Your messages will be sent when the connection is "
                            "back."));
}

void Community::forgetOutgoing(qint64 roomId, const QString &clientId)
{
    if (clientId.isEmpty())
        return;
    const qsizetype removed = m_outbox.removeIf([&](const Outgoing &o) {
        return o.roomId == roomId && o.clientId == clientId && !o.inFlight;
    });
    if (removed > 0)
        Q_EMIT pendingCountChanged();
}

void Community::flushOutbox(qint64 roomId)
{
    if (!isOnline() || !isJoined(roomId))
        return;
    // One message of a room in flight at a time keeps them in the order typed.
    for (qsizetype i = 0; i < m_outbox.size(); ++i) {
        if (m_outbox.at(i).roomId != roomId)
            continue;
        if (!m_outbox.at(i).inFlight)
            sendOutgoing(i);
        return;
    }
}

void Community::sendOutgoing(qsizetype index)
{
    Outgoing &outgoing = m_outbox[index];
    outgoing.inFlight = true;
    JsonObject payload{
            {u"roomId"_s, outgoing.roomId}, {u"message"_s, outgoing.text}, {u"type"_s, u"text"_s}};
    if (outgoing.replyTo > 0)
        payload.insert(u"replyTo"_s, outgoing.replyTo);
    payload.insert(u"clientId"_s, outgoing.clientId);

    const qint64 roomId = outgoing.roomId;
    const QString clientId = outgoing.clientId;
    const auto find = [this, clientId]() -> Outgoing * {
        for (Outgoing &o : m_outbox) {
            if (o.clientId == clientId)
                return &o;
        }
        return nullptr;
    };
    QPointer<Community> self(this);
    m_session->client()->emitWithAck(
            sio::MainNamespace, u"message:send"_s, {JsonValue(payload)},
            [self, roomId, clientId](const JsonArray &args) {
                if (!self)
                    return;
                const JsonValue answer = payloadOf(args);
                const ChatMessage *pending = self->m_messages->findPending(roomId, clientId);
                if (answer[u"ok"].toBool()) {
                    if (pending) {
                        // The stored copy is known from the acknowledgement; message:new may
                        // still be on its way and will replace it with the same id.
                        ChatMessage stored = *pending;
                        stored.id = answer[u"id"].toInteger();
                        const QDateTime createdAt
                                = parseProtocolTime(answer[u"created_at"].toString());
                        if (createdAt.isValid())
                            stored.createdAt = createdAt;
                        stored.delivery = DeliveryState::Sent;
                        self->m_messages->upsert(stored);
                    }
                } else {
                    const auto [kind, text] = describeError(answer[u"error"]);
                    self->m_messages->setDelivery(roomId, clientId, DeliveryState::Failed, text);
                    Q_EMIT self->errorOccurred(kind, text);
                }
                self->m_outbox.removeIf([&](const Outgoing &o) { return o.clientId == clientId; });
                Q_EMIT self->pendingCountChanged();
                self->flushOutbox(roomId);
            },
            AckTimeout,
            [self, roomId, find](SocketIoClient::AckError error) {
                if (!self)
                    return;
                if (Outgoing *outgoing = find())
                    outgoing->inFlight = false;
                // After a lost connection the room is joined again first; then the outbox is
                // flushed. A timeout on a live connection is retried shortly with the same
                // clientId, which the server stores only once.
                if (error == SocketIoClient::AckError::Timeout)
                    QTimer::singleShot(2s, self, [self, roomId] {
                        if (self)
                            self->flushOutbox(roomId);
                    });
            });
}

void Community::retryMessage(const QString &clientId)
{
    const ChatMessage *message = m_messages->findPending(m_currentRoomId, clientId);
    if (!message || message->delivery != DeliveryState::Failed)
        return;
    const Outgoing outgoing{message->roomId, message->clientId, message->text, message->replyTo,
                            false};
    m_messages->setDelivery(outgoing.roomId, clientId, DeliveryState::Pending);
    m_outbox.append(outgoing);
    Q_EMIT pendingCountChanged();
    if (!isOnline())
        notifyOffline();
    flushOutbox(outgoing.roomId);
}

void Community::discardMessage(const QString &clientId)
{
    const qsizetype removed = m_outbox.removeIf(
            [&](const Outgoing &o) { return o.clientId == clientId && !o.inFlight; });
    if (removed > 0)
        Q_EMIT pendingCountChanged();
    m_messages->removePending(m_currentRoomId, clientId);
}

bool Community::editMessage(qint64 messageId, const QString &text)
{
    const QString trimmed = text.trimmed();
    const ChatMessage *message = m_messages->find(m_currentRoomId, messageId);
    if (!message || trimmed.isEmpty())
        return false;
    if (trimmed == message->text)
        return true;
    if (trimmed.size() > MaxMessageLength) {
        Q_EMIT errorOccurred(
                ErrorKind::TooLong,
                tr("This message is too long: at most %1 characters.").arg(MaxMessageLength));
        return false;
    }
    if (!isOnline()) {
        Q_EMIT errorOccurred(ErrorKind::Offline,
                             tr("You are offline. Editing and deleting need a connection."));
        return false;
    }
    emitChecked(u"message:edit"_s, {{u"id"_s, messageId}, {u"message"_s, trimmed}},
                [this](const JsonValue &answer) { onMessageUpdated(answer[u"message"]); });
    return true;
}

bool Community::deleteMessage(qint64 messageId)
{
    if (!m_messages->find(m_currentRoomId, messageId))
        return false;
    if (!isOnline()) {
        Q_EMIT errorOccurred(ErrorKind::Offline,
                             tr("You are offline. Editing and deleting need a connection."));
        return false;
    }
    const qint64 roomId = m_currentRoomId;
    emitChecked(u"message:delete"_s, {{u"id"_s, messageId}},
                [this, roomId, messageId](const JsonValue &) {
                    m_messages->markDeleted(roomId, messageId);
                });
    return true;
}

void Community::loadOlder()
{
    const qint64 roomId = m_currentRoomId;
    if (roomId == 0 || !isOnline() || !isJoined(roomId) || !m_messages->hasMore(roomId)
        || m_messages->isLoadingOlder(roomId))
        return;
    m_messages->setLoadingOlder(roomId, true);
    JsonObject payload{{u"roomId"_s, roomId}, {u"limit"_s, HistoryPage}};
    if (const qint64 before = m_messages->oldestId(roomId); before > 0)
        payload.insert(u"before"_s, before);
    QPointer<Community> self(this);
    m_session->client()->emitWithAck(
            sio::MainNamespace, u"message:history"_s, {JsonValue(payload)},
            [self, roomId](const JsonArray &args) {
                if (!self)
                    return;
                self->m_messages->setLoadingOlder(roomId, false);
                const JsonValue answer = payloadOf(args);
                if (!answer[u"ok"].toBool()) {
                    const auto [kind, text] = describeError(answer[u"error"]);
                    Q_EMIT self->errorOccurred(kind, text);
                    return;
                }
                self->m_messages->addMessages(messagesFromJson(answer[u"messages"]));
                self->m_messages->setHasMore(roomId, answer[u"hasMore"].toBool());
            },
            AckTimeout,
            [self, roomId](SocketIoClient::AckError error) {
                if (!self)
                    return;
                self->m_messages->setLoadingOlder(roomId, false);
                if (error == SocketIoClient::AckError::Timeout)
                    Q_EMIT self->errorOccurred(ErrorKind::NoAnswer, noAnswerText());
            });
}

void Community::composing()
{
    if (m_currentRoomId == 0 || !isJoined(m_currentRoomId))
        return;
    m_typingIdle.start();
    const qint64 now = m_clock.elapsed();
    if (m_typingSent && m_typingRoom == m_currentRoomId && now - m_typingSentAt < TypingRepeatMs)
        return;
    m_typingSent = true;
    m_typingRoom = m_currentRoomId;
    m_typingSentAt = now;
    // Typing is a hint: an error about it is not worth the user's attention.
    m_session->client()->emitWithAck(sio::MainNamespace, u"typing:start"_s,
                                     {JsonObject{{u"roomId"_s, m_currentRoomId}}},
                                     [](const JsonArray &) {});
}

void Community::stopComposing()
{
    m_typingIdle.stop();
    if (!m_typingSent)
        return;
    m_typingSent = false;
    if (isOnline() && isJoined(m_typingRoom))
        m_session->client()->emitWithAck(sio::MainNamespace, u"typing:stop"_s,
                                         {JsonObject{{u"roomId"_s, m_typingRoom}}},
                                         [](const JsonArray &) {});
}

QString Community::draft(qint64 roomId) const
{
    return m_drafts.value(roomId);
}

void Community::setDraft(qint64 roomId, const QString &text)
{
    if (roomId <= 0)
        return;
    if (text.isEmpty())
        m_drafts.remove(roomId);
    else
        m_drafts.insert(roomId, text);
}

QString Community::messageText(qint64 messageId) const
{
    const ChatMessage *message = m_messages->find(m_currentRoomId, messageId);
    return message && !message->deleted ? message->text : QString();
}

QString Community::messageAuthor(qint64 messageId) const
{
    const ChatMessage *message = m_messages->find(m_currentRoomId, messageId);
    return message ? message->author.name : QString();
}

int Community::remaining(const QString &text) const
{
    return MaxMessageLength - int(text.trimmed().size());
}

void Community::scheduleRead()
{
    if (m_currentRoomId != 0 && m_roomVisible) {
        m_rooms->setUnread(m_currentRoomId, 0);
        m_readTimer.start();
    }
}

void Community::sendRead()
{
    const qint64 roomId = m_currentRoomId;
    if (roomId == 0 || !m_roomVisible || !isJoined(roomId))
        return;
    const qint64 newest = m_messages->newestId(roomId);
    if (newest <= m_readSent.value(roomId))
        return;
    m_readSent.insert(roomId, newest);
    m_session->client()->emitWithAck(sio::MainNamespace, u"room:read"_s,
                                     {JsonObject{{u"roomId"_s, roomId}, {u"messageId"_s, newest}}},
                                     [](const JsonArray &) {});
}

QString Community::noAnswerText()
{
    return tr("The server did not answer in time. Try again.");
}

std::pair<Community::ErrorKind, QString> Community::describeError(const JsonValue &error)
{
    const QString code = error[u"code"].toString();
    if (code == u"rate_limited"_s)
        return {ErrorKind::RateLimited,
                tr("You are sending messages too fast. Wait a moment, then try again.")};
    if (code == u"message_too_long"_s)
        return {ErrorKind::TooLong,
                tr("This message is too long: at most %1 characters.").arg(MaxMessageLength)};
    if (code == u"forbidden"_s)
        return {ErrorKind::Forbidden, tr("You are not allowed to do that here.")};
    if (code == u"banned"_s)
        return {ErrorKind::Forbidden, tr("You are banned from this chat.")};
    if (code == u"not_found"_s)
        return {ErrorKind::NotFound, tr("That message or room no longer exists.")};
    if (code == u"invalid_payload"_s)
        return {ErrorKind::InvalidMessage, tr("The server did not accept this request.")};
    qCWarning(lcUiCommunity) << "server error:" << chat::toString(error);
    return {ErrorKind::ServerError,
            tr("The server could not complete the request. Try again in a moment.")};
}

} // namespace chat::ui
