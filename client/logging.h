// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QLoggingCategory>

//! "chat.ui.session": sign-in, tokens, connection state of the member app.
Q_DECLARE_LOGGING_CATEGORY(lcUiSession)
//! "chat.ui.community": rooms, messages, the outbox of the member app.
Q_DECLARE_LOGGING_CATEGORY(lcUiCommunity)
//! "chat.ui.settings": stored preferences, theme and language.
Q_DECLARE_LOGGING_CATEGORY(lcUiSettings)
