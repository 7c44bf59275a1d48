// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace bench {

//! \brief Claims of a bench user's token (protocol.md §2).
struct TokenClaims
{
    int64_t userId = 0;
    std::string name;
    std::string avatar;
    std::string membership = "free";
    int64_t exp = 0; //!< seconds since the epoch
};

//! An HS256 JWT signed with \a secret: header {"alg":"HS256","typ":"JWT"}, compact JSON claims.
std::string mintToken(std::string_view secret, const TokenClaims &claims);

//! RFC 4648 §5 base64url without padding.
std::string base64Url(std::string_view bytes);

} // namespace bench
