// SPDX-License-Identifier: MIT
#pragma once

#include "protocol/json.h"

#include <QtCore/QString>

#include <optional>

namespace chat::domain {

//! \brief Reads the fields of a request payload with type checks, keeping the first problem.
//!
//! Every read of a missing required field or of a field of the wrong type marks the payload
//! invalid with a message naming the field; the handler then refuses the request with
//! invalid_payload before touching anything.
class Payload
{
public:
    explicit Payload(const JsonValue &value);

    //! An id: an integer from 1 to 2^53 - 1. Absent or null optional fields give \a fallback.
    qint64 id(const QString &key, bool required, qint64 fallback = 0);
    //! An integer in [min, max]; absent or null gives \a fallback.
    qint64 integer(const QString &key, qint64 min, qint64 max, qint64 fallback);
    //! A string; absent or null optional fields give \a fallback.
    QString string(const QString &key, bool required, const QString &fallback = {});
    //! A list of ids.
    QList<qint64> ids(const QString &key, int maxCount);
    bool contains(const QString &key) const;

    bool isValid() const { return m_error.isEmpty(); }
    const QString &error() const { return m_error; }

private:
    JsonValue field(const QString &key, bool required);
    void invalidate(const QString &message);

    JsonObject m_object;
    QString m_error;
};

} // namespace chat::domain
