// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QLoggingCategory>

namespace chat::auth {

//! \brief Token verification and password hashing ("chat.auth").
Q_DECLARE_LOGGING_CATEGORY(lcAuth)

} // namespace chat::auth
