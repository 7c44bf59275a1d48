// SPDX-License-Identifier: MIT
#include "chattypes.h"

#include "outbox.h"

using namespace Qt::StringLiterals;

namespace chat::domain {

namespace {

JsonValue idOrNull(qint64 id)
{
    return id > 0 ? JsonValue(id) : JsonValue();
}

} // namespace

JsonObject ChatError::toJson() const
{
    return {{u"code"_s, JsonValue(events::name(code))}, {u"message"_s, JsonValue(message)}};
}

JsonObject userJson(const storage::UserRef &user)
{
    return {{u"id"_s, JsonValue(user.id)},
            {u"name"_s, JsonValue(user.name)},
            {u"avatar"_s, JsonValue(user.avatar)}};
}

JsonArray usersJson(const QList<storage::UserRef> &users)
{
    JsonArray array;
    array.reserve(users.size());
    for (const storage::UserRef &user : users)
        array.append(userJson(user));
    return array;
}

JsonObject messageJson(const storage::Message &message)
{
    return {
            {u"id"_s, JsonValue(message.id)},
            {u"roomId"_s, JsonValue(message.roomId)},
            {u"user"_s, JsonValue(userJson(message.author))},
            // What was deleted is not shown to anyone.
            {u"message"_s, message.deleted ? JsonValue(QString()) : JsonValue(message.text)},
            {u"type"_s, JsonValue(QString(storage::messageTypeName(message.type)))},
            {u"replyTo"_s, idOrNull(message.replyTo)},
            {u"clientId"_s, message.clientId.isEmpty() ? JsonValue() : JsonValue(message.clientId)},
            {u"created_at"_s, JsonValue(storage::formatTimestamp(message.createdAt))},
            {u"edited_at"_s,
             message.editedAt > 0 ? JsonValue(storage::formatTimestamp(message.editedAt))
                                  : JsonValue()},
            {u"deleted"_s, JsonValue(message.deleted)},
    };
}

JsonObject roomJson(const storage::Room &room)
{
    return {
            {u"id"_s, JsonValue(room.id)},
            {u"slug"_s, JsonValue(room.slug)},
            {u"name"_s, JsonValue(room.name)},
            {u"description"_s, JsonValue(room.description)},
            {u"icon"_s, JsonValue(room.icon)},
            {u"type"_s, JsonValue(QString(storage::roomTypeName(room.type)))},
    };
}

QString roomChannel(qint64 roomId)
{
    return u"r:"_s + QString::number(roomId);
}

QString userChannel(qint64 userId)
{
    return u"u:"_s + QString::number(userId);
}

void Outbox::replyOk(const Request &request, JsonObject result)
{
    if (request.ackId < 0)
        return;
    JsonObject answer{{u"ok"_s, JsonValue(true)}};
    for (const auto &[key, value] : result)
        answer.insert(key, value);
    Q_EMIT ack(request.connection.id, request.ackId, {JsonValue(std::move(answer))});
}

void Outbox::replyError(const Request &request, const ChatError &error)
{
    Q_EMIT errorSent(error.code);
    if (request.ackId >= 0) {
        Q_EMIT ack(request.connection.id, request.ackId,
                   {JsonObject{{u"ok"_s, JsonValue(false)}, {u"error"_s, error.toJson()}}});
        return;
    }
    JsonObject body = error.toJson();
    body.insert(u"event"_s, JsonValue(request.eventName));
    Q_EMIT toConnection(request.connection.id, events::name(events::ServerEvent::ChatError),
                        {JsonValue(std::move(body))});
}

} // namespace chat::domain
