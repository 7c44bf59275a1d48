// SPDX-License-Identifier: MIT
#include "jwt.h"

#include "logging.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QJsonValue>

#include <sodium.h>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace chat::auth {

namespace {

const unsigned char *bytes(QByteArrayView view)
{
    return reinterpret_cast<const unsigned char *>(view.data());
}

QByteArray hmacSha256(QByteArrayView key, QByteArrayView data)
{
    // The streaming API takes a key of any length, as RFC 2104 does; the one-shot
    // crypto_auth_hmacsha256() insists on exactly 32 bytes, which host sites do not guarantee.
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, bytes(key), size_t(key.size()));
    crypto_auth_hmacsha256_update(&state, bytes(data), quint64(data.size()));
    QByteArray mac(crypto_auth_hmacsha256_BYTES, Qt::Uninitialized);
    crypto_auth_hmacsha256_final(&state, reinterpret_cast<unsigned char *>(mac.data()));
    sodium_memzero(&state, sizeof state);
    return mac;
}

std::optional<QJsonObject> parseObject(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

// NumericDate values far outside any real date are clamped instead of overflowing the cast.
qint64 toSeconds(double value)
{
    constexpr double limit = 1e15;
    return qint64(std::clamp(std::trunc(value), -limit, limit));
}

bool isBase64UrlChar(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
            || c == '_';
}

} // namespace

QLatin1StringView jwtErrorName(JwtError error)
{
    switch (error) {
    case JwtError::Malformed:
        return "malformed"_L1;
    case JwtError::UnsupportedAlgorithm:
        return "unsupported_algorithm"_L1;
    case JwtError::UnsupportedHeader:
        return "unsupported_header"_L1;
    case JwtError::BadSignature:
        return "bad_signature"_L1;
    case JwtError::Expired:
        return "expired"_L1;
    case JwtError::NotYetValid:
        return "not_yet_valid"_L1;
    case JwtError::MissingClaim:
        return "missing_claim"_L1;
    case JwtError::InvalidClaim:
        return "invalid_claim"_L1;
    case JwtError::NoSecret:
        return "no_secret"_L1;
    }
    Q_UNREACHABLE();
    return "malformed"_L1;
}

char *toString(JwtError error)
{
    return qstrdup(jwtErrorName(error).data());
}

QByteArray base64UrlEncode(QByteArrayView data)
{
    return data.toByteArray().toBase64(QByteArray::Base64UrlEncoding
                                       | QByteArray::OmitTrailingEquals);
}

