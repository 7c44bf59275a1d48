// SPDX-License-Identifier: MIT
#include "payload.h"

using namespace Qt::StringLiterals;

namespace chat::domain {

namespace {
constexpr qint64 MaxSafeInteger = (qint64(1) << 53) - 1;
}

Payload::Payload(const JsonValue &value) : m_object(value.toObject())
{
    if (!value.isObject())
        invalidate(u"the payload must be an object"_s);
}

bool Payload::contains(const QString &key) const
{
    return m_object.contains(key) && !m_object.value(key).isNull();
}

JsonValue Payload::field(const QString &key, bool required)
{
    const JsonValue value = m_object.value(key);
    if (value.isNull() && required)
        invalidate(u"%1 is required"_s.arg(key));
    return value;
}

void Payload::invalidate(const QString &message)
{
    if (m_error.isEmpty())
        m_error = message;
}

qint64 Payload::id(const QString &key, bool required, qint64 fallback)
{
    const JsonValue value = field(key, required);
    if (value.isNull())
        return fallback;
    if (!value.isInteger() || value.toInteger() < 1 || value.toInteger() > MaxSafeInteger) {
        invalidate(u"%1 must be a positive integer id"_s.arg(key));
        return fallback;
    }
    return value.toInteger();
}

qint64 Payload::integer(const QString &key, qint64 min, qint64 max, qint64 fallback)
{
    const JsonValue value = field(key, false);
    if (value.isNull())
        return fallback;
    if (!value.isInteger() || value.toInteger() < min || value.toInteger() > max) {
        invalidate(u"%1 must be an integer from %2 to %3"_s.arg(key).arg(min).arg(max));
        return fallback;
    }
    return value.toInteger();
}

QString Payload::string(const QString &key, bool required, const QString &fallback)
{
    const JsonValue value = field(key, required);
    if (value.isNull())
        return fallback;
    if (!value.isString()) {
        invalidate(u"%1 must be a string"_s.arg(key));
        return fallback;
    }
    return value.toString();
}

QList<qint64> Payload::ids(const QString &key, int maxCount)
{
    const JsonValue value = field(key, true);
    QList<qint64> result;
    if (value.isNull())
        return result;
    const JsonArray array = value.toArray();
    if (!value.isArray() || array.size() > maxCount) {
        invalidate(u"%1 must be an array of at most %2 ids"_s.arg(key).arg(maxCount));
        return result;
    }
    for (const JsonValue &item : array) {
        if (!item.isInteger() || item.toInteger() < 1 || item.toInteger() > MaxSafeInteger) {
            invalidate(u"%1 must contain positive integer ids"_s.arg(key));
            return {};
        }
        result.append(item.toInteger());
    }
    return result;
}

} // namespace chat::domain
