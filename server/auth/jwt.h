// SPDX-License-Identifier: MIT
#pragma once

#include "identity.h"

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>
#include <QtCore/QLatin1StringView>

#include <optional>
#include <variant>

namespace chat::auth {

//! \brief Why a token was refused. Every kind is answered on the wire the same way
//! (CONNECT_ERROR {"message":"unauthorized"}); the kinds exist for logs and tests.
enum class JwtError : quint8 {
    //! Not three dot-separated base64url segments, bad base64url (padding, wrong alphabet,
    //! non-canonical bits), a header or payload that is not a JSON object, or too long.
    Malformed,
    //! `alg` is missing or anything but exactly "HS256" (including "none").
    UnsupportedAlgorithm,
    //! The header asks for something this verifier does not implement (`crit`), or `typ` is
    //! not a string.
    UnsupportedHeader,
    BadSignature,
    Expired,
    NotYetValid,
    //! `user_id`, `name` or `exp` is absent.
    MissingClaim,
    //! A claim has the wrong JSON type or an invalid value.
    InvalidClaim,
    //! The verifier has no secret: every token is refused.
    NoSecret,
};

//! \brief A stable name of the error ("malformed", "bad_signature", ...) for logs and tests.
QLatin1StringView jwtErrorName(JwtError error);
//! \brief QTest::toString hook.
char *toString(JwtError error);

//! \brief The claims this project reads from and writes into a token.
struct JwtClaims
{
    Identity identity{};
    //! `exp`, seconds since the epoch (a fractional value is truncated).
    qint64 expiresAt = 0;
    //! `nbf`, seconds since the epoch.
    std::optional<qint64> notBefore{};
    //! `iat`, seconds since the epoch.
    std::optional<qint64> issuedAt{};
};

//! \brief Either the verified claims or the reason for refusal.
class JwtResult
{
public:
    JwtResult(JwtClaims claims) : m_data(std::move(claims)) { }
    JwtResult(JwtError error) : m_data(error) { }

    bool isValid() const noexcept { return m_data.index() == 0; }
    explicit operator bool() const noexcept { return isValid(); }
    //! Valid results only.
    const JwtClaims &claims() const { return std::get<JwtClaims>(m_data); }
    //! Valid results only.
    const Identity &identity() const { return claims().identity; }
    //! Refused results only.
    JwtError error() const { return std::get<JwtError>(m_data); }

private:
    std::variant<JwtClaims, JwtError> m_data;
};

//! \brief Verifies HS256 JSON Web Tokens signed with the host site's shared secret.
//!
//! Only the compact serialisation with `alg` exactly "HS256" is accepted; the signature is
//! compared in constant time and checked before any claim is looked at. Claims (protocol.md
//! §2): `user_id` an integer number in [1, 2^53), `name` a string, `avatar` a string or null
//! (optional), `membership` "free" | "vip" (optional, default free), `role` "member" |
//! "moderator" | "admin" (optional, default member), `exp` a number (required), `nbf` and
//! `iat` numbers (optional). Wrong types are refused, never coerced.
//!
//! Thread-safe: verify() is const and touches no shared state.
class JwtVerifier
{
public:
    struct Options
    {
        //! Allowed clock difference between the host site and this server, in seconds,
        //! applied to `exp` and `nbf`.
        int leewaySeconds = 0;
        //! Longer tokens are refused before any decoding.
        qsizetype maxTokenLength = 8192;
    };

    explicit JwtVerifier(QByteArray secret) : JwtVerifier(std::move(secret), Options{}) { }
    JwtVerifier(QByteArray secret, Options options);

    bool hasSecret() const noexcept { return !m_secret.isEmpty(); }

    //! Verifies \a token against the current time.
    JwtResult verify(QByteArrayView token) const;
    //! Verifies \a token as if the time were \a nowMsecs (milliseconds since the epoch).
    JwtResult verify(QByteArrayView token, qint64 nowMsecs) const;

private:
    QByteArray m_secret;
    Options m_options;
};

//! \brief Mints an HS256 token with the given claims: for standalone logins, tests and load
//! generators. The header is {"alg":"HS256","typ":"JWT"}.
QByteArray mintJwt(const JwtClaims &claims, QByteArrayView secret);

//! \brief Signs arbitrary header and payload JSON text with HMAC-SHA256, exactly as given:
//! lets tests and tools build tokens that mintJwt() would never produce.
QByteArray signJwt(QByteArrayView headerJson, QByteArrayView payloadJson, QByteArrayView secret);

//! \brief Base64url without padding (RFC 7515 §2).
QByteArray base64UrlEncode(QByteArrayView data);
//! \brief Strict base64url decoding: the URL alphabet only, no padding, canonical trailing
//! bits. nullopt for anything else.
std::optional<QByteArray> base64UrlDecode(QByteArrayView text);

//! \brief The token of an `Authorization: Bearer <token>` header value; empty when the value
//! uses another scheme or has no token. The scheme name is case-insensitive (RFC 9110 §11.1).
//!
//! protocol.md §2 accepts a token from three places; take the first present: the CONNECT
//! packet's auth payload `{"token": ...}`, this header, then the `token` query parameter.
QByteArray bearerToken(QByteArrayView authorizationHeader);

} // namespace chat::auth
