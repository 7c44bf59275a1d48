// SPDX-License-Identifier: MIT
#include "logging.h"

namespace chat::storage {

Q_LOGGING_CATEGORY(lcStorage, "chat.storage", QtInfoMsg)

} // namespace chat::storage