std::optional<QByteArray> base64UrlDecode(QByteArrayView text)
{
    for (const char c : text) {
        if (!isBase64UrlChar(c))
            return std::nullopt;
    }
    if (text.size() % 4 == 1)
        return std::nullopt;
    const QByteArray input = text.toByteArray();
    auto decoded = QByteArray::fromBase64Encoding(
            input,
            QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals
                    | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    // Unused low bits of the last character must be zero; otherwise several spellings decode
    // to the same bytes and a signed token could be altered without touching the signature.
    if (base64UrlEncode(decoded.decoded) != input)
        return std::nullopt;
    return std::move(decoded.decoded);
}

QByteArray bearerToken(QByteArrayView authorizationHeader)
{
    const QByteArrayView value = authorizationHeader.trimmed();
    constexpr QByteArrayView scheme("Bearer");
    if (value.size() <= scheme.size()
        || value.first(scheme.size()).compare(scheme, Qt::CaseInsensitive) != 0)
        return {};
    const char separator = value.at(scheme.size());
    if (separator != ' ' && separator != '\t')
        return {};
    return value.sliced(scheme.size()).trimmed().toByteArray();
}

JwtVerifier::JwtVerifier(QByteArray secret, Options options)
    : m_secret(std::move(secret)), m_options(options)
{
    if (sodium_init() < 0)
        qCCritical(lcAuth) << "libsodium failed to initialise";
}

JwtResult JwtVerifier::verify(QByteArrayView token) const
{
    return verify(token, QDateTime::currentMSecsSinceEpoch());
}

JwtResult JwtVerifier::verify(QByteArrayView token, qint64 nowMsecs) const
{
    if (m_secret.isEmpty())
        return JwtError::NoSecret;
    if (token.isEmpty() || token.size() > m_options.maxTokenLength)
        return JwtError::Malformed;

    const qsizetype firstDot = token.indexOf('.');
    const qsizetype secondDot = firstDot < 0 ? -1 : token.indexOf('.', firstDot + 1);
    if (secondDot < 0 || token.indexOf('.', secondDot + 1) >= 0)
        return JwtError::Malformed;
    const QByteArrayView headerText = token.first(firstDot);
    const QByteArrayView payloadText = token.sliced(firstDot + 1, secondDot - firstDot - 1);
    const QByteArrayView signatureText = token.sliced(secondDot + 1);

    const auto headerJson = base64UrlDecode(headerText);
    if (!headerJson)
        return JwtError::Malformed;
    const auto header = parseObject(*headerJson);
    if (!header)
        return JwtError::Malformed;
    // Exactly "HS256": "none", other HMAC sizes and public-key algorithms (whose "public key"
    // an attacker could try to pass off as the HMAC secret) are all refused.
    if (header->value("alg"_L1) != QJsonValue(u"HS256"_s))
        return JwtError::UnsupportedAlgorithm;
    if (header->contains("crit"_L1))
        return JwtError::UnsupportedHeader;
    if (header->contains("typ"_L1) && !header->value("typ"_L1).isString())
        return JwtError::UnsupportedHeader;

    const auto signature = base64UrlDecode(signatureText);
    if (!signature)
        return JwtError::Malformed;
    const QByteArray expected = hmacSha256(m_secret, token.first(secondDot));
    if (signature->size() != expected.size()
        || sodium_memcmp(signature->constData(), expected.constData(), size_t(expected.size()))
                != 0) {
        return JwtError::BadSignature;
    }

    const auto payloadJson = base64UrlDecode(payloadText);
    if (!payloadJson)
        return JwtError::Malformed;
    const auto payload = parseObject(*payloadJson);
    if (!payload)
        return JwtError::Malformed;

    JwtClaims claims;
    const QJsonValue userId = payload->value("user_id"_L1);
    if (userId.isUndefined())
        return JwtError::MissingClaim;
    if (!userId.isDouble())
        return JwtError::InvalidClaim;
    const double id = userId.toDouble();
    if (std::trunc(id) != id || id < 1 || id > double(MaxSafeInteger))
        return JwtError::InvalidClaim;
    claims.identity.userId = qint64(id);

    const QJsonValue name = payload->value("name"_L1);
    if (name.isUndefined())
        return JwtError::MissingClaim;
    if (!name.isString())
        return JwtError::InvalidClaim;
    claims.identity.name = name.toString();

    // null is what PHP's json_encode() writes for an absent avatar.
    const QJsonValue avatar = payload->value("avatar"_L1);
    if (avatar.isString())
        claims.identity.avatar = avatar.toString();
    else if (!avatar.isUndefined() && !avatar.isNull())
        return JwtError::InvalidClaim;

    const QJsonValue membership = payload->value("membership"_L1);
    if (!membership.isUndefined()) {
        const auto parsed
                = membership.isString() ? parseMembership(membership.toString()) : std::nullopt;
        if (!parsed)
            return JwtError::InvalidClaim;
        claims.identity.membership = *parsed;
    }

    const QJsonValue role = payload->value("role"_L1);
    if (!role.isUndefined()) {
        const auto parsed = role.isString() ? parseRole(role.toString()) : std::nullopt;
        if (!parsed)
            return JwtError::InvalidClaim;
        claims.identity.role = *parsed;
    }

    const QJsonValue exp = payload->value("exp"_L1);
    if (exp.isUndefined())
        return JwtError::MissingClaim;
    if (!exp.isDouble())
        return JwtError::InvalidClaim;
    claims.expiresAt = toSeconds(exp.toDouble());

    const QJsonValue nbf = payload->value("nbf"_L1);
    if (!nbf.isUndefined()) {
        if (!nbf.isDouble())
            return JwtError::InvalidClaim;
        claims.notBefore = toSeconds(nbf.toDouble());
    }
    const QJsonValue iat = payload->value("iat"_L1);
    if (!iat.isUndefined()) {
        if (!iat.isDouble())
            return JwtError::InvalidClaim;
        claims.issuedAt = toSeconds(iat.toDouble());
    }

    // Same comparisons as the reference (jsonwebtoken): expired once now reaches exp.
    const double now = double(nowMsecs) / 1000.0;
    const double leeway = m_options.leewaySeconds;
    if (now >= exp.toDouble() + leeway)
        return JwtError::Expired;
    if (!nbf.isUndefined() && nbf.toDouble() > now + leeway)
        return JwtError::NotYetValid;

    return claims;
}

QByteArray signJwt(QByteArrayView headerJson, QByteArrayView payloadJson, QByteArrayView secret)
{
    const QByteArray signingInput
            = base64UrlEncode(headerJson) + '.' + base64UrlEncode(payloadJson);
    return signingInput + '.' + base64UrlEncode(hmacSha256(secret, signingInput));
}

QByteArray mintJwt(const JwtClaims &claims, QByteArrayView secret)
{
    QJsonObject payload;
    payload.insert("user_id"_L1, claims.identity.userId);
    payload.insert("name"_L1, claims.identity.name);
    payload.insert("avatar"_L1, claims.identity.avatar);
    payload.insert("membership"_L1, QString(membershipName(claims.identity.membership)));
    payload.insert("role"_L1, QString(roleName(claims.identity.role)));
    payload.insert("exp"_L1, claims.expiresAt);
    if (claims.notBefore)
        payload.insert("nbf"_L1, *claims.notBefore);
    if (claims.issuedAt)
        payload.insert("iat"_L1, *claims.issuedAt);
    return signJwt(R"({"alg":"HS256","typ":"JWT"})",
                   QJsonDocument(payload).toJson(QJsonDocument::Compact), secret);
}

} // namespace chat::auth
