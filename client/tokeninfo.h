// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QDateTime>
#include <QtCore/QString>

#include <optional>

namespace chat::ui {

//! \brief What the app reads from a chat token: who it names and until when it is valid.
//!
//! The signature is the server's business (the app does not know the secret); the app reads
//! the claims only to greet the user before the server answers and to tell an expired token
//! from a refused one.
struct TokenInfo
{
    qint64 userId = 0;
    QString name;
    QString avatar;
    //! The `exp` claim; invalid when absent.
    QDateTime expiresAt;

    //! \brief True when the token has an expiry at or before \a now.
    bool isExpired(const QDateTime &now = QDateTime::currentDateTimeUtc()) const
    {
        return expiresAt.isValid() && expiresAt <= now;
    }

    //! \brief The claims of a compact JWT; nullopt when \a token is not one.
    static std::optional<TokenInfo> parse(const QString &token);
};

} // namespace chat::ui
