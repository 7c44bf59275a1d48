// SPDX-License-Identifier: MIT
#include "auth/jwt.h"

#include <QtCore/QDateTime>
#include <QtCore/QMessageAuthenticationCode>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using chat::auth::Identity;
using chat::auth::JwtClaims;
using chat::auth::JwtError;
using chat::auth::JwtVerifier;
using chat::auth::Membership;
using chat::auth::Role;

Q_DECLARE_METATYPE(chat::auth::Identity)
Q_DECLARE_METATYPE(chat::auth::JwtError)

namespace {

const QByteArray Secret = "a shared secret of the host site, 40 chars"_ba;
// 2027-01-15T08:00:00Z: a fixed "now" keeps every row independent of the clock.
constexpr qint64 NowSeconds = 1800000000;
constexpr qint64 NowMsecs = NowSeconds * 1000;

QByteArray b64(QByteArrayView data)
{
    return data.toByteArray().toBase64(QByteArray::Base64UrlEncoding
                                       | QByteArray::OmitTrailingEquals);
}

// An HMAC from Qt's own implementation, independent of the code under test.
QByteArray sign(QByteArrayView signingInput, QByteArrayView key = Secret)
{
    return b64(QMessageAuthenticationCode::hash(signingInput.toByteArray(), key.toByteArray(),
                                                QCryptographicHash::Sha256));
}

// Header and payload JSON as given, signed correctly.
QByteArray token(QByteArrayView header, QByteArrayView payload, QByteArrayView key = Secret)
{
    const QByteArray input = b64(header) + '.' + b64(payload);
    return input + '.' + sign(input, key);
}

QByteArray hs256(QByteArrayView payload)
{
    return token(R"({"alg":"HS256","typ":"JWT"})", payload);
}

QByteArray payload(const QByteArray &fields)
{
    return "{" + fields + "}";
}

const QByteArray Minimal = R"("user_id":42,"name":"Ann","exp":1800000600)";

} // namespace

class tst_Jwt : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void refusals_data();
    void refusals();
    void acceptance_data();
    void acceptance();
    void interoperatesWithOtherSigners();
    void leeway();
    void noSecretRefusesEverything();
    void mintRoundTrip();
    void base64Url_data();
    void base64Url();
    void bearer_data();
    void bearer();
};

