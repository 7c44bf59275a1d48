// SPDX-License-Identifier: MIT
#include "logging.h"

Q_LOGGING_CATEGORY(lcClient, "chat.client", QtWarningMsg)
Q_LOGGING_CATEGORY(lcClientWire, "chat.client.wire", QtWarningMsg)
