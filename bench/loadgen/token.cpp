// SPDX-License-Identifier: MIT
#include "token.h"

#include "jsonscan.h"

#include <QtCore/QByteArray>
#include <QtCore/QMessageAuthenticationCode>

namespace bench {

std::string base64Url(std::string_view bytes)
{
    const QByteArray encoded
            = QByteArray(bytes.data(), qsizetype(bytes.size()))
                      .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    return encoded.toStdString();
}

std::string mintToken(std::string_view secret, const TokenClaims &claims)
{
    std::string payload = "{\"user_id\":" + std::to_string(claims.userId) + ",\"name\":";
    json::appendQuoted(payload, claims.name);
    payload += ",\"avatar\":";
    json::appendQuoted(payload, claims.avatar);
    payload += ",\"membership\":";
    json::appendQuoted(payload, claims.membership);
    payload += ",\"exp\":" + std::to_string(claims.exp) + "}";

    std::string signingInput = base64Url(R"({"alg":"HS256","typ":"JWT"})");
    signingInput += '.';
    signingInput += base64Url(payload);
    const QByteArray signature = QMessageAuthenticationCode::hash(
            QByteArray(signingInput.data(), qsizetype(signingInput.size())),
            QByteArray(secret.data(), qsizetype(secret.size())), QCryptographicHash::Sha256);
    signingInput += '.';
    signingInput += base64Url(std::string_view(signature.constData(), size_t(signature.size())));
    return signingInput;
}

} // namespace bench
