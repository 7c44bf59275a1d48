// SPDX-License-Identifier: MIT
#pragma once

#include "result.h"
#include "types.h"

#include <functional>

QT_BEGIN_NAMESPACE
class QObject;
QT_END_NAMESPACE

namespace chat::storage {

//! \brief Completion handler of a Store operation; runs in the thread of the context object
//! given with the request.
template<typename T>
using Callback = std::function<void(Result<T>)>;

//! \brief The chat's persistent state, behind an interface (SqlStore implements it).
//!
//! Every operation is asynchronous and never blocks the calling thread. Its last two
//! arguments are a \e context QObject and a Callback: the callback is called exactly once,
//! in the context's thread (through its event loop, never from inside the call itself), with
//! the result, unless the context is destroyed first, in which case it is dropped. Any thread
//! may call; the context must not be null and must be alive at the time of the call.
//!
//! Ordering: operations take effect in the order they were submitted (one FIFO per store).
//! A write's callback runs only after its transaction has committed, so whatever a caller
//! announces from inside a callback (a broadcast, an acknowledgement) is durable.
//!
//! Limits (\a limit arguments) are clamped to [1, 1000]; the protocol's smaller limits are
//! the domain layer's to enforce. Permission checks (ownership, membership before sending)
//! are the domain layer's too: the store checks only what the schema guarantees.
class Store
{
public:
    virtual ~Store() = default;

    //! \name Health
    //! Succeeds when the database answers a trivial query.
    virtual void ping(QObject *context, Callback<void> done) = 0;

    //! \name Users
    //! Creates or refreshes the user of a verified token (name, avatar, membership, role).
    virtual void upsertUser(const auth::Identity &identity, QObject *context, Callback<User> done)
            = 0;
    //! NotFound when there is no such user.
    virtual void userById(qint64 userId, QObject *context, Callback<User> done) = 0;
    //! The users that exist among \a userIds, in the order asked; unknown ids are skipped.
    virtual void usersByIds(const QList<qint64> &userIds, QObject *context,
                            Callback<QList<User>> done)
            = 0;

    //! \name Standalone accounts
    //! Creates a user and its credentials; Conflict when the username is taken
    //! (case-insensitively), InvalidArgument when it is empty or longer than 64 characters.
    virtual void createLocalAccount(const NewLocalAccount &account, QObject *context,
                                    Callback<LocalAccount> done)
            = 0;
    //! Looks a username up case-insensitively; NotFound when there is none.
    virtual void findLocalAccount(const QString &username, QObject *context,
                                  Callback<LocalAccount> done)
            = 0;

    //! \name Rooms
    //! Rooms of a type in id order; archived ones only when \a includeArchived.
    virtual void listRooms(RoomType type, bool includeArchived, QObject *context,
                           Callback<QList<Room>> done)
            = 0;
    virtual void roomById(qint64 roomId, QObject *context, Callback<Room> done) = 0;
    virtual void roomBySlug(const QString &slug, QObject *context, Callback<Room> done) = 0;
    //! Conflict when the slug exists.
    virtual void createRoom(const NewRoom &room, QObject *context, Callback<Room> done) = 0;

    //! \name Messages
    //! Stores a message (group commit: many appends share one transaction). The result has
    //! the message's id and created_at; NotFound when the room or user does not exist.
    virtual void appendMessage(const NewMessage &message, QObject *context,
                               Callback<AppendResult> done)
            = 0;
    //! Replaces the text and sets edited_at; NotFound for an unknown or deleted message.
    virtual void editMessage(qint64 messageId, const QString &text, QObject *context,
                             Callback<Message> done)
            = 0;
    //! Marks the message deleted (soft delete; repeating it is harmless). NotFound when
    //! there is no such message.
    virtual void deleteMessage(qint64 messageId, QObject *context, Callback<Message> done) = 0;
    virtual void messageById(qint64 messageId, QObject *context, Callback<Message> done) = 0;
    //! The newest \a limit messages of the room with an id below \a beforeId (0 = from the
    //! newest), ascending; hasMore when older ones exist.
    virtual void history(qint64 roomId, qint64 beforeId, int limit, QObject *context,
                         Callback<MessagePage> done)
            = 0;
    //! The oldest \a limit messages of the room with an id above \a sinceId, ascending;
    //! hasMore when newer ones exist beyond the page.
    virtual void messagesAfter(qint64 roomId, qint64 sinceId, int limit, QObject *context,
                               Callback<MessagePage> done)
            = 0;

    //! \name Membership
    //! Adds the user to the room, or returns the existing membership unchanged. NotFound
    //! when the room or user does not exist.
    virtual void joinRoom(qint64 roomId, qint64 userId, Role role, QObject *context,
                          Callback<Member> done)
            = 0;
    virtual void isMember(qint64 roomId, qint64 userId, QObject *context, Callback<bool> done) = 0;
    //! Members in join order, paged, with the total count.
    virtual void members(qint64 roomId, int offset, int limit, QObject *context,
                         Callback<MemberPage> done)
            = 0;
    //! Moves the user's read mark forward to \a messageId. true when it moved, false when it
    //! already was there or beyond; NotFound when the user is not a member or the message is
    //! not in the room.
    virtual void setLastRead(qint64 roomId, qint64 userId, qint64 messageId, QObject *context,
                             Callback<bool> done)
            = 0;
    //! For every room the user is a member of: unread messages (by others, not deleted).
    virtual void unreadCounts(qint64 userId, QObject *context, Callback<QList<UnreadCount>> done)
            = 0;
};

} // namespace chat::storage
