// SPDX-License-Identifier: MIT
#pragma once

#include "protocol/json.h"

#include <QtCore/QDateTime>
#include <QtCore/QList>
#include <QtCore/QString>

#include <optional>

//! The member app: models, controllers and helpers behind the QML screens.
namespace chat::ui {

//! \brief A user as the protocol shows one: {id, name, avatar}.
struct ChatUser
{
    qint64 id = 0;
    QString name;
    QString avatar;

    //! Null when \a value is not a user object with a positive id.
    static std::optional<ChatUser> fromJson(const JsonValue &value);
    friend bool operator==(const ChatUser &, const ChatUser &) = default;
};

//! \brief A community room from room:list or the room:join acknowledgement.
struct ChatRoom
{
    qint64 id = 0;
    QString slug;
    QString name;
    QString description;
    QString icon;
    qint64 online = 0;
    qint64 unread = 0;

    static std::optional<ChatRoom> fromJson(const JsonValue &value);
    friend bool operator==(const ChatRoom &, const ChatRoom &) = default;
};

//! \brief Where a message is on its way to the server. Messages from the server are Sent.
enum class DeliveryState : quint8 {
    Sent,
    //! Typed here and waiting for the server's answer, or for the connection to come back.
    Pending,
    //! Refused by the server (rate limit, too long...); kept so that it can be retried.
    Failed,
};

//! \brief A message object (protocol.md §3), plus the local delivery state of own messages.
struct ChatMessage
{
    //! 0 while the message has not been stored by the server.
    qint64 id = 0;
    qint64 roomId = 0;
    ChatUser author;
    QString text;
    QString type = QStringLiteral("text");
    qint64 replyTo = 0;
    QString clientId;
    QDateTime createdAt;
    QDateTime editedAt;
    bool deleted = false;

    DeliveryState delivery = DeliveryState::Sent;
    //! Why a Failed message was refused, for the user.
    QString failure;

    //! Null when \a value lacks an id, a room or an author: such a message cannot be placed.
    static std::optional<ChatMessage> fromJson(const JsonValue &value);
    friend bool operator==(const ChatMessage &, const ChatMessage &) = default;
};

//! \brief Parses the protocol's ISO-8601 UTC times (with or without milliseconds).
QDateTime parseProtocolTime(const QString &text);

//! \brief The messages of a JSON array that can be placed; the others are skipped.
QList<ChatMessage> messagesFromJson(const JsonValue &array);
//! \brief The users of a JSON array that are valid user objects.
QList<ChatUser> usersFromJson(const JsonValue &array);

} // namespace chat::ui
