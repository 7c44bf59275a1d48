// SPDX-License-Identifier: MIT
#include "clienttesting.h"

using namespace Qt::StringLiterals;

namespace chat::test {

QByteArray dump(const JsonValue &value)
{
    switch (value.type()) {
    case JsonValue::Type::Binary:
        return "<binary:" + value.toBinary().toHex() + '>';
    case JsonValue::Type::Array: {
        QByteArray out = "[";
        const JsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i)
            out += (i ? "," : "") + dump(array.at(i));
        return out + ']';
    }
    case JsonValue::Type::Object: {
        QByteArray out = "{";
        bool first = true;
        for (const auto &[key, member] : value.toObject()) {
            out += (first ? "" : ",") + JsonValue(key).toJson() + ':' + dump(member);
            first = false;
        }
        return out + '}';
    }
    default:
        return value.toJson();
    }
}

QByteArray dump(const JsonArray &array)
{
    return dump(JsonValue(array));
}

JsonValue json(const char *text)
{
    const std::optional<JsonValue> value = JsonValue::parse(QByteArrayView(text));
    return value ? *value : JsonValue(u"<invalid test JSON>"_s);
}

JsonArray jsonArray(const char *text)
{
    return json(text).toArray();
}

JsonValue bin(const QByteArray &bytes)
{
    return JsonValue::fromBinary(bytes);
}

SocketIoClient::AckCallback onAck(const std::shared_ptr<AckProbe> &probe)
{
    return [probe](const JsonArray &args) {
        ++probe->acks;
        probe->args = args;
    };
}

SocketIoClient::AckErrorCallback onError(const std::shared_ptr<AckProbe> &probe)
{
    return [probe](SocketIoClient::AckError error) {
        ++probe->errors;
        probe->error = error;
    };
}

} // namespace chat::test