void tst_Jwt::refusals_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<JwtError>("expected");

    const QByteArray good = hs256(payload(Minimal));
    const QList<QByteArray> parts = good.split('.');

    // Algorithms.
    QTest::newRow("alg none, no signature")
            << b64(R"({"alg":"none","typ":"JWT"})") + '.' + b64(payload(Minimal)) + '.'
            << JwtError::UnsupportedAlgorithm;
    QTest::newRow("alg none, signed")
            << token(R"({"alg":"none"})", payload(Minimal)) << JwtError::UnsupportedAlgorithm;
    QTest::newRow("alg HS512") << token(R"({"alg":"HS512","typ":"JWT"})", payload(Minimal))
                               << JwtError::UnsupportedAlgorithm;
    QTest::newRow("alg HS384") << token(R"({"alg":"HS384"})", payload(Minimal))
                               << JwtError::UnsupportedAlgorithm;
    QTest::newRow("alg RS256") << token(R"({"alg":"RS256","typ":"JWT"})", payload(Minimal))
                               << JwtError::UnsupportedAlgorithm;
    QTest::newRow("alg lower case")
            << token(R"({"alg":"hs256"})", payload(Minimal)) << JwtError::UnsupportedAlgorithm;
    QTest::newRow("alg missing") << token(R"({"typ":"JWT"})", payload(Minimal))
                                 << JwtError::UnsupportedAlgorithm;
    QTest::newRow("alg not a string")
            << token(R"({"alg":["HS256"]})", payload(Minimal)) << JwtError::UnsupportedAlgorithm;
    QTest::newRow("crit header") << token(R"({"alg":"HS256","crit":["exp"]})", payload(Minimal))
                                 << JwtError::UnsupportedHeader;
    QTest::newRow("typ not a string")
            << token(R"({"alg":"HS256","typ":1})", payload(Minimal)) << JwtError::UnsupportedHeader;

    // Signatures.
    QTest::newRow("bad signature (other secret)")
            << token(R"({"alg":"HS256"})", payload(Minimal), "another secret")
            << JwtError::BadSignature;
    QTest::newRow("signature of another payload") << parts[0] + '.'
                    + b64(payload(R"("user_id":1,"name":"Ann","exp":1800000600)")) + '.'
                    + parts[2] << JwtError::BadSignature;
    QTest::newRow("truncated signature")
            << parts[0] + '.' + parts[1] + '.' + parts[2].left(40) << JwtError::BadSignature;
    QTest::newRow("empty signature") << parts[0] + '.' + parts[1] + '.' << JwtError::BadSignature;

    // Times.
    QTest::newRow("expired") << hs256(R"({"user_id":42,"name":"Ann","exp":1799999999})")
                             << JwtError::Expired;
    QTest::newRow("expires this second")
            << hs256(R"({"user_id":42,"name":"Ann","exp":1800000000})") << JwtError::Expired;
    QTest::newRow("nbf in the future")
            << hs256(R"({"user_id":42,"name":"Ann","exp":1800000600,"nbf":1800000001})")
            << JwtError::NotYetValid;

    // Claims.
    QTest::newRow("missing user_id")
            << hs256(R"({"name":"Ann","exp":1800000600})") << JwtError::MissingClaim;
    QTest::newRow("user_id string")
            << hs256(R"({"user_id":"42","name":"Ann","exp":1800000600})") << JwtError::InvalidClaim;
    QTest::newRow("user_id float")
            << hs256(R"({"user_id":42.5,"name":"Ann","exp":1800000600})") << JwtError::InvalidClaim;
    QTest::newRow("user_id zero") << hs256(R"({"user_id":0,"name":"Ann","exp":1800000600})")
                                  << JwtError::InvalidClaim;
    QTest::newRow("user_id negative")
            << hs256(R"({"user_id":-3,"name":"Ann","exp":1800000600})") << JwtError::InvalidClaim;
    QTest::newRow("user_id 2^53") << hs256(
            R"({"user_id":9007199254740992,"name":"Ann","exp":1800000600})")
                                  << JwtError::InvalidClaim;
    QTest::newRow("user_id bool") << hs256(R"({"user_id":true,"name":"Ann","exp":1800000600})")
                                  << JwtError::InvalidClaim;
    QTest::newRow("user_id null") << hs256(R"({"user_id":null,"name":"Ann","exp":1800000600})")
                                  << JwtError::InvalidClaim;
    QTest::newRow("missing name") << hs256(R"({"user_id":42,"exp":1800000600})")
                                  << JwtError::MissingClaim;
    QTest::newRow("name number") << hs256(R"({"user_id":42,"name":7,"exp":1800000600})")
                                 << JwtError::InvalidClaim;
    QTest::newRow("avatar number")
            << hs256(R"({"user_id":42,"name":"Ann","avatar":5,"exp":1800000600})")
            << JwtError::InvalidClaim;
    QTest::newRow("membership unknown")
            << hs256(R"({"user_id":42,"name":"Ann","membership":"gold","exp":1800000600})")
            << JwtError::InvalidClaim;
    QTest::newRow("membership number")
            << hs256(R"({"user_id":42,"name":"Ann","membership":1,"exp":1800000600})")
            << JwtError::InvalidClaim;
    QTest::newRow("role unknown") << hs256(
            R"({"user_id":42,"name":"Ann","role":"owner","exp":1800000600})")
                                  << JwtError::InvalidClaim;
    QTest::newRow("missing exp") << hs256(R"({"user_id":42,"name":"Ann"})")
                                 << JwtError::MissingClaim;
    QTest::newRow("exp string") << hs256(R"({"user_id":42,"name":"Ann","exp":"1800000600"})")
                                << JwtError::InvalidClaim;
    QTest::newRow("nbf string") << hs256(
            R"({"user_id":42,"name":"Ann","exp":1800000600,"nbf":"0"})")
                                << JwtError::InvalidClaim;
    QTest::newRow("iat string") << hs256(
            R"({"user_id":42,"name":"Ann","exp":1800000600,"iat":"0"})")
                                << JwtError::InvalidClaim;

    // Structure and encoding.
    QTest::newRow("empty") << QByteArray() << JwtError::Malformed;
    QTest::newRow("one segment") << parts[0] << JwtError::Malformed;
    QTest::newRow("two segments") << parts[0] + '.' + parts[1] << JwtError::Malformed;
    QTest::newRow("four segments") << good + ".x" << JwtError::Malformed;
    QTest::newRow("only dots") << ".."_ba << JwtError::Malformed;
    QTest::newRow("bad base64 character")
            << "eyJ!bGciOiJIUzI1NiJ9." + parts[1] + '.' + parts[2] << JwtError::Malformed;
    QTest::newRow("base64 padding")
            << parts[0] + "==." + parts[1] + '.' + parts[2] << JwtError::Malformed;
    {
        // The standard alphabet's '+' and '/' are not base64url.
        QByteArray standard = parts[0];
        standard.replace('_', '/').replace('-', '+');
        if (standard == parts[0])
            standard[1] = '+';
        QTest::newRow("standard base64 alphabet")
                << standard + '.' + parts[1] + '.' + parts[2] << JwtError::Malformed;
    }
    {
        // Same bytes, different spelling: unused low bits set in the last character. Signed
        // as spelled, so only the canonical-encoding rule can refuse it.
        // 16 bytes: the last character carries 2 bits of '}' and 4 spare bits ("Q" = 010000).
        QByteArray spelled = b64(R"({"alg":"HS256" })");
        Q_ASSERT(spelled.back() == 'Q');
        spelled.back() = 'R';
        const QByteArray input = spelled + '.' + b64(payload(Minimal));
        QTest::newRow("non-canonical base64") << input + '.' + sign(input) << JwtError::Malformed;
    }
    QTest::newRow("length 1 mod 4 segment")
            << parts[0] + "A." + parts[1] + '.' + parts[2] << JwtError::Malformed;
    QTest::newRow("header not JSON") << token("not json", payload(Minimal)) << JwtError::Malformed;
    QTest::newRow("header JSON array")
            << token(R"(["HS256"])", payload(Minimal)) << JwtError::Malformed;
    QTest::newRow("payload not JSON") << hs256("user_id=42") << JwtError::Malformed;
    QTest::newRow("payload JSON array") << hs256("[42]") << JwtError::Malformed;
    QTest::newRow("payload trailing garbage")
            << hs256(QByteArray(payload(Minimal) + "x")) << JwtError::Malformed;
    QTest::newRow("too long") << hs256(
            payload(Minimal + R"(,"pad":")" + QByteArray(9000, 'x') + '"'))
                              << JwtError::Malformed;
}

