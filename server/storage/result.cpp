// SPDX-License-Identifier: MIT
#include "result.h"

using namespace Qt::StringLiterals;

namespace chat::storage {

QLatin1StringView errorKindName(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::NotFound:
        return "not_found"_L1;
    case ErrorKind::Conflict:
        return "conflict"_L1;
    case ErrorKind::InvalidArgument:
        return "invalid_argument"_L1;
    case ErrorKind::Unavailable:
        return "unavailable"_L1;
    case ErrorKind::Internal:
        return "internal"_L1;
    }
    Q_UNREACHABLE();
    return "internal"_L1;
}

char *toString(const Error &error)
{
    return qstrdup((errorKindName(error.kind) + u": "_s + error.message).toUtf8().constData());
}

} // namespace chat::storage
