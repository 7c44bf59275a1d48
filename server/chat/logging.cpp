// SPDX-License-Identifier: MIT
#include "logging.h"

Q_LOGGING_CATEGORY(lcChat, "chat.domain", QtWarningMsg)
