// SPDX-License-Identifier: MIT
#pragma once

#include "auth/identity.h"

#include <QtCore/QByteArray>
#include <QtCore/QLatin1StringView>
#include <QtCore/QList>
#include <QtCore/QString>

#include <optional>

//! Values that cross the storage interface. Times are milliseconds since the epoch, UTC;
//! formatTimestamp() writes them as the protocol does. Ids are > 0 and < 2^53; 0 means
//! "none" wherever an id is optional.
namespace chat::storage {

using auth::Membership;
using auth::Role;

//! \brief What a room is for. Community rooms are listed; private and random rooms are
//! reached through their features.
enum class RoomType : quint8 { Community, Private, Random };
QLatin1StringView roomTypeName(RoomType type);
std::optional<RoomType> parseRoomType(QStringView name);

//! \brief The protocol's message types.
enum class MessageType : quint8 { Text, Image, Link, System };
QLatin1StringView messageTypeName(MessageType type);
std::optional<MessageType> parseMessageType(QStringView name);

//! \brief "2026-11-22T08:00:00.123Z": ISO-8601, UTC, milliseconds.
QString formatTimestamp(qint64 msecsSinceEpoch);

//! \brief The public face of a user: the protocol's user object {id, name, avatar}.
struct UserRef
{
    qint64 id = 0;
    QString name{};
    QString avatar{};

    friend bool operator==(const UserRef &, const UserRef &) = default;
};

//! \brief A user row: from the host site's token, or a standalone account.
struct User
{
    qint64 id = 0;
    QString name{};
    QString avatar{};
    Membership membership = Membership::Free;
    Role role = Role::Member;
    qint64 createdAt = 0;
    //! Last time the profile was written (every connect refreshes it from the token).
    qint64 updatedAt = 0;

    UserRef ref() const { return {id, name, avatar}; }
};

//! \brief Credentials of a standalone-mode user.
struct LocalAccount
{
    User user{};
    //! As registered (case kept for display).
    QString username{};
    //! PasswordHasher's encoded hash.
    QByteArray passwordHash{};
    qint64 createdAt = 0;
};

//! \brief A registration for standalone mode. The username is unique case-insensitively
//! (compared after NFKC normalisation and simple Unicode case folding), at most 64 characters.
struct NewLocalAccount
{
    QString username{};
    QByteArray passwordHash{};
    QString name{};
};

//! \brief The key under which usernames are unique: NFKC, then case-folded.
QString usernameKey(const QString &username);

struct Room
{
    qint64 id = 0;
    QString slug{};
    QString name{};
    QString description{};
    QString icon{};
    RoomType type = RoomType::Community;
    //! 0 = unlimited.
    int maxMembers = 0;
    //! False once archived.
    bool active = true;
    qint64 createdAt = 0;
};

struct NewRoom
{
    QString slug{};
    QString name{};
    QString description{};
    QString icon = QStringLiteral("\U0001F4AC");
    RoomType type = RoomType::Community;
    int maxMembers = 0;
};

//! \brief A message to store.
struct NewMessage
{
    qint64 roomId = 0;
    qint64 userId = 0;
    //! Already validated by the caller (trimmed, 1..2000 characters).
    QString text{};
    MessageType type = MessageType::Text;
    //! 0 = not a reply.
    qint64 replyTo = 0;
    //! The sender's idempotency key (at most 64 characters); empty = none. A second append
    //! with the same room, user and client id returns the first message instead of a copy.
    QString clientId{};
};

//! \brief A stored message: the protocol's message object.
struct Message
{
    qint64 id = 0;
    qint64 roomId = 0;
    //! Reads fill id, name and avatar (from the users table); the result of an append
    //! carries the id only, since the sender's profile is the caller's own.
    UserRef author{};
    //! Empty for a deleted message: its text never leaves the storage layer.
    QString text{};
    MessageType type = MessageType::Text;
    qint64 replyTo = 0;
    QString clientId{};
    qint64 createdAt = 0;
    //! 0 = never edited.
    qint64 editedAt = 0;
    bool deleted = false;
};

struct AppendResult
{
    Message message{};
    //! True when the client id matched an earlier message, which is returned unchanged.
    bool duplicate = false;
};

//! \brief Messages in ascending id order, and whether more exist beyond the page in the
//! direction of the query (older for history(), newer for messagesAfter()).
struct MessagePage
{
    QList<Message> messages{};
    bool hasMore = false;
};

struct Member
{
    qint64 roomId = 0;
    UserRef user{};
    Role role = Role::Member;
    qint64 joinedAt = 0;
    //! The newest message id the user has read in the room; 0 = none.
    qint64 lastReadMessageId = 0;
    //! 0 = never.
    qint64 lastReadAt = 0;
};

struct MemberPage
{
    QList<Member> members{};
    qint64 total = 0;
};

struct UnreadCount
{
    qint64 roomId = 0;
    //! Messages by others, not deleted, newer than lastReadMessageId.
    qint64 count = 0;
    qint64 lastReadMessageId = 0;
};

//! \brief QTest::toString hooks.
char *toString(const Message &message);
char *toString(const Room &room);

} // namespace chat::storage
