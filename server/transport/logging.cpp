// SPDX-License-Identifier: MIT
#include "logging.h"

Q_LOGGING_CATEGORY(lcHttpFrontend, "chat.transport.http", QtWarningMsg)
Q_LOGGING_CATEGORY(lcEngineIo, "chat.transport.engineio", QtWarningMsg)
Q_LOGGING_CATEGORY(lcSocketIo, "chat.transport.socketio", QtWarningMsg)
Q_LOGGING_CATEGORY(lcIo, "chat.transport.io", QtWarningMsg)
