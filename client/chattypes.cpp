// SPDX-License-Identifier: MIT
#include "chattypes.h"

using namespace Qt::StringLiterals;

namespace chat::ui {

std::optional<ChatUser> ChatUser::fromJson(const JsonValue &value)
{
    if (!value.isObject() || value[u"id"].toInteger() <= 0)
        return std::nullopt;
    return ChatUser{value[u"id"].toInteger(), value[u"name"].toString(),
                    value[u"avatar"].toString()};
}

std::optional<ChatRoom> ChatRoom::fromJson(const JsonValue &value)
{
    if (!value.isObject() || value[u"id"].toInteger() <= 0)
        return std::nullopt;
    ChatRoom room;
    room.id = value[u"id"].toInteger();
    room.slug = value[u"slug"].toString();
    room.name = value[u"name"].toString();
    if (room.name.isEmpty())
        room.name = room.slug;
    room.description = value[u"description"].toString();
    room.icon = value[u"icon"].toString();
    room.online = qMax<qint64>(0, value[u"online"].toInteger());
    room.unread = qMax<qint64>(0, value[u"unread"].toInteger());
    return room;
}

std::optional<ChatMessage> ChatMessage::fromJson(const JsonValue &value)
{
    if (!value.isObject())
        return std::nullopt;
    const std::optional<ChatUser> author = ChatUser::fromJson(value[u"user"]);
    ChatMessage message;
    message.id = value[u"id"].toInteger();
    message.roomId = value[u"roomId"].toInteger();
    if (message.id <= 0 || message.roomId <= 0 || !author)
        return std::nullopt;
    message.author = *author;
    message.text = value[u"message"].toString();
    message.type = value[u"type"].toString(u"text"_s);
    message.replyTo = qMax<qint64>(0, value[u"replyTo"].toInteger());
    message.clientId = value[u"clientId"].toString();
    message.createdAt = parseProtocolTime(value[u"created_at"].toString());
    message.editedAt = parseProtocolTime(value[u"edited_at"].toString());
    message.deleted = value[u"deleted"].toBool();
    return message;
}

QDateTime parseProtocolTime(const QString &text)
{
    if (text.isEmpty())
        return {};
    QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid())
        time = QDateTime::fromString(text, Qt::ISODate);
    return time.isValid() ? time.toUTC() : QDateTime();
}

QList<ChatMessage> messagesFromJson(const JsonValue &array)
{
    QList<ChatMessage> messages;
    const JsonArray items = array.toArray();
    messages.reserve(items.size());
    for (const JsonValue &item : items) {
        if (std::optional<ChatMessage> message = ChatMessage::fromJson(item))
            messages.append(std::move(*message));
    }
    return messages;
}

QList<ChatUser> usersFromJson(const JsonValue &array)
{
    QList<ChatUser> users;
    const JsonArray items = array.toArray();
    users.reserve(items.size());
    for (const JsonValue &item : items) {
        if (std::optional<ChatUser> user = ChatUser::fromJson(item))
            users.append(std::move(*user));
    }
    return users;
}

} // namespace chat::ui
