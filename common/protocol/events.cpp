// SPDX-License-Identifier: MIT
#include "events.h"

#include <QtCore/QHash>

namespace chat::events {

namespace {

// Built once from the catalogue; the views point at string literals, which live as long as
// the program.
template<typename Enum>
using NameTable = QHash<QStringView, Enum>;

const NameTable<ClientEvent> &clientEventTable()
{
#define CHAT_TABLE_ENTRY(name, wire) table.insert(QStringView(u"" wire), ClientEvent::name);
    static const NameTable<ClientEvent> table = [] {
        NameTable<ClientEvent> table;
        CHAT_CLIENT_EVENTS(CHAT_TABLE_ENTRY)
        return table;
    }();
#undef CHAT_TABLE_ENTRY
    return table;
}

const NameTable<ErrorCode> &errorCodeTable()
{
#define CHAT_TABLE_ENTRY(name, wire) table.insert(QStringView(u"" wire), ErrorCode::name);
    static const NameTable<ErrorCode> table = [] {
        NameTable<ErrorCode> table;
        CHAT_ERROR_CODES(CHAT_TABLE_ENTRY)
        return table;
    }();
#undef CHAT_TABLE_ENTRY
    return table;
}

template<typename Enum>
std::optional<Enum> lookup(const NameTable<Enum> &table, QStringView name)
{
    const auto it = table.constFind(name);
    if (it == table.constEnd())
        return std::nullopt;
    return *it;
}

} // namespace

#define CHAT_NAME_CASE(Enum, name, wire) \
    case Enum::name: \
        return QStringLiteral(wire);
#define CHAT_CLIENT_CASE(name, wire) CHAT_NAME_CASE(ClientEvent, name, wire)
#define CHAT_SERVER_CASE(name, wire) CHAT_NAME_CASE(ServerEvent, name, wire)
#define CHAT_ERROR_CASE(name, wire) CHAT_NAME_CASE(ErrorCode, name, wire)

QString name(ClientEvent event)
{
    switch (event) {
        CHAT_CLIENT_EVENTS(CHAT_CLIENT_CASE)
    }
    return QString();
}

QString name(ServerEvent event)
{
    switch (event) {
        CHAT_SERVER_EVENTS(CHAT_SERVER_CASE)
    }
    return QString();
}

QString name(ErrorCode code)
{
    switch (code) {
        CHAT_ERROR_CODES(CHAT_ERROR_CASE)
    }
    return QString();
}

#undef CHAT_ERROR_CASE
#undef CHAT_SERVER_CASE
#undef CHAT_CLIENT_CASE
#undef CHAT_NAME_CASE

std::optional<ClientEvent> clientEventFromName(QStringView name)
{
    return lookup(clientEventTable(), name);
}

std::optional<ErrorCode> errorCodeFromName(QStringView name)
{
    return lookup(errorCodeTable(), name);
}

} // namespace chat::events
