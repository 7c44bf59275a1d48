// SPDX-License-Identifier: MIT
#include "selftest.h"

#include "histogram.h"
#include "jsonscan.h"
#include "token.h"
#include "wsclient.h"
#include "wsframe.h"

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace bench {

namespace {

int g_failures = 0;
int g_checks = 0;

void check(bool condition, const char *what, int line)
{
    ++g_checks;
    if (!condition) {
        ++g_failures;
        std::fprintf(stderr, "selftest: FAILED line %d: %s\n", line, what);
    }
}

#define CHECK(condition) check((condition), #condition, __LINE__)

uint32_t g_state = 12345;
uint8_t nextByte()
{
    g_state = g_state * 1103515245u + 12345u;
    return uint8_t(g_state >> 16);
}

void testMask()
{
    // Every length around the word size, every start offset (alignment), random keys.
    for (size_t offset = 0; offset < 8; ++offset) {
        for (size_t length = 0; length < 70; ++length) {
            std::vector<char> a(offset + length), b;
            for (auto &byte : a)
                byte = char(nextByte());
            b = a;
            const uint8_t key[4] = {nextByte(), nextByte(), nextByte(), nextByte()};
            ws::mask(a.data() + offset, length, key);
            ws::maskBytewise(b.data() + offset, length, key);
            CHECK(a == b);
            ws::mask(a.data() + offset, length, key);
            ws::maskBytewise(b.data() + offset, length, key);
            CHECK(a == b);
        }
    }
}

void testClientFrames()
{
    for (const size_t length : {size_t(0), size_t(1), size_t(125), size_t(126), size_t(65535),
                                size_t(65536), size_t(70001)}) {
        std::string payload(length, '\0');
        for (auto &byte : payload)
            byte = char(nextByte());
        std::string frame;
        ws::appendFrame(frame, ws::Text, payload, 0xA1B2C3D4u);
        ws::Header header;
        const auto *bytes = reinterpret_cast<const uint8_t *>(frame.data());
        CHECK(ws::parseHeader(bytes, frame.size(), header) == ws::ParseResult::Ok);
        CHECK(header.fin && header.masked && header.opcode == ws::Text);
        CHECK(header.payloadLength == length);
        CHECK(header.headerLength + length == frame.size());
        CHECK(header.headerLength == (length < 126 ? 6u : length <= 0xFFFF ? 8u : 14u));
        std::string unmasked = frame.substr(header.headerLength);
        ws::mask(unmasked.data(), unmasked.size(), header.maskKey);
        CHECK(unmasked == payload);
        // Every strict prefix of the header is incomplete, never invalid.
        for (size_t cut = 0; cut < header.headerLength; ++cut)
            CHECK(ws::parseHeader(bytes, cut, header) == ws::ParseResult::Incomplete);
    }
}

void testServerFrames()
{
    // A text message in three fragments with a ping between them, as a server may send it.
    std::string stream;
    ws::appendServerFrame(stream, ws::Text, "42[\"message:", false);
    ws::appendServerFrame(stream, ws::Ping, "p");
    ws::appendServerFrame(stream, ws::Continuation, "new\",{\"id\":7", false);
    ws::appendServerFrame(stream, ws::Continuation, "}]", true);
    std::string assembled;
    std::vector<uint8_t> opcodes;
    size_t pos = 0;
    bool fin = false;
    while (pos < stream.size()) {
        ws::Header header;
        const auto result = ws::parseHeader(reinterpret_cast<const uint8_t *>(stream.data()) + pos,
                                            stream.size() - pos, header);
        CHECK(result == ws::ParseResult::Ok);
        if (result != ws::ParseResult::Ok)
            return;
        CHECK(!header.masked);
        opcodes.push_back(header.opcode);
        if (header.opcode != ws::Ping)
            assembled.append(stream, pos + header.headerLength, size_t(header.payloadLength));
        fin = header.fin;
        pos += header.headerLength + size_t(header.payloadLength);
    }
    CHECK(fin);
    CHECK((opcodes
           == std::vector<uint8_t>{ws::Text, ws::Ping, ws::Continuation, ws::Continuation}));
    CHECK(assembled == "42[\"message:new\",{\"id\":7}]");

    // A 64-bit length frame from a server.
    std::string large;
    ws::appendServerFrame(large, ws::Binary, std::string(70000, 'z'));
    ws::Header header;
    CHECK(ws::parseHeader(reinterpret_cast<const uint8_t *>(large.data()), large.size(), header)
          == ws::ParseResult::Ok);
    CHECK(header.payloadLength == 70000 && header.headerLength == 10);

    const auto parse = [](std::initializer_list<uint8_t> bytes) {
        const std::vector<uint8_t> data(bytes);
        ws::Header h;
        return ws::parseHeader(data.data(), data.size(), h);
    };
    CHECK(parse({0xC1, 0x00}) == ws::ParseResult::Invalid); // RSV1 without an extension
    CHECK(parse({0x83, 0x00}) == ws::ParseResult::Invalid); // reserved opcode
    CHECK(parse({0x09, 0x00}) == ws::ParseResult::Invalid); // fragmented ping
    CHECK(parse({0x89, 0x7E, 0x00, 0x7E}) == ws::ParseResult::Invalid); // long ping
    CHECK(parse({0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0}) == ws::ParseResult::Invalid);
}

void testUpgrade()
{
    // RFC 6455 §1.3.
    CHECK(ws::acceptFor("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    const std::string key = ws::makeKey(1, 2);
    CHECK(key.size() == 24);
    const std::string good = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                             "Connection: Upgrade\r\nsec-websocket-accept: "
            + ws::acceptFor(key) + "\r\n\r\n\x81\x01" + "2";
    size_t length = 0;
    CHECK(ws::checkUpgradeResponse(good, key, length) == ws::UpgradeResult::Accepted);
    CHECK(length == good.size() - 3);
    CHECK(ws::checkUpgradeResponse(good.substr(0, 40), key, length)
          == ws::UpgradeResult::Incomplete);
    const std::string wrongKey = "HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: "
                                 "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
    CHECK(ws::checkUpgradeResponse(wrongKey, key, length) == ws::UpgradeResult::Refused);
    CHECK(ws::checkUpgradeResponse("HTTP/1.1 400 Bad Request\r\n\r\n", key, length)
          == ws::UpgradeResult::Refused);
    const std::string request = ws::upgradeRequest("127.0.0.1:80", "/socket.io/?EIO=4", key);
    CHECK(request.rfind("GET /socket.io/?EIO=4 HTTP/1.1\r\n", 0) == 0);
    CHECK(request.find("\r\nSec-WebSocket-Key: " + key + "\r\n") != std::string::npos);
}

void testJson()
{
    const std::string_view message
            = R"({"id":42,"roomId":1,"user":{"id":7,"name":"a \"}] b","avatar":""},)"
              R"("message":"#B123:4:5:xx","type":"text","replyTo":null,"deleted":false})";
    CHECK(json::member(message, "id") == std::string_view("42"));
    CHECK(json::member(message, "message") == std::string_view("\"#B123:4:5:xx\""));
    CHECK(json::member(message, "replyTo") == std::string_view("null"));
    CHECK(json::member(message, "deleted") == std::string_view("false"));
    CHECK(!json::member(message, "name"));
    const auto user = json::member(message, "user");
    CHECK(user && json::member(*user, "id") == std::string_view("7"));
    CHECK(user && json::toString(*json::member(*user, "name")) == std::string("a \"}] b"));
    CHECK(json::valueEnd(message, 0) == message.size());
    CHECK(json::valueEnd(message.substr(0, 30), 0) == json::npos);

    const std::string_view ack = R"([{"ok":true,"room":{"id":3,"slug":"x"}}] )";
    const auto first = json::element(ack, 0);
    CHECK(first && json::member(*first, "ok") == std::string_view("true"));
    CHECK(!json::element(ack, 1));
    const std::string_view spaced = R"( { "a" : [ 1 , {"b":"]"} , "\\" ] , "c" : -12 } )";
    CHECK(json::toInt(*json::member(spaced, "c")) == -12);
    std::vector<std::string> elements;
    CHECK(json::forEachElement(*json::member(spaced, "a"),
                               [&](std::string_view e) { elements.emplace_back(e); }));
    CHECK((elements == std::vector<std::string>{"1", R"({"b":"]"})", R"("\\")"}));
    CHECK(json::toString(R"("\\")") == std::string("\\"));
    CHECK(json::toString(R"("\u00e9\ud83d\ude00\n")") == std::string("\xC3\xA9\xF0\x9F\x98\x80\n"));
    CHECK(!json::toInt("1.5"));
    CHECK(!json::toInt("12345678901234567890"));
    CHECK(!json::forEachElement("[1,2", [](std::string_view) {}));
    std::string quoted;
    json::appendQuoted(quoted, "a\"b\\c\n\x01");
    CHECK(quoted == R"("a\"b\\c\n\u0001")");
}