void tst_Jwt::refusals()
{
    QFETCH(QByteArray, token);
    QFETCH(JwtError, expected);
    const JwtVerifier verifier(Secret);
    const auto result = verifier.verify(token, NowMsecs);
    QVERIFY(!result.isValid());
    QCOMPARE(result.error(), expected);
}

void tst_Jwt::acceptance_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<Identity>("identity");
    QTest::addColumn<qint64>("expiresAt");

    QTest::newRow("minimal") << hs256(payload(Minimal))
                             << Identity{42, u"Ann"_s, {}, Membership::Free, Role::Member}
                             << qint64(1800000600);
    QTest::newRow("every claim") << token(
            R"({"alg":"HS256","typ":"JWT","kid":"k1"})",
            R"({"user_id":7,"name":"Bình","avatar":"https://example.com/a.png",)"
            R"("membership":"vip","role":"moderator","exp":1800000600,"nbf":1800000000,)"
            R"("iat":1799999000,"iss":"wp"})")
                                 << Identity{7, u"Bình"_s, u"https://example.com/a.png"_s,
                                             Membership::Vip, Role::Moderator}
                                 << qint64(1800000600);
    QTest::newRow("admin, free") << hs256(
            R"({"user_id":1,"name":"","membership":"free","role":"admin","exp":1800000001})")
                                 << Identity{1, QString(), {}, Membership::Free, Role::Admin}
                                 << qint64(1800000001);
    QTest::newRow("largest safe user_id")
            << hs256(R"({"user_id":9007199254740991,"name":"Max","exp":1800000600})")
            << Identity{9007199254740991, u"Max"_s, {}, Membership::Free, Role::Member}
            << qint64(1800000600);
    QTest::newRow("user_id written as 42.0")
            << hs256(R"({"user_id":42.0,"name":"Ann","exp":1800000600})")
            << Identity{42, u"Ann"_s, {}, Membership::Free, Role::Member} << qint64(1800000600);
    QTest::newRow("fractional exp")
            << hs256(R"({"user_id":42,"name":"Ann","exp":1800000000.5})")
            << Identity{42, u"Ann"_s, {}, Membership::Free, Role::Member} << qint64(1800000000);
    QTest::newRow("null avatar (PHP)")
            << hs256(R"({"user_id":42,"name":"Ann","avatar":null,"exp":1800000600})")
            << Identity{42, u"Ann"_s, {}, Membership::Free, Role::Member} << qint64(1800000600);
    QTest::newRow("nbf now") << hs256(
            R"({"user_id":42,"name":"Ann","exp":1800000600,"nbf":1800000000})")
                             << Identity{42, u"Ann"_s, {}, Membership::Free, Role::Member}
                             << qint64(1800000600);
    QTest::newRow("no typ, spaces in JSON")
            << token(R"( { "alg" : "HS256" } )",
                     R"( { "user_id" : 42 , "name" : "Ann" , "exp" : 1800000600 } )")
            << Identity{42, u"Ann"_s, {}, Membership::Free, Role::Member} << qint64(1800000600);
}

