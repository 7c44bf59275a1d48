// SPDX-License-Identifier: MIT
#pragma once

#include "client/socketioclient.h"
#include "protocol/json.h"

#include <QtCore/QByteArray>

#include <memory>

//! Helpers for tests of the C++ Socket.IO client, against a fake server or the real one.
namespace chat::test {

//! Compact JSON that also renders binary values (toJson() writes them as null), so that
//! failed comparisons show them.
QByteArray dump(const JsonValue &value);
QByteArray dump(const JsonArray &array);
//! \a text parsed; a string saying so when it is not JSON (a mistake in the test).
JsonValue json(const char *text);
JsonArray jsonArray(const char *text);
JsonValue bin(const QByteArray &bytes);

//! \brief Records what an emitWithAck() got back.
struct AckProbe
{
    int acks = 0;
    int errors = 0;
    JsonArray args;
    SocketIoClient::AckError error{};
};

SocketIoClient::AckCallback onAck(const std::shared_ptr<AckProbe> &probe);
SocketIoClient::AckErrorCallback onError(const std::shared_ptr<AckProbe> &probe);

} // namespace chat::test
