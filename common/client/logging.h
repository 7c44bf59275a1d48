// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QLoggingCategory>

//! "chat.client": connection state, reconnects, protocol errors of the Socket.IO client.
Q_DECLARE_LOGGING_CATEGORY(lcClient)
//! "chat.client.wire": every frame sent and received (debug level, off by default).
Q_DECLARE_LOGGING_CATEGORY(lcClientWire)