void tst_Jwt::acceptance()
{
    QFETCH(QByteArray, token);
    QFETCH(Identity, identity);
    QFETCH(qint64, expiresAt);
    const JwtVerifier verifier(Secret);
    const auto result = verifier.verify(token, NowMsecs);
    QVERIFY2(result.isValid(), result.isValid() ? "" : jwtErrorName(result.error()).data());
    QCOMPARE(result.identity().userId, identity.userId);
    QCOMPARE(result.identity().name, identity.name);
    QCOMPARE(result.identity().avatar, identity.avatar);
    QCOMPARE(result.identity().membership, identity.membership);
    QCOMPARE(result.identity().role, identity.role);
    QCOMPARE(result.claims().expiresAt, expiresAt);
}

void tst_Jwt::interoperatesWithOtherSigners()
{
    // Made with Node's crypto (no JWT library), with PHP json_encode()'s escaping of
    // non-ASCII characters and slashes, secret "wp-shared-secret".
    const QByteArray fromNode
            = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9."
              "eyJ1c2VyX2lkIjo3LCJuYW1lIjoiTmd1eVx1MWVjNW4gVlx1MDEwM24gQSIsImF2YXRhciI6Imh0dHBzOlwv"
              "XC9leGF"
              "tcGxlLmNvbVwvYS5wbmciLCJtZW1iZXJzaGlwIjoidmlwIiwiZXhwIjoxODAwMDAwNjAwfQ."
              "NQb6O2L8yi6GJQNNBh7kIBUPgOr4a8Go7n3Oc2oKngY";
    const auto result = JwtVerifier("wp-shared-secret").verify(fromNode, NowMsecs);
    QVERIFY(result.isValid());
    QCOMPARE(result.identity().userId, qint64(7));
    QCOMPARE(result.identity().name, u"Nguyễn Văn A"_s);
    QCOMPARE(result.identity().avatar, u"https://example.com/a.png"_s);
    QCOMPARE(result.identity().membership, Membership::Vip);

    // RFC 7515 appendix A.1: its HMAC key and token. It has no user_id, so getting as far as
    // the claims proves the signature check agrees with the RFC.
    const auto key = QByteArray::fromBase64("AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-"
                                            "1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow",
                                            QByteArray::Base64UrlEncoding);
    const QByteArray rfc = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
                           "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxl"
                           "LmNvbS9pc19yb290Ijp0cnVlfQ."
                           "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const auto rfcResult = JwtVerifier(key).verify(rfc, qint64(1300819000) * 1000);
    QVERIFY(!rfcResult.isValid());
    QCOMPARE(rfcResult.error(), JwtError::MissingClaim);
    QByteArray tampered = rfc;
    char &inSignature = tampered[tampered.size() - 10];
    inSignature = inSignature == 'A' ? 'B' : 'A';
    QCOMPARE(JwtVerifier(key).verify(tampered, qint64(1300819000) * 1000).error(),
             JwtError::BadSignature);
}

void tst_Jwt::leeway()
{
    const QByteArray expiredTenSecondsAgo
            = hs256(R"({"user_id":42,"name":"Ann","exp":1799999990})");
    const QByteArray validInTenSeconds
            = hs256(R"({"user_id":42,"name":"Ann","exp":1800000600,"nbf":1800000010})");
    const JwtVerifier strict(Secret);
    QCOMPARE(strict.verify(expiredTenSecondsAgo, NowMsecs).error(), JwtError::Expired);
    QCOMPARE(strict.verify(validInTenSeconds, NowMsecs).error(), JwtError::NotYetValid);

    const JwtVerifier lenient(Secret, {.leewaySeconds = 30});
    QVERIFY(lenient.verify(expiredTenSecondsAgo, NowMsecs).isValid());
    QVERIFY(lenient.verify(validInTenSeconds, NowMsecs).isValid());
    QCOMPARE(lenient.verify(expiredTenSecondsAgo, NowMsecs + 21000).error(), JwtError::Expired);
}

