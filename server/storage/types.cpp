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
    // Every message carries one or two of these, so they are written by hand rather than
    // through QDateTime's general formatter (five times slower). Years 0001-9999 only.
    constexpr qint64 MsPerDay = 86'400'000;
    constexpr qint64 First = -62'135'596'800'000; // 0001-01-01T00:00:00.000Z
    constexpr qint64 Last = 253'402'300'799'999; // 9999-12-31T23:59:59.999Z
    if (msecsSinceEpoch < First || msecsSinceEpoch > Last)
        return QDateTime::fromMSecsSinceEpoch(msecsSinceEpoch, Qt::UTC).toString(Qt::ISODateWithMs);

    qint64 days = msecsSinceEpoch / MsPerDay;
    qint64 ms = msecsSinceEpoch % MsPerDay;
    if (ms < 0) {
        ms += MsPerDay;
        --days;
    }
    // Civil date from days since 1970-01-01, in 400-year eras of 146097 days starting on
    // March 1st (H. Hinnant's days_from_civil, inverted).
    const qint64 z = days + 719'468;
    const qint64 era = (z >= 0 ? z : z - 146'096) / 146'097;
    const qint64 dayOfEra = z - era * 146'097;
    const qint64 yearOfEra
            = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36'524 - dayOfEra / 146'096) / 365;
    const qint64 dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const qint64 mp = (5 * dayOfYear + 2) / 153;
    const int day = int(dayOfYear - (153 * mp + 2) / 5 + 1);
    const int month = int(mp < 10 ? mp + 3 : mp - 9);
    const int year = int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0));

    char16_t text[24];
    const auto put = [&text](int at, int value, int digits) {
        for (int i = digits - 1; i >= 0; --i) {
            text[at + i] = char16_t(u'0' + value % 10);
            value /= 10;
        }
    };
    put(0, year, 4);
    text[4] = u'-';
    put(5, month, 2);
    text[7] = u'-';
    put(8, day, 2);
    text[10] = u'T';
    put(11, int(ms / 3'600'000), 2);
    text[13] = u':';
    put(14, int(ms / 60'000 % 60), 2);
    text[16] = u':';
    put(17, int(ms / 1000 % 60), 2);
    text[19] = u'.';
    put(20, int(ms % 1000), 3);
    text[23] = u'Z';
    return QString(reinterpret_cast<const QChar *>(text), 24);
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
