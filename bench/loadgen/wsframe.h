// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

//! The client side of RFC 6455 framing: masked frames out, unmasked (or masked) frames in.
namespace bench::ws {

enum Opcode : uint8_t {
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
};

//! XORs \a data with the 4-byte \a key, eight bytes at a time.
void mask(char *data, size_t length, const uint8_t key[4]);
//! The byte-by-byte definition of mask(), kept to check it.
void maskBytewise(char *data, size_t length, const uint8_t key[4]);

//! Appends one masked frame (FIN set unless \a fin is false) to \a out.
void appendFrame(std::string &out, uint8_t opcode, std::string_view payload, uint32_t maskKey,
                 bool fin = true);
//! Appends an unmasked frame, as a server writes it (for the self-test).
void appendServerFrame(std::string &out, uint8_t opcode, std::string_view payload, bool fin = true);

struct Header
{
    bool fin = false;
    uint8_t opcode = 0;
    bool masked = false;
    uint8_t maskKey[4] = {};
    uint64_t payloadLength = 0;
    size_t headerLength = 0;
};

enum class ParseResult { Incomplete, Ok, Invalid };

//! Parses the frame header at \a data. Invalid: reserved bits or opcodes, a fragmented or
//! oversized control frame, a 64-bit length with its top bit set.
ParseResult parseHeader(const uint8_t *data, size_t length, Header &header);

//! The Sec-WebSocket-Accept value the server must answer to \a key.
std::string acceptFor(std::string_view key);

} // namespace bench::ws