void tst_Jwt::noSecretRefusesEverything()
{
    const JwtVerifier verifier{QByteArray()};
    QVERIFY(!verifier.hasSecret());
    // Even a token signed with the empty key, which HMAC accepts.
    const QByteArray signedWithEmptyKey = token(R"({"alg":"HS256"})", payload(Minimal), "");
    QCOMPARE(verifier.verify(signedWithEmptyKey, NowMsecs).error(), JwtError::NoSecret);
}

void tst_Jwt::mintRoundTrip()
{
    JwtClaims claims;
    claims.identity = {123456, u"Trần Thị B 🌸"_s, u"https://example.com/b.png?s=80&d=mm"_s,
                       Membership::Vip, Role::Admin};
    claims.expiresAt = NowSeconds + 3600;
    claims.issuedAt = NowSeconds;
    claims.notBefore = NowSeconds - 5;
    const QByteArray minted = chat::auth::mintJwt(claims, Secret);
    QCOMPARE(minted.count('.'), 2);

    const auto result = JwtVerifier(Secret).verify(minted, NowMsecs);
    QVERIFY(result.isValid());
    QCOMPARE(result.identity(), claims.identity);
    QCOMPARE(result.claims().expiresAt, claims.expiresAt);
    QCOMPARE(result.claims().issuedAt, claims.issuedAt);
    QCOMPARE(result.claims().notBefore, claims.notBefore);

    // The real clock: a token minted for an hour from now is valid now.
    claims.expiresAt = QDateTime::currentSecsSinceEpoch() + 3600;
    claims.notBefore.reset();
    claims.issuedAt.reset();
    QVERIFY(JwtVerifier(Secret).verify(chat::auth::mintJwt(claims, Secret)).isValid());
    QCOMPARE(JwtVerifier("other").verify(chat::auth::mintJwt(claims, Secret)).error(),
             JwtError::BadSignature);
}

void tst_Jwt::base64Url_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QByteArray>("decoded");

    QTest::newRow("empty") << QByteArray() << true << QByteArray();
    QTest::newRow("f") << "Zg"_ba << true << "f"_ba;
    QTest::newRow("fo") << "Zm8"_ba << true << "fo"_ba;
    QTest::newRow("foo") << "Zm9v"_ba << true << "foo"_ba;
    QTest::newRow("url alphabet") << "-_8"_ba << true << "\xfb\xff"_ba;
    QTest::newRow("padding") << "Zg=="_ba << false << QByteArray();
    QTest::newRow("plus") << "+_8"_ba << false << QByteArray();
    QTest::newRow("slash") << "-/8"_ba << false << QByteArray();
    QTest::newRow("space") << "Zm 9v"_ba << false << QByteArray();
    QTest::newRow("one char") << "Z"_ba << false << QByteArray();
    QTest::newRow("spare bits set") << "Zh"_ba << false << QByteArray();
}

void tst_Jwt::base64Url()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, valid);
    QFETCH(QByteArray, decoded);
    const auto result = chat::auth::base64UrlDecode(text);
    QCOMPARE(result.has_value(), valid);
    if (valid) {
        QCOMPARE(*result, decoded);
        QCOMPARE(chat::auth::base64UrlEncode(decoded), text);
    }
}

void tst_Jwt::bearer_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QByteArray>("token");

    QTest::newRow("plain") << "Bearer abc.def.ghi"_ba
                           << "abc.def.ghi"_ba;
    QTest::newRow("lower-case scheme") << "bearer abc.def.ghi"_ba
                                       << "abc.def.ghi"_ba;
    QTest::newRow("extra spaces") << "  Bearer   abc.def.ghi  "_ba
                                  << "abc.def.ghi"_ba;
    QTest::newRow("tab") << "Bearer\tabc"_ba
                         << "abc"_ba;
    QTest::newRow("other scheme") << "Basic dXNlcjpwdw=="_ba << QByteArray();
    QTest::newRow("no token") << "Bearer"_ba << QByteArray();
    QTest::newRow("no space") << "Bearerabc"_ba << QByteArray();
    QTest::newRow("empty") << QByteArray() << QByteArray();
}

void tst_Jwt::bearer()
{
    QFETCH(QByteArray, header);
    QFETCH(QByteArray, token);
    QCOMPARE(chat::auth::bearerToken(header), token);
}

QTEST_GUILESS_MAIN(tst_Jwt)
#include "tst_jwt.moc"
