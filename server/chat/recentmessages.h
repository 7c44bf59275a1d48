// SPDX-License-Identifier: MIT
#pragma once

#include "storage/types.h"

#include <QtCore/QHash>
#include <QtCore/QList>

#include <optional>

namespace chat::domain {

//! \brief The newest messages of each room, kept in memory so that joins (and the reconnect
//! storm after a restart of a proxy) are answered without reading the database.
//!
//! A room's window holds every message with an id above its floor, oldest first. It starts
//! from a page read from the store and then follows every message the server stores, edits or
//! deletes; it is only correct while this process writes all of the room's messages, so a
//! deployment of several instances leaves it off. A question the window cannot answer in
//! full returns nothing, and the caller reads the store.
class RecentMessages
{
public:
    //! At least the newest \a capacity messages per room (at most a quarter more); 0 keeps
    //! nothing.
    explicit RecentMessages(int capacity = 0) : m_capacity(capacity) { }

    bool isEnabled() const { return m_capacity > 0; }

    //! The store's newest page of the room (history from the newest), if the room has no
    //! window yet. Must be called in the store's answer order relative to append().
    void seed(qint64 roomId, const storage::MessagePage &newest);
    //! The store's page of the messages after \a sinceId (a catch-up), if the room has no
    //! window yet and the page is not empty and reaches the newest message: after a restart,
    //! the first client of a reconnect storm seeds the window the others are answered from.
    void seedAfter(qint64 roomId, qint64 sinceId, const storage::MessagePage &after);
    //! A message just stored (ids grow), in rooms that have a window.
    void append(const storage::Message &message);
    //! A message edited or deleted: its window copy, if any, is replaced.
    void update(const storage::Message &message);
    //! Forgets every window (e.g. an author's name changed: the store has the new one).
    void clear() { m_rooms.clear(); }

    //! The newest \a limit messages, ascending, as Store::history() from the newest would.
    std::optional<storage::MessagePage> newest(qint64 roomId, int limit) const;
    //! The oldest \a limit messages above \a sinceId, as Store::messagesAfter() would.
    std::optional<storage::MessagePage> after(qint64 roomId, qint64 sinceId, int limit) const;

private:
    struct Window
    {
        //! Every message of the room with an id above this one is in messages.
        qint64 floor = 0;
        QList<storage::Message> messages;
    };

    void trim(Window &window) const;

    int m_capacity;
    QHash<qint64, Window> m_rooms;
};

} // namespace chat::domain
