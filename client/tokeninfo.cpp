// SPDX-License-Identifier: MIT
#include "tokeninfo.h"

#include "protocol/json.h"

#include <QtCore/QByteArray>
#include <QtCore/QList>

using namespace Qt::StringLiterals;

namespace chat::ui {

std::optional<TokenInfo> TokenInfo::parse(const QString &token)
{
    const QList<QStringView> parts = QStringView(token).trimmed().split(u'.');
    if (parts.size() != 3 || parts.at(1).isEmpty())
        return std::nullopt;
    const QByteArray::FromBase64Result decoded = QByteArray::fromBase64Encoding(
            parts.at(1).toLatin1(),
            QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    const std::optional<JsonValue> claims = JsonValue::parse(*decoded);
    if (!claims || !claims->isObject())
        return std::nullopt;
    TokenInfo info;
    info.userId = (*claims)[u"user_id"].toInteger();
    info.name = (*claims)[u"name"].toString();
    info.avatar = (*claims)[u"avatar"].toString();
    if ((*claims)[u"exp"].isNumber())
        info.expiresAt
                = QDateTime::fromSecsSinceEpoch(qint64((*claims)[u"exp"].toDouble()), Qt::UTC);
    return info;
}

} // namespace chat::ui