void testToken()
{
    // Computed independently with node:crypto (createHmac('sha256', ...), base64url).
    TokenClaims claims;
    claims.userId = 1000042;
    claims.name = "bench 42";
    claims.exp = 2000000000;
    CHECK(mintToken("bench-secret", claims)
          == "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
             "eyJ1c2VyX2lkIjoxMDAwMDQyLCJuYW1lIjoiYmVuY2ggNDIiLCJhdmF0YXIiOiIiLCJtZW1iZXJzaGlw"
             "IjoiZnJlZSIsImV4cCI6MjAwMDAwMDAwMH0.mGAabTemRJUGhnDM_un0osHuv9zkDjc496i7E_jMUC4");
    CHECK(base64Url("\xfb\xff") == "-_8");
}

void testHistogram()
{
    Histogram h;
    for (int64_t v = 1; v <= 100000; ++v)
        h.record(v);
    CHECK(h.count() == 100000);
    CHECK(h.max() == 100000 && h.min() == 1);
    const auto near = [](int64_t value, int64_t expected) {
        return value >= expected * 98 / 100 && value <= expected * 102 / 100;
    };
    CHECK(near(h.percentile(50), 50000));
    CHECK(near(h.percentile(99), 99000));
    CHECK(h.percentile(100) == 100000);
    for (int b = 1; b < Histogram::Buckets; ++b)
        CHECK(Histogram::bucketLow(b)
              == Histogram::bucketLow(b - 1) + Histogram::bucketWidth(b - 1));
    for (const int64_t v :
         {int64_t(0), int64_t(127), int64_t(128), int64_t(1) << 20, Histogram::MaxValue}) {
        const int b = Histogram::bucketOf(v);
        CHECK(v >= Histogram::bucketLow(b)
              && v < Histogram::bucketLow(b) + Histogram::bucketWidth(b));
    }
    Histogram other;
    other.record(5000000);
    h.merge(other);
    CHECK(h.max() == 5000000 && h.count() == 100001);
}

} // namespace

int runSelfTest()
{
    testMask();
    testClientFrames();
    testServerFrames();
    testUpgrade();
    testJson();
    testToken();
    testHistogram();
    std::printf("selftest: %d checks, %d failed\n", g_checks, g_failures);
    return g_failures == 0 ? 0 : 1;
}

} // namespace bench
