// SPDX-License-Identifier: MIT
// Sign-in over the wire (protocol.md §2): every kind of bad token is refused with CONNECT_ERROR
// {"message":"unauthorized"}, whichever way it comes (auth payload, Authorization header,
// token query); a good token is accepted each of those ways and says who the user is.
#include "chattestkit.h"

#include "auth/jwt.h"

#include <QtCore/QDateTime>
#include <QtCore/QMessageAuthenticationCode>
#include <QtTest/QTest>

#include <memory>

using namespace chat;
using namespace chat::test;
using namespace Qt::StringLiterals;

namespace {

enum class Via { AuthPayload, BearerHeader, TokenQuery };

const char *viaName(Via via)
{
    switch (via) {
    case Via::AuthPayload:
        return "auth payload";
    case Via::BearerHeader:
        return "bearer header";
    case Via::TokenQuery:
        return "token query";
    }
    return "?";
}

qint64 now()
{
    return QDateTime::currentSecsSinceEpoch();
}

//! The claims of a good token for user 42, as JSON text, with \a changes applied: a key
//! mapped to "<absent>" is removed, any other value replaces (or adds) the claim.
QByteArray claims(const JsonObject &changes = {})
{
    JsonObject payload{{u"user_id"_s, JsonValue(42)},
                       {u"name"_s, u"Forty Two"_s},
                       {u"avatar"_s, u"https://example.test/42.png"_s},
                       {u"membership"_s, u"vip"_s},
                       {u"iat"_s, JsonValue(now())},
                       {u"exp"_s, JsonValue(now() + 600)}};
    for (const auto &[key, value] : changes) {
        if (value == JsonValue(u"<absent>"_s))
            payload.remove(key);
        else
            payload.insert(key, value);
    }
    return JsonValue(payload).toJson();
}

const QByteArray Hs256Header = QByteArrayLiteral(R"({"alg":"HS256","typ":"JWT"})");

QByteArray signedWith(const QByteArray &header, const QByteArray &payload)
{
    return auth::signJwt(header, payload, testSecret());
}

QByteArray unsignedToken(const QByteArray &header, const QByteArray &payload)
{
    return auth::base64UrlEncode(header) + '.' + auth::base64UrlEncode(payload) + '.';
}

QByteArray hs512Token(const QByteArray &payload)
{
    const QByteArray input = auth::base64UrlEncode(R"({"alg":"HS512","typ":"JWT"})") + '.'
            + auth::base64UrlEncode(payload);
    return input + '.'
            + auth::base64UrlEncode(QMessageAuthenticationCode::hash(input, testSecret(),
                                                                     QCryptographicHash::Sha512));
}

SocketIoOptions optionsVia(Via via, const QUrl &url, const QByteArray &token)
{
    SocketIoOptions options = ChatClient::optionsFor(url);
    if (via == Via::BearerHeader)
        options.headers = {{QByteArrayLiteral("Authorization"), "Bearer " + token}};
    else if (via == Via::TokenQuery)
        options.query = {{u"token"_s, QString::fromLatin1(token)}};
    return options;
}

JsonValue authVia(Via via, const QByteArray &token)
{
    if (via != Via::AuthPayload)
        return {};
    return JsonObject{{u"token"_s, JsonValue(QString::fromLatin1(token))}};
}

} // namespace

Q_DECLARE_METATYPE(Via)

class tst_ChatAuth : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void refused_data();
    void refused();
    void accepted_data();
    void accepted();
    void refusalsTakeNoConnectionSlot();

private:
    std::unique_ptr<ChatServerFixture> m_fixture;
};

void tst_ChatAuth::initTestCase()
{
    m_fixture = std::make_unique<ChatServerFixture>();
    QString error;
    QVERIFY2(m_fixture->start(&error), qPrintable(error));
}

void tst_ChatAuth::cleanupTestCase()
{
    QVERIFY(m_fixture->stop());
}

