// SPDX-License-Identifier: MIT
#include "identity.h"

using namespace Qt::StringLiterals;

namespace chat::auth {

QLatin1StringView membershipName(Membership membership)
{
    switch (membership) {
    case Membership::Free:
        return "free"_L1;
    case Membership::Vip:
        return "vip"_L1;
    }
    Q_UNREACHABLE();
    return "free"_L1;
}

std::optional<Membership> parseMembership(QStringView name)
{
    if (name == "free"_L1)
        return Membership::Free;
    if (name == "vip"_L1)
        return Membership::Vip;
    return std::nullopt;
}

QLatin1StringView roleName(Role role)
{
    switch (role) {
    case Role::Member:
        return "member"_L1;
    case Role::Moderator:
        return "moderator"_L1;
    case Role::Admin:
        return "admin"_L1;
    }
    Q_UNREACHABLE();
    return "member"_L1;
}

std::optional<Role> parseRole(QStringView name)
{
    if (name == "member"_L1)
        return Role::Member;
    if (name == "moderator"_L1)
        return Role::Moderator;
    if (name == "admin"_L1)
        return Role::Admin;
    return std::nullopt;
}

} // namespace chat::auth
