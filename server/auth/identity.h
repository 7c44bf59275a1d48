// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QLatin1StringView>
#include <QtCore/QString>

#include <optional>

namespace chat::auth {

//! \brief The host site's membership level of a user (the `membership` claim).
enum class Membership : quint8 { Free, Vip };

//! \brief What a user may do beyond chatting (the `role` claim; also a member's role in a room).
enum class Role : quint8 { Member, Moderator, Admin };

//! \brief The wire name of a membership: "free" or "vip".
QLatin1StringView membershipName(Membership membership);
//! \brief Parses an exact wire name; nullopt for anything else.
std::optional<Membership> parseMembership(QStringView name);

//! \brief The wire name of a role: "member", "moderator" or "admin".
QLatin1StringView roleName(Role role);
//! \brief Parses an exact wire name; nullopt for anything else.
std::optional<Role> parseRole(QStringView name);

//! \brief Who a verified token (or a standalone login) says the user is.
struct Identity
{
    //! The host site's user id: an integer in [1, 2^53).
    qint64 userId = 0;
    QString name{};
    //! An avatar URL; empty when the token has none.
    QString avatar{};
    Membership membership = Membership::Free;
    Role role = Role::Member;

    friend bool operator==(const Identity &, const Identity &) = default;
};

//! \brief The largest user or message id that JavaScript represents exactly (2^53 - 1).
inline constexpr qint64 MaxSafeInteger = (qint64(1) << 53) - 1;

} // namespace chat::auth