void tst_ChatAuth::refused_data()
{
    QTest::addColumn<Via>("via");
    QTest::addColumn<QByteArray>("token");

    const QByteArray good = claims();
    const QByteArray valid = signedWith(Hs256Header, good);
    QByteArray tampered = valid;
    tampered[tampered.lastIndexOf('.') + 3]
            = tampered.at(tampered.lastIndexOf('.') + 3) == 'A' ? 'B' : 'A';
    const QByteArray otherUser = signedWith(Hs256Header, claims({{u"user_id"_s, JsonValue(1)}}));
    // The payload of another token under this token's signature.
    const QByteArray swapped = valid.left(valid.indexOf('.') + 1)
            + otherUser.mid(otherUser.indexOf('.') + 1,
                            otherUser.lastIndexOf('.') - otherUser.indexOf('.') - 1)
            + valid.mid(valid.lastIndexOf('.'));

    const QList<std::pair<const char *, QByteArray>> tokens = {
            {"alg none, no signature", unsignedToken(R"({"alg":"none","typ":"JWT"})", good)},
            {"alg none, HS256 signature", signedWith(R"({"alg":"none","typ":"JWT"})", good)},
            {"alg None", unsignedToken(R"({"alg":"None"})", good)},
            {"alg missing", signedWith(R"({"typ":"JWT"})", good)},
            {"alg hs256 in lower case", signedWith(R"({"alg":"hs256","typ":"JWT"})", good)},
            {"HS512", hs512Token(good)},
            {"HS384 header", signedWith(R"({"alg":"HS384","typ":"JWT"})", good)},
            {"RS256 signed with the secret as HMAC key",
             signedWith(R"({"alg":"RS256","typ":"JWT"})", good)},
            {"RS256 with a made-up signature",
             unsignedToken(R"({"alg":"RS256","typ":"JWT"})", good) + "c2lnbmF0dXJl"},
            {"bad signature", tampered},
            {"another secret", auth::signJwt(Hs256Header, good, "not the secret")},
            {"payload swapped under a signature", swapped},
            {"signature missing", valid.left(valid.lastIndexOf('.') + 1)},
            {"expired", signedWith(Hs256Header, claims({{u"exp"_s, JsonValue(now() - 5)}}))},
            {"expired long ago", signedWith(Hs256Header, claims({{u"exp"_s, JsonValue(1000)}}))},
            {"nbf in the future",
             signedWith(Hs256Header, claims({{u"nbf"_s, JsonValue(now() + 300)}}))},
            {"missing exp", signedWith(Hs256Header, claims({{u"exp"_s, u"<absent>"_s}}))},
            {"exp a string",
             signedWith(Hs256Header,
                        claims({{u"exp"_s, JsonValue(QString::number(now() + 600))}}))},
            {"missing user_id", signedWith(Hs256Header, claims({{u"user_id"_s, u"<absent>"_s}}))},
            {"user_id a string", signedWith(Hs256Header, claims({{u"user_id"_s, u"42"_s}}))},
            {"user_id a float", signedWith(Hs256Header, claims({{u"user_id"_s, JsonValue(42.5)}}))},
            {"user_id zero", signedWith(Hs256Header, claims({{u"user_id"_s, JsonValue(0)}}))},
            {"user_id negative", signedWith(Hs256Header, claims({{u"user_id"_s, JsonValue(-42)}}))},
            {"user_id 2^53",
             signedWith(Hs256Header, claims({{u"user_id"_s, JsonValue(qint64(1) << 53)}}))},
            {"user_id null", signedWith(Hs256Header, claims({{u"user_id"_s, JsonValue()}}))},
            {"role unknown", signedWith(Hs256Header, claims({{u"role"_s, u"superuser"_s}}))},
            {"membership unknown", signedWith(Hs256Header, claims({{u"membership"_s, u"gold"_s}}))},
            {"payload not an object", signedWith(Hs256Header, "[42]")},
            {"not a JWT", "hello"},
            {"two segments", valid.left(valid.lastIndexOf('.'))},
            {"four segments", valid + ".x"},
    };
    for (const Via via : {Via::AuthPayload, Via::BearerHeader, Via::TokenQuery}) {
        for (const auto &[name, token] : tokens)
            QTest::addRow("%s/%s", viaName(via), name) << via << token;
    }
}

