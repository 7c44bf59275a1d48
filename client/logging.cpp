// SPDX-License-Identifier: MIT
#include "logging.h"

Q_LOGGING_CATEGORY(lcUiSession, "chat.ui.session", QtInfoMsg)
Q_LOGGING_CATEGORY(lcUiCommunity, "chat.ui.community", QtInfoMsg)
Q_LOGGING_CATEGORY(lcUiSettings, "chat.ui.settings", QtInfoMsg)
