// SPDX-License-Identifier: MIT
#include "logging.h"

namespace chat::auth {

Q_LOGGING_CATEGORY(lcAuth, "chat.auth", QtInfoMsg)

} // namespace chat::auth