void tst_ChatAuth::refused()
{
    QFETCH(Via, via);
    QFETCH(QByteArray, token);
    ChatClient client(optionsVia(via, m_fixture->url(), token));
    const JsonValue refusal = client.refusalFor(authVia(via, token));
    QCOMPARE(toString(refusal), u"{\"message\":\"unauthorized\"}"_s);
    QVERIFY(!client.isConnected());
}

void tst_ChatAuth::accepted_data()
{
    QTest::addColumn<Via>("via");
    QTest::addColumn<QByteArray>("token");
    // A user per row: a row's connection may still count while the next one connects.
    qint64 userId = 42;
    for (const Via via : {Via::AuthPayload, Via::BearerHeader, Via::TokenQuery}) {
        QTest::addRow("%s", viaName(via))
                << via << signedWith(Hs256Header, claims({{u"user_id"_s, JsonValue(userId++)}}));
    }
    // Claims a token may or may not have.
    QTest::addRow("nbf in the past") << Via::AuthPayload
                                     << signedWith(Hs256Header,
                                                   claims({{u"user_id"_s, JsonValue(userId++)},
                                                           {u"nbf"_s, JsonValue(now() - 60)}}));
    QTest::addRow("avatar null") << Via::AuthPayload
                                 << signedWith(Hs256Header,
                                               claims({{u"user_id"_s, JsonValue(userId++)},
                                                       {u"avatar"_s, JsonValue()}}));
    QTest::addRow("no typ") << Via::AuthPayload
                            << signedWith(R"({"alg":"HS256"})",
                                          claims({{u"user_id"_s, JsonValue(userId++)}}));
    QTest::addRow("user_id 2^53 - 1")
            << Via::AuthPayload
            << signedWith(Hs256Header, claims({{u"user_id"_s, JsonValue((qint64(1) << 53) - 1)}}));
}

void tst_ChatAuth::accepted()
{
    QFETCH(Via, via);
    QFETCH(QByteArray, token);
    ChatClient client(optionsVia(via, m_fixture->url(), token));
    QVERIFY2(client.connectWith(authVia(via, token)),
             qPrintable(u"refused: "_s + toString(client.lastRefusal())));

    // The server knows who this is: the user object of the messages is the token's.
    const std::optional<QByteArray> claimsJson = auth::base64UrlDecode(
            token.mid(token.indexOf('.') + 1, token.lastIndexOf('.') - token.indexOf('.') - 1));
    QVERIFY(claimsJson);
    const JsonValue claimed = json(*claimsJson);
    const qint64 general = client.roomId(u"general"_s);
    QVERIFY(isOk(client.join(u"general"_s)));
    const JsonValue sent = client.say(
            general, u"signed in %1"_s.arg(QString::fromLatin1(QTest::currentDataTag())));
    QVERIFY2(isOk(sent), dump(sent).constData());
    QTRY_COMPARE(client.count(u"message:new"_s), 1);
    const JsonValue user = client.payloads(u"message:new"_s).at(0)[u"user"_s];
    QCOMPARE(user[u"id"_s].toInteger(), claimed[u"user_id"_s].toInteger());
    QCOMPARE(user[u"name"_s].toString(), claimed[u"name"_s].toString());
    QCOMPARE(user[u"avatar"_s].toString(), claimed[u"avatar"_s].toString());
}

void tst_ChatAuth::refusalsTakeNoConnectionSlot()
{
    const QByteArray expired = signedWith(
            Hs256Header, claims({{u"user_id"_s, JsonValue(77)}, {u"exp"_s, JsonValue(now() - 5)}}));
    for (int i = 0; i < 5; ++i) {
        ChatClient refused(m_fixture->url());
        QCOMPARE(toString(refused.refusalFor(
                         JsonObject{{u"token"_s, JsonValue(QString::fromLatin1(expired))}})),
                 u"{\"message\":\"unauthorized\"}"_s);
    }
    QList<std::shared_ptr<ChatClient>> tabs;
    for (int i = 0; i < 3; ++i) {
        tabs.append(std::make_shared<ChatClient>(m_fixture->url()));
        QVERIFY(tabs.last()->signIn(memberToken(77)));
    }
}

QTEST_GUILESS_MAIN(tst_ChatAuth)
#include "tst_chatauth.moc"
