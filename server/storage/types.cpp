// SPDX-License-Identifier: MIT
#include "types.h"

#include <QtCore/QDateTime>

using namespace Qt::StringLiterals;

namespace chat::storage {

QLatin1StringView roomTypeName(RoomType type)
{
    switch (type) {
    case RoomType::Community:
        return "community"_L1;
    case RoomType::Private:
        return "private"_L1;
    case RoomType::Random:
        return "random"_L1;
    }
    Q_UNREACHABLE();
    return "community"_L1;
}

std::optional<RoomType> parseRoomType(QStringView name)
{
    for (RoomType type : {RoomType::Community, RoomType::Private, RoomType::Random}) {
        if (name == roomTypeName(type))
            return type;
    }
    return std::nullopt;
}

QLatin1StringView messageTypeName(MessageType type)
{
    switch (type) {
    case MessageType::Text:
        return "text"_L1;
    case MessageType::Image:
        return "image"_L1;
    case MessageType::Link:
        return "link"_L1;
    case MessageType::System:
        return "system"_L1;
    }
    Q_UNREACHABLE();
    return "text"_L1;
}

std::optional<MessageType> parseMessageType(QStringView name)
{
    for (MessageType type :
         {MessageType::Text, MessageType::Image, MessageType::Link, MessageType::System}) {
        if (name == messageTypeName(type))
            return type;
    }
    return std::nullopt;
}

QString formatTimestamp(qint64 msecsSinceEpoch)
{
    return QDateTime::fromMSecsSinceEpoch(msecsSinceEpoch, Qt::UTC).toString(Qt::ISODateWithMs);
}

QString usernameKey(const QString &username)
{
    // NFKC first so that compatibility forms (full-width letters, ligatures) fold to the same
    // key as their plain spelling, then simple Unicode case folding: one character for one,
    // as PRECIS usernames (RFC 8265) map case, so "straße" stays distinct from "strasse".
    return username.normalized(QString::NormalizationForm_KC).toCaseFolded();
}

char *toString(const Message &m)
{
    const QString text = u"Message(id=%1 room=%2 user=%3 type=%4 text=\"%5\" client=\"%6\" "
                         u"created=%7 edited=%8 deleted=%9)"_s.arg(m.id)
                                 .arg(m.roomId)
                                 .arg(m.author.id)
                                 .arg(messageTypeName(m.type), m.text, m.clientId,
                                      formatTimestamp(m.createdAt))
                                 .arg(m.editedAt)
                                 .arg(m.deleted);
    return qstrdup(text.toUtf8().constData());
}

char *toString(const Room &r)
{
    const QString text = u"Room(id=%1 slug=%2 name=\"%3\" type=%4 active=%5)"_s.arg(r.id)
                                 .arg(r.slug, r.name, roomTypeName(r.type))
                                 .arg(r.active);
    return qstrdup(text.toUtf8().constData());
}

} // namespace chat::storage
