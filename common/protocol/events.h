// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QString>

#include <optional>

//! The event catalogue of the chat protocol (docs/protocol.md), declared once.
//! Append only: names are the wire contract, and the enum values may be stored.
namespace chat::events {

// X(Enumerator, "wire name")
#define CHAT_CLIENT_EVENTS(X) \
    X(RoomList, "room:list") \
    X(RoomJoin, "room:join") \
    X(RoomLeave, "room:leave") \
    X(RoomMembers, "room:members") \
    X(MessageSend, "message:send") \
    X(MessageEdit, "message:edit") \
    X(MessageDelete, "message:delete") \
    X(MessageHistory, "message:history") \
    X(RoomRead, "room:read") \
    X(TypingStart, "typing:start") \
    X(TypingStop, "typing:stop") \
    X(PrivateStart, "private:start") \
    X(InboxList, "inbox:list") \
    X(UserBlock, "user:block") \
    X(UserUnblock, "user:unblock") \
    X(RandomFind, "random:find") \
    X(RandomEnd, "random:end") \
    X(RandomNext, "random:next") \
    X(RandomCancel, "random:cancel") \
    X(RandomReport, "random:report") \
    X(PresenceQuery, "presence:query") \
    X(ReportsList, "reports:list") \
    X(ReportResolve, "report:resolve") \
    X(UserBan, "user:ban") \
    X(UserUnban, "user:unban") \
    X(RoomCreate, "room:create") \
    X(RoomUpdate, "room:update") \
    X(RoomArchive, "room:archive") \
    X(Stats, "stats")

#define CHAT_SERVER_EVENTS(X) \
    X(RoomHistory, "room:history") \
    X(RoomUsers, "room:users") \
    X(RoomPresence, "room:presence") \
    X(MessageNew, "message:new") \
    X(MessageUpdated, "message:updated") \
    X(MessageDeleted, "message:deleted") \
    X(RoomReadReceipt, "room:read") \
    X(TypingShow, "typing:show") \
    X(TypingHide, "typing:hide") \
    X(PrivateRoom, "private:room") \
    X(InboxData, "inbox:data") \
    X(RandomWaiting, "random:waiting") \
    X(RandomMatched, "random:matched") \
    X(RandomEnded, "random:ended") \
    X(RandomBanned, "random:banned") \
    X(PresenceUpdate, "presence:update") \
    X(ChatError, "chat:error")

// Error codes of protocol.md §3.
#define CHAT_ERROR_CODES(X) \
    X(InvalidPayload, "invalid_payload") \
    X(Unauthorized, "unauthorized") \
    X(Forbidden, "forbidden") \
    X(NotFound, "not_found") \
    X(MessageTooLong, "message_too_long") \
    X(RateLimited, "rate_limited") \
    X(Banned, "banned") \
    X(Blocked, "blocked") \
    X(TooManyConnections, "too_many_connections") \
    X(ServerError, "server_error")

#define CHAT_ENUMERATOR(name, wire) name,

enum class ClientEvent { CHAT_CLIENT_EVENTS(CHAT_ENUMERATOR) };
enum class ServerEvent { CHAT_SERVER_EVENTS(CHAT_ENUMERATOR) };
enum class ErrorCode { CHAT_ERROR_CODES(CHAT_ENUMERATOR) };

#undef CHAT_ENUMERATOR

QString name(ClientEvent event);
QString name(ServerEvent event);
QString name(ErrorCode code);

std::optional<ClientEvent> clientEventFromName(QStringView name);
std::optional<ErrorCode> errorCodeFromName(QStringView name);

} // namespace chat::events
