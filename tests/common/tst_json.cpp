// SPDX-License-Identifier: MIT
#include "protocol/json.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QRandomGenerator>
#include <QtTest/QTest>

#include <cmath>
#include <cstring>
#include <limits>

using namespace Qt::StringLiterals;
using chat::JsonArray;
using chat::JsonObject;
using chat::JsonValue;

Q_DECLARE_METATYPE(chat::JsonValue::Type)

namespace {

QByteArray nested(int depth, char open, char close, QByteArrayView inner = "0")
{
    return QByteArray(depth, open) + inner.toByteArray() + QByteArray(depth, close);
}

QByteArray nestedObjects(int depth)
{
    QByteArray json;
    for (int i = 0; i < depth; ++i)
        json += R"({"k":)";
    json += "null";
    json += QByteArray(depth, '}');
    return json;
}

// Deterministic random JSON values. Doubles are finite: JSON has no NaN or Infinity.
class ValueGenerator
{
public:
    explicit ValueGenerator(quint32 seed) : m_random(seed) { }

    JsonValue value(int depth)
    {
        const int kind = int(m_random.bounded(depth > 0 ? 8 : 6));
        switch (kind) {
        case 0:
            return JsonValue();
        case 1:
            return JsonValue(m_random.bounded(2) == 1);
        case 2:
            return integer();
        case 3:
            return number();
        case 4:
        case 5:
            return JsonValue(string());
        case 6: {
            JsonArray array;
            const int n = int(m_random.bounded(6));
            for (int i = 0; i < n; ++i)
                array.append(value(depth - 1));
            return JsonValue(std::move(array));
        }
        default: {
            JsonObject object;
            const int n = int(m_random.bounded(6));
            for (int i = 0; i < n; ++i)
                object.insert(string(), value(depth - 1));
            return JsonValue(std::move(object));
        }
        }
    }

    JsonValue integer()
    {
        switch (m_random.bounded(4)) {
        case 0:
            return JsonValue(qint64(m_random.bounded(-1000, 1000)));
        case 1:
            return JsonValue(std::numeric_limits<qint64>::min() + qint64(m_random.bounded(3)));
        case 2:
            return JsonValue(std::numeric_limits<qint64>::max() - qint64(m_random.bounded(3)));
        default:
            return JsonValue(qint64(m_random.generate64()));
        }
    }

    JsonValue number()
    {
        switch (m_random.bounded(4)) {
        case 0:
            return JsonValue(m_random.bounded(2000.0) - 1000.0);
        case 1:
            return JsonValue(double(m_random.bounded(-100000, 100000)) / 64);
        case 2: {
            // A random finite bit pattern covers subnormals and huge magnitudes.
            for (;;) {
                const quint64 bits = m_random.generate64();
                double d;
                std::memcpy(&d, &bits, sizeof d);
                if (std::isfinite(d))
                    return JsonValue(d);
            }
        }
        default:
            return JsonValue(std::ldexp(m_random.generateDouble(), int(m_random.bounded(-80, 80))));
        }
    }

    QString string()
    {
        static constexpr char16_t Samples[]
                = {u'a', u'Z', u'0', u' ',   u'"',   u'\\',  u'/',   u'\n',  u'\t',  0x01,
                   0x1f, 0x7f, 0xe9, 0x4e2d, 0x2028, 0xfeff, 0xd83d, 0xde00, 0xd800, 0xdfff};
        QString s;
        const int n = int(m_random.bounded(12));
        for (int i = 0; i < n; ++i)
            s.append(QChar(Samples[m_random.bounded(int(std::size(Samples)))]));
        return s;
    }

private:
    QRandomGenerator m_random;
};

// Equality as JavaScript sees it: every number is a double. A double of 2^53 or more prints
// as an integer literal, which parses back as an exact Integer that differs from the double.
bool jsEqual(const JsonValue &a, const JsonValue &b)
{
    if (a.isNumber() && b.isNumber())
        return a.toDouble() == b.toDouble();
    if (a.type() != b.type())
        return false;
    if (a.isArray()) {
        const JsonArray x = a.toArray();
        const JsonArray y = b.toArray();
        if (x.size() != y.size())
            return false;
        for (qsizetype i = 0; i < x.size(); ++i) {
            if (!jsEqual(x.at(i), y.at(i)))
                return false;
        }
        return true;
    }
    if (a.isObject()) {
        const JsonObject x = a.toObject();
        const JsonObject y = b.toObject();
        if (x.size() != y.size())
            return false;
        for (qsizetype i = 0; i < x.size(); ++i) {
            if (x.members().at(i).first != y.members().at(i).first
                || !jsEqual(x.members().at(i).second, y.members().at(i).second)) {
                return false;
            }
        }
        return true;
    }
    return a == b;
}

} // namespace

class tst_Json : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseValid_data();
    void parseValid();
    void parseInvalid_data();
    void parseInvalid();
    void depthLimit_data();
    void depthLimit();
    void numbers_data();
    void numbers();
    void serialize_data();
    void serialize();
    void doubleFormat_data();
    void doubleFormat();
    void stringBoundaries();
    void duplicateKeys();
    void manyKeys();
    void accessors();
    void integerConversions();
    void equality();
    void objectEditing();
    void binary();
    void qJsonConversion();
    void metaType();
    void roundTrip();
    void garbageNeverCrashes();
};

void tst_Json::parseValid_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("compact");

    QTest::newRow("null") << QByteArray("null") << QByteArray("null");
    QTest::newRow("true") << QByteArray("true") << QByteArray("true");
    QTest::newRow("false") << QByteArray("false") << QByteArray("false");
    QTest::newRow("zero") << QByteArray("0") << QByteArray("0");
    QTest::newRow("string") << QByteArray(R"("abc")") << QByteArray(R"("abc")");
    QTest::newRow("empty string") << QByteArray(R"("")") << QByteArray(R"("")");
    QTest::newRow("empty array") << QByteArray("[]") << QByteArray("[]");
    QTest::newRow("empty object") << QByteArray("{}") << QByteArray("{}");
    QTest::newRow("whitespace everywhere")
            << QByteArray(" \t\r\n[ 1 , { \"a\" : [ ] , \"b\":{ } } , \"x\" ]\n ")
            << QByteArray(R"([1,{"a":[],"b":{}},"x"])");
    QTest::newRow("key order kept") << QByteArray(R"({"z":1,"a":2,"m":{"y":true,"b":null}})")
                                    << QByteArray(R"({"z":1,"a":2,"m":{"y":true,"b":null}})");
    QTest::newRow("socket.io event") << QByteArray(R"(["message",1,"2",{"3":[true]}])")
                                     << QByteArray(R"(["message",1,"2",{"3":[true]}])");
    QTest::newRow("short escapes")
            << QByteArray(R"("\"\\\/\b\f\n\r\t")") << QByteArray(R"("\"\\/\b\f\n\r\t")");
    QTest::newRow("unicode escape ascii")
            << QByteArray(R"("\u0041\u0062")") << QByteArray(R"("Ab")");
    QTest::newRow("unicode escape upper hex")
            << QByteArray(R"("\u00E9\u00e9")") << QByteArray("\"\xc3\xa9\xc3\xa9\"");
    QTest::newRow("escaped control")
            << QByteArray(R"("\u0001\u001F")") << QByteArray(R"("\u0001\u001f")");
    QTest::newRow("escaped pair") << QByteArray(R"("\ud83d\ude00")")
                                  << QByteArray("\"\xf0\x9f\x98\x80\"");
    QTest::newRow("lone high surrogate")
            << QByteArray(R"("a\ud800b")") << QByteArray(R"("a\ud800b")");
    QTest::newRow("lone low surrogate") << QByteArray(R"("\udc00")") << QByteArray(R"("\udc00")");
    QTest::newRow("reversed pair")
            << QByteArray(R"("\ude00\ud83d")") << QByteArray(R"("\ude00\ud83d")");
    QTest::newRow("raw utf-8 2 bytes") << QByteArray("\"\xc3\xa9\"") << QByteArray("\"\xc3\xa9\"");
    QTest::newRow("raw utf-8 3 bytes")
            << QByteArray("\"\xe4\xb8\xad\"") << QByteArray("\"\xe4\xb8\xad\"");
    QTest::newRow("raw utf-8 4 bytes")
            << QByteArray("\"\xf0\x9f\x98\x80\"") << QByteArray("\"\xf0\x9f\x98\x80\"");
    QTest::newRow("raw U+10FFFF") << QByteArray("\"\xf4\x8f\xbf\xbf\"")
                                  << QByteArray("\"\xf4\x8f\xbf\xbf\"");
    QTest::newRow("raw DEL kept") << QByteArray("\"\x7f\"") << QByteArray("\"\x7f\"");
    QTest::newRow("U+2028 kept raw") << QByteArray(R"("\u2028")") << QByteArray("\"\xe2\x80\xa8\"");
    QTest::newRow("escape then utf-8")
            << QByteArray("\"\\n\xc3\xa9\"") << QByteArray("\"\\n\xc3\xa9\"");
    QTest::newRow("nested arrays") << QByteArray("[[[[[]]]]]") << QByteArray("[[[[[]]]]]");
}

void tst_Json::parseValid()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, compact);
    QString error;
    const auto value = JsonValue::parse(input, &error);
    QVERIFY2(value, qPrintable(error));
    QCOMPARE(value->toJson(), compact);
    // Compact output parses to the same value.
    const auto again = JsonValue::parse(compact);
    QVERIFY(again);
    QVERIFY(*again == *value);
}

void tst_Json::parseInvalid_data()
{
    QTest::addColumn<QByteArray>("input");

    QTest::newRow("empty") << QByteArray();
    QTest::newRow("only whitespace") << QByteArray(" \n\t ");
    QTest::newRow("truncated true") << QByteArray("tru");
    QTest::newRow("truncated null") << QByteArray("nul");
    QTest::newRow("literal with garbage") << QByteArray("truex");
    QTest::newRow("capital literal") << QByteArray("True");
    QTest::newRow("undefined") << QByteArray("undefined");
    QTest::newRow("NaN") << QByteArray("NaN");
    QTest::newRow("Infinity") << QByteArray("Infinity");
    QTest::newRow("-Infinity") << QByteArray("-Infinity");
    QTest::newRow("trailing comma array") << QByteArray("[1,]");
    QTest::newRow("leading comma array") << QByteArray("[,1]");
    QTest::newRow("missing comma") << QByteArray("[1 2]");
    QTest::newRow("unclosed array") << QByteArray("[1,2");
    QTest::newRow("unclosed array after comma") << QByteArray("[1,");
    QTest::newRow("open bracket") << QByteArray("[");
    QTest::newRow("open brace") << QByteArray("{");
    QTest::newRow("close bracket") << QByteArray("]");
    QTest::newRow("mismatched") << QByteArray("[}");
    QTest::newRow("key without value") << QByteArray(R"({"a"})");
    QTest::newRow("key colon no value") << QByteArray(R"({"a":})");
    QTest::newRow("unquoted key") << QByteArray("{a:1}");
    QTest::newRow("single quoted key") << QByteArray("{'a':1}");
    QTest::newRow("number key") << QByteArray("{1:1}");
    QTest::newRow("trailing comma object") << QByteArray(R"({"a":1,})");
    QTest::newRow("missing colon") << QByteArray(R"({"a" 1})");
    QTest::newRow("unclosed object") << QByteArray(R"({"a":1)");
    QTest::newRow("leading zero") << QByteArray("01");
    QTest::newRow("negative leading zero") << QByteArray("-01");
    QTest::newRow("leading zero in array") << QByteArray("[00]");
    QTest::newRow("lone minus") << QByteArray("-");
    QTest::newRow("minus space") << QByteArray("- 1");
    QTest::newRow("plus") << QByteArray("+1");
    QTest::newRow("dot first") << QByteArray(".5");
    QTest::newRow("dot last") << QByteArray("1.");
    QTest::newRow("dot exponent") << QByteArray("1.e5");
    QTest::newRow("exponent empty") << QByteArray("1e");
    QTest::newRow("exponent sign only") << QByteArray("1e+");
    QTest::newRow("hex") << QByteArray("0x10");
    QTest::newRow("two numbers") << QByteArray("1 2");
    QTest::newRow("trailing garbage") << QByteArray("[1]x");
    QTest::newRow("two documents") << QByteArray("{} {}");
    QTest::newRow("trailing nul") << QByteArray("1\0", 2);
    QTest::newRow("nul") << QByteArray("\0", 1);
    QTest::newRow("single quoted string") << QByteArray("'a'");
    QTest::newRow("unterminated string") << QByteArray(R"("abc)");
    QTest::newRow("unterminated after escape") << QByteArray(R"("abc\)");
    QTest::newRow("escaped quote at end") << QByteArray(R"("abc\")");
    QTest::newRow("bad escape x") << QByteArray(R"("\x41")");
    QTest::newRow("bad escape a") << QByteArray(R"("\a")");
    QTest::newRow("bad escape apostrophe") << QByteArray(R"("\'")");
    QTest::newRow("short unicode escape") << QByteArray(R"("\u12")");
    QTest::newRow("unicode escape bad hex") << QByteArray(R"("\u12G4")");
    QTest::newRow("unicode escape at end") << QByteArray(R"("\u")");
    QTest::newRow("raw newline in string") << QByteArray("\"a\nb\"");
    QTest::newRow("raw tab in string") << QByteArray("\"\t\"");
    QTest::newRow("raw nul in string") << QByteArray("\"\0\"", 3);
    QTest::newRow("invalid byte") << QByteArray("\xff");
    QTest::newRow("utf-8 bom") << QByteArray("\xef\xbb\xbf[]");
    QTest::newRow("overlong 2 bytes") << QByteArray("\"\xc0\x80\"");
    QTest::newRow("overlong 3 bytes") << QByteArray("\"\xe0\x80\xaf\"");
    QTest::newRow("overlong 4 bytes") << QByteArray("\"\xf0\x80\x80\xaf\"");
    QTest::newRow("encoded surrogate") << QByteArray("\"\xed\xa0\x80\"");
    QTest::newRow("above U+10FFFF") << QByteArray("\"\xf4\x90\x80\x80\"");
    QTest::newRow("lead byte f5") << QByteArray("\"\xf5\x80\x80\x80\"");
    QTest::newRow("lone continuation") << QByteArray("\"\x80\"");
    QTest::newRow("truncated sequence") << QByteArray("\"\xe2\x82\"");
    QTest::newRow("truncated at quote") << QByteArray("\"\xe2\"");
    QTest::newRow("sequence broken by ascii") << QByteArray("\"\xe2\x41\x82\"");
    QTest::newRow("comment") << QByteArray("[1/*x*/]");
    QTest::newRow("too deep arrays") << nested(65, '[', ']');
    QTest::newRow("too deep objects") << nestedObjects(65);
    QTest::newRow("very deep") << nested(100000, '[', ']');
}

void tst_Json::parseInvalid()
{
    QFETCH(QByteArray, input);
    QString error;
    const auto value = JsonValue::parse(input, &error);
    QVERIFY2(!value, value ? value->toJson().constData() : "");
    QVERIFY(!error.isEmpty());
    // Without an error string it fails the same way.
    QVERIFY(!JsonValue::parse(input));
}

void tst_Json::depthLimit_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("maxDepth");
    QTest::addColumn<bool>("valid");

    QTest::newRow("64 arrays, default") << nested(64, '[', ']') << 64 << true;
    QTest::newRow("65 arrays, default") << nested(65, '[', ']') << 64 << false;
    QTest::newRow("64 objects, default") << nestedObjects(64) << 64 << true;
    QTest::newRow("65 objects, default") << nestedObjects(65) << 64 << false;
    QTest::newRow("scalar, depth 0") << QByteArray("1") << 0 << true;
    QTest::newRow("array, depth 0") << QByteArray("[]") << 0 << false;
    QTest::newRow("3 levels, depth 3") << QByteArray(R"([{"a":[]}])") << 3 << true;
    QTest::newRow("3 levels, depth 2") << QByteArray(R"([{"a":[]}])") << 2 << false;
    QTest::newRow("wide, depth 1") << QByteArray("[1,2,3,4,5]") << 1 << true;
    QTest::newRow("siblings do not add up") << QByteArray("[[1],[2],[3]]") << 2 << true;
    QTest::newRow("500 arrays, depth 500") << nested(500, '[', ']') << 500 << true;
}

void tst_Json::depthLimit()
{
    QFETCH(QByteArray, input);
    QFETCH(int, maxDepth);
    QFETCH(bool, valid);
    QCOMPARE(JsonValue::parse(input, nullptr, maxDepth).has_value(), valid);
}

void tst_Json::numbers_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<JsonValue::Type>("type");
    QTest::addColumn<QByteArray>("compact");

    using T = JsonValue::Type;
    QTest::newRow("0") << QByteArray("0") << T::Integer << QByteArray("0");
    QTest::newRow("-0") << QByteArray("-0") << T::Integer << QByteArray("0");
    QTest::newRow("42") << QByteArray("42") << T::Integer << QByteArray("42");
    QTest::newRow("-42") << QByteArray("-42") << T::Integer << QByteArray("-42");
    QTest::newRow("2^53") << QByteArray("9007199254740993") << T::Integer
                          << QByteArray("9007199254740993");
    QTest::newRow("qint64 max") << QByteArray("9223372036854775807") << T::Integer
                                << QByteArray("9223372036854775807");
    QTest::newRow("qint64 min") << QByteArray("-9223372036854775808") << T::Integer
                                << QByteArray("-9223372036854775808");
    QTest::newRow("qint64 max + 1")
            << QByteArray("9223372036854775808") << T::Double << QByteArray("9223372036854776000");
    QTest::newRow("qint64 min - 1") << QByteArray("-9223372036854775809") << T::Double
                                    << QByteArray("-9223372036854776000");
    QTest::newRow("20 digits") << QByteArray("12345678901234567890") << T::Double
                               << QByteArray("12345678901234567000");
    QTest::newRow("1.5") << QByteArray("1.5") << T::Double << QByteArray("1.5");
    QTest::newRow("1.0") << QByteArray("1.0") << T::Double << QByteArray("1");
    QTest::newRow("-0.0") << QByteArray("-0.0") << T::Double << QByteArray("0");
    QTest::newRow("1e2") << QByteArray("1e2") << T::Double << QByteArray("100");
    QTest::newRow("1E2") << QByteArray("1E2") << T::Double << QByteArray("100");
    QTest::newRow("1e+2") << QByteArray("1e+2") << T::Double << QByteArray("100");
    QTest::newRow("100e-2") << QByteArray("100e-2") << T::Double << QByteArray("1");
    QTest::newRow("0.1") << QByteArray("0.1") << T::Double << QByteArray("0.1");
    QTest::newRow("1e21") << QByteArray("1e21") << T::Double << QByteArray("1e+21");
    QTest::newRow("1e-7") << QByteArray("1e-7") << T::Double << QByteArray("1e-7");
    QTest::newRow("123e-20") << QByteArray("123e-20") << T::Double << QByteArray("1.23e-18");
    QTest::newRow("0e5") << QByteArray("0e5") << T::Double << QByteArray("0");
    QTest::newRow("max double") << QByteArray("1.7976931348623157e308") << T::Double
                                << QByteArray("1.7976931348623157e+308");
    QTest::newRow("min subnormal") << QByteArray("5e-324") << T::Double << QByteArray("5e-324");
    QTest::newRow("overflow is Infinity") << QByteArray("1e400") << T::Double << QByteArray("null");
    QTest::newRow("negative overflow") << QByteArray("-1e400") << T::Double << QByteArray("null");
    QTest::newRow("long integer part overflow")
            << QByteArray(QByteArray(400, '9') + "e-10") << T::Double << QByteArray("null");
    QTest::newRow("underflow is zero") << QByteArray("1e-400") << T::Double << QByteArray("0");
    QTest::newRow("negative underflow") << QByteArray("-1e-400") << T::Double << QByteArray("0");
    QTest::newRow("long fraction underflow")
            << QByteArray("0." + QByteArray(400, '0') + "1e+10") << T::Double << QByteArray("0");
    QTest::newRow("huge exponent")
            << QByteArray("1e99999999999999999999") << T::Double << QByteArray("null");
    QTest::newRow("many digits") << QByteArray("3.14159265358979323846264338327950288") << T::Double
                                 << QByteArray("3.141592653589793");
}

void tst_Json::numbers()
{
    QFETCH(QByteArray, input);
    QFETCH(JsonValue::Type, type);
    QFETCH(QByteArray, compact);
    QString error;
    const auto value = JsonValue::parse(input, &error);
    QVERIFY2(value, qPrintable(error));
    QCOMPARE(value->type(), type);
    QVERIFY(value->isNumber());
    QCOMPARE(value->toJson(), compact);
}

void tst_Json::serialize_data()
{
    QTest::addColumn<JsonValue>("value");
    QTest::addColumn<QByteArray>("json");

    QTest::newRow("null") << JsonValue() << QByteArray("null");
    QTest::newRow("nullptr") << JsonValue(nullptr) << QByteArray("null");
    QTest::newRow("true") << JsonValue(true) << QByteArray("true");
    QTest::newRow("int") << JsonValue(-7) << QByteArray("-7");
    QTest::newRow("qint64 min") << JsonValue(std::numeric_limits<qint64>::min())
                                << QByteArray("-9223372036854775808");
    QTest::newRow("unsigned") << JsonValue(42u) << QByteArray("42");
    QTest::newRow("NaN") << JsonValue(std::nan("")) << QByteArray("null");
    QTest::newRow("Infinity") << JsonValue(std::numeric_limits<double>::infinity())
                              << QByteArray("null");
    QTest::newRow("-Infinity") << JsonValue(-std::numeric_limits<double>::infinity())
                               << QByteArray("null");
    QTest::newRow("latin1 view") << JsonValue(QLatin1StringView("abc")) << QByteArray(R"("abc")");
    QTest::newRow("all escapes") << JsonValue(u"\"\\/\b\f\n\r\t"_s)
                                 << QByteArray(R"("\"\\/\b\f\n\r\t")");
    QTest::newRow("control characters")
            << JsonValue(QString(QChar(0)) + QChar(0x1f) + QChar(0x0b) + QChar(0x7f))
            << QByteArray("\"\\u0000\\u001f\\u000b\x7f\"");
    QTest::newRow("non-ascii raw")
            << JsonValue(u"é中😀\u2028"_s)
            << QByteArray("\"\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80\xe2\x80\xa8\"");
    QTest::newRow("lone surrogates escaped")
            << JsonValue(QString(QChar(0xd800)) + u'x' + QChar(0xdfff) + QChar(0xdbff))
            << QByteArray(R"("\ud800x\udfff\udbff")");
    QTest::newRow("binary is null") << JsonValue::fromBinary("\x01\x02") << QByteArray("null");
    QTest::newRow("array") << JsonValue(JsonArray{1, u"2"_s, JsonObject{{u"3"_s, JsonArray{true}}}})
                           << QByteArray(R"([1,"2",{"3":[true]}])");
    QTest::newRow("object keeps insertion order")
            << JsonValue(JsonObject{{u"z"_s, 1}, {u"a"_s, JsonValue()}, {u"m"_s, 1.5}})
            << QByteArray(R"({"z":1,"a":null,"m":1.5})");
    QTest::newRow("escaped key") << JsonValue(JsonObject{{u"a\"b\n"_s, false}})
                                 << QByteArray(R"({"a\"b\n":false})");
    QTest::newRow("binary inside")
            << JsonValue(JsonArray{JsonValue::fromBinary("x"), 1}) << QByteArray("[null,1]");
    QTest::newRow("placeholder order")
            << JsonValue(JsonObject{{u"_placeholder"_s, true}, {u"num"_s, 0}})
            << QByteArray(R"({"_placeholder":true,"num":0})");
}

void tst_Json::serialize()
{
    QFETCH(JsonValue, value);
    QFETCH(QByteArray, json);
    QCOMPARE(value.toJson(), json);
    QCOMPARE(chat::toString(value), QString::fromUtf8(json));

    QByteArray out("prefix:");
    value.writeJson(out);
    QCOMPARE(out, "prefix:" + json);
}

void tst_Json::doubleFormat_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QByteArray>("json");

    // Expected strings are what JSON.stringify prints for the same numbers (Node 20).
    QTest::newRow("0.1+0.2") << 0.1 + 0.2 << QByteArray("0.30000000000000004");
    QTest::newRow("1/3") << 1.0 / 3 << QByteArray("0.3333333333333333");
    QTest::newRow("1e21") << 1e21 << QByteArray("1e+21");
    QTest::newRow("-1e21") << -1e21 << QByteArray("-1e+21");
    QTest::newRow("1e20") << 1e20 << QByteArray("100000000000000000000");
    QTest::newRow("just below 1e21") << 9.999999999999999e20 << QByteArray("999999999999999900000");
    QTest::newRow("123e-20") << 123e-20 << QByteArray("1.23e-18");
    QTest::newRow("1e-6") << 0.000001 << QByteArray("0.000001");
    QTest::newRow("1e-7") << 0.0000001 << QByteArray("1e-7");
    QTest::newRow("2.5e-7") << 2.5e-7 << QByteArray("2.5e-7");
    QTest::newRow("1.25e-5") << 1.25e-5 << QByteArray("0.0000125");
    QTest::newRow("0.000123") << 0.000123 << QByteArray("0.000123");
    QTest::newRow("-1.5e-9") << -1.5e-9 << QByteArray("-1.5e-9");
    QTest::newRow("2^53") << 9007199254740992.0 << QByteArray("9007199254740992");
    QTest::newRow("2^63") << 9223372036854775808.0 << QByteArray("9223372036854776000");
    QTest::newRow("-2^63") << -9223372036854775808.0 << QByteArray("-9223372036854776000");
    QTest::newRow("max") << 1.7976931348623157e308 << QByteArray("1.7976931348623157e+308");
    QTest::newRow("min subnormal") << 5e-324 << QByteArray("5e-324");
    QTest::newRow("4.35") << 4.35 << QByteArray("4.35");
    QTest::newRow("100") << 100.0 << QByteArray("100");
    QTest::newRow("1.5e300") << 1.5e300 << QByteArray("1.5e+300");
    QTest::newRow("123456789.123") << 123456789.123 << QByteArray("123456789.123");
    QTest::newRow("0.5") << 0.5 << QByteArray("0.5");
    QTest::newRow("-0") << -0.0 << QByteArray("0");
    QTest::newRow("12345678901234567890")
            << 12345678901234567890.0 << QByteArray("12345678901234567000");
}

void tst_Json::doubleFormat()
{
    QFETCH(double, value);
    QFETCH(QByteArray, json);
    const JsonValue v(value);
    QCOMPARE(v.type(), JsonValue::Type::Double);
    QCOMPARE(v.toJson(), json);
    const auto parsed = JsonValue::parse(json);
    QVERIFY(parsed);
    // Exact: QCOMPARE would compare doubles fuzzily.
    QVERIFY(parsed->toDouble() == value);
}

void tst_Json::stringBoundaries()
{
    // Strings are scanned a word at a time: put each kind of character that ends a plain run
    // at every offset of strings of many lengths, in raw and escaped form.
    struct Special
    {
        QString text; // the character(s) in the string
        QByteArray json; // how JSON.stringify writes them
    };
    const QList<Special> specials = {
            {u"\""_s, "\\\""},
            {u"\\"_s, "\\\\"},
            {u"\n"_s, "\\n"},
            {QString(QChar(0x01)), "\\u0001"},
            {u"\u00e9"_s, "\xc3\xa9"},
            {u"\u4e2d"_s, "\xe4\xb8\xad"},
            {u"\U0001F600"_s, "\xf0\x9f\x98\x80"},
            {QString(QChar(0xdc00)), "\\udc00"},
            {u"\x7f"_s, "\x7f"},
    };
    for (int length = 0; length <= 40; ++length) {
        for (int pos = 0; pos <= length; ++pos) {
            for (const Special &special : specials) {
                QString text(length, u'a');
                text.insert(pos, special.text);
                QByteArray json = '"' + QByteArray(length, 'a') + '"';
                json.insert(pos + 1, special.json);
                QCOMPARE(JsonValue(text).toJson(), json);
                // Followed by more data, as inside a packet.
                const QByteArray document = '[' + json + ",\"tail\"]";
                const auto parsed = JsonValue::parse(document);
                QVERIFY2(parsed, document.constData());
                QCOMPARE((*parsed)[0].toString(), text);
                QCOMPARE((*parsed)[1].toString(), u"tail"_s);
                // Used as a key.
                const auto object = JsonValue::parse(QByteArray('{' + json + ":1}"));
                QVERIFY(object);
                QCOMPARE(object->toObject().keys(), QStringList{text});
            }
            // A raw control character is refused wherever it is.
            QByteArray bad = '"' + QByteArray(length, 'a') + '"';
            bad.insert(pos + 1, '\x1f');
            QVERIFY(!JsonValue::parse(bad));
            // And so is invalid UTF-8.
            QByteArray invalid = '"' + QByteArray(length, 'a') + '"';
            invalid.insert(pos + 1, '\xc3');
            QVERIFY(!JsonValue::parse(invalid));
        }
    }
}

void tst_Json::duplicateKeys()
{
    // JSON.parse: the value of the last occurrence, at the position of the first.
    const auto value = JsonValue::parse(R"({"a":1,"b":2,"a":3,"c":{"x":1,"x":[2]},"b":4})");
    QVERIFY(value);
    QCOMPARE(value->toJson(), R"({"a":3,"b":4,"c":{"x":[2]}})");
    QCOMPARE(value->toObject().size(), 3);
}

void tst_Json::manyKeys()
{
    // Enough keys to go past the linear duplicate scan, with repeats spread out.
    QByteArray json = "{";
    for (int i = 0; i < 5000; ++i)
        json += "\"k" + QByteArray::number(i) + "\":" + QByteArray::number(i) + ',';
    for (int i = 0; i < 5000; i += 7)
        json += "\"k" + QByteArray::number(i) + "\":\"again\",";
    json += "\"last\":true}";
    const auto value = JsonValue::parse(json);
    QVERIFY(value);
    const JsonObject object = value->toObject();
    QCOMPARE(object.size(), 5001);
    QCOMPARE(object.members().at(0).first, u"k0"_s);
    QCOMPARE(object.members().at(0).second.toString(), u"again"_s);
    QCOMPARE(object.members().at(1).second.toInteger(), 1);
    QCOMPARE(object.members().at(7).second.toString(), u"again"_s);
    QCOMPARE(object.members().at(4999).second.toInteger(), 4999);
    QCOMPARE(object.members().last().first, u"last"_s);

    // Below the threshold too.
    const auto small = JsonValue::parse(R"({"a":1,"b":2,"c":3,"b":5})");
    QVERIFY(small);
    QCOMPARE(small->toJson(), R"({"a":1,"b":5,"c":3})");
}

void tst_Json::accessors()
{
    const auto value = JsonValue::parse(
            R"({"s":"text","i":7,"d":2.5,"b":true,"n":null,"a":[10,"x"],"o":{"k":"v"}})");
    QVERIFY(value);
    const JsonValue &v = *value;
    QVERIFY(v.isObject());
    QCOMPARE(v[u"s"].toString(), u"text"_s);
    QVERIFY(v[u"s"].isString());
    QCOMPARE(v[u"i"].toInteger(), 7);
    QCOMPARE(v[u"i"].toDouble(), 7.0);
    QVERIFY(v[u"i"].isInteger());
    QCOMPARE(v[u"d"].toDouble(), 2.5);
    QVERIFY(!v[u"d"].isInteger());
    QCOMPARE(v[u"d"].toInteger(-1), -1);
    QVERIFY(v[u"b"].toBool());
    QVERIFY(v[u"b"].isBool());
    QVERIFY(v[u"n"].isNull());
    QVERIFY(v[u"missing"].isNull());
    QCOMPARE(v[u"a"].toArray().size(), 2);
    QCOMPARE(v[u"a"][0].toInteger(), 10);
    QCOMPARE(v[u"a"][1].toString(), u"x"_s);
    QVERIFY(v[u"a"][2].isNull());
    QVERIFY(v[u"a"][-1].isNull());
    QCOMPARE(v[u"o"][u"k"].toString(), u"v"_s);
    QCOMPARE(v[u"o"].toObject().keys(), QStringList{u"k"_s});
    QCOMPARE(v.toObject().keys(),
             (QStringList{u"s"_s, u"i"_s, u"d"_s, u"b"_s, u"n"_s, u"a"_s, u"o"_s}));

    // Wrong types give the defaults.
    QCOMPARE(v[u"s"].toInteger(5), 5);
    QCOMPARE(v[u"s"].toDouble(1.5), 1.5);
    QCOMPARE(v[u"i"].toString(u"def"_s), u"def"_s);
    QVERIFY(!v[u"i"].toBool());
    QVERIFY(v[u"i"].toBool(true));
    QVERIFY(v[u"s"].toArray().isEmpty());
    QVERIFY(v[u"a"].toObject().isEmpty());
    QVERIFY(v[u"s"].toBinary().isEmpty());
    QVERIFY(v[u"s"][0].isNull());
    QVERIFY(v[u"a"][u"k"].isNull());
    QVERIFY(!v.isNumber());
    QVERIFY(v[u"d"].isNumber());
}

void tst_Json::integerConversions()
{
    QVERIFY(JsonValue(3.0).isInteger());
    QCOMPARE(JsonValue(3.0).toInteger(), 3);
    QCOMPARE(JsonValue(-3.0).toInteger(), -3);
    QVERIFY(!JsonValue(3.5).isInteger());
    QVERIFY(!JsonValue(std::nan("")).isInteger());
    QVERIFY(!JsonValue(std::numeric_limits<double>::infinity()).isInteger());
    QVERIFY(!JsonValue(9223372036854775808.0).isInteger());
    QVERIFY(JsonValue(-9223372036854775808.0).isInteger());
    QCOMPARE(JsonValue(-9223372036854775808.0).toInteger(), std::numeric_limits<qint64>::min());
    QVERIFY(!JsonValue(u"3"_s).isInteger());
    QVERIFY(!JsonValue(true).isInteger());
    QCOMPARE(JsonValue(true).toInteger(9), 9);
}

void tst_Json::equality()
{
    const auto a = JsonValue::parse(R"({"x":[1,2,{"y":"z"}],"b":false})");
    const auto b = JsonValue::parse(R"({ "x" : [1,2,{"y":"z"}] , "b" : false })");
    const auto reordered = JsonValue::parse(R"({"b":false,"x":[1,2,{"y":"z"}]})");
    const auto different = JsonValue::parse(R"({"x":[1,2,{"y":"w"}],"b":false})");
    QVERIFY(a && b && reordered && different);
    QVERIFY(*a == *b);
    QVERIFY(!(*a != *b));
    // Key order is part of the wire form, so it is part of equality.
    QVERIFY(*a != *reordered);
    QVERIFY(*a != *different);

    // One number type, as in JSON.
    QVERIFY(JsonValue(1) == JsonValue(1.0));
    QVERIFY(JsonValue(1.0) == JsonValue(1));
    QVERIFY(JsonValue(1) != JsonValue(1.5));
    QVERIFY(JsonValue(std::numeric_limits<qint64>::max()) != JsonValue(9223372036854775808.0));
    QVERIFY(JsonValue(0) == JsonValue(-0.0));

    QVERIFY(JsonValue() == JsonValue(nullptr));
    QVERIFY(JsonValue() != JsonValue(false));
    QVERIFY(JsonValue(0) != JsonValue(false));
    QVERIFY(JsonValue(u""_s) != JsonValue());
    QVERIFY(JsonValue(JsonArray{}) != JsonValue(JsonObject{}));
    QVERIFY(JsonValue(JsonArray{1}) != JsonValue(JsonArray{1, 2}));
    QVERIFY(JsonValue::fromBinary("ab") == JsonValue::fromBinary("ab"));
    QVERIFY(JsonValue::fromBinary("ab") != JsonValue::fromBinary("ac"));
    QVERIFY(JsonValue::fromBinary("") != JsonValue(u""_s));

    const JsonValue shared = *a;
    QVERIFY(shared == *a);
}

void tst_Json::objectEditing()
{
    JsonObject object{{u"a"_s, 1}, {u"b"_s, 2}, {u"a"_s, 3}};
    QCOMPARE(JsonValue(object).toJson(), R"({"a":3,"b":2})");
    object.insert(u"c"_s, u"x"_s);
    object.insert(u"a"_s, JsonArray{});
    QCOMPARE(JsonValue(object).toJson(), R"({"a":[],"b":2,"c":"x"})");
    QVERIFY(object.contains(u"b"));
    QVERIFY(!object.contains(u"z"));
    QCOMPARE(object.value(u"b").toInteger(), 2);
    QCOMPARE(object[u"c"].toString(), u"x"_s);
    QVERIFY(object.value(u"z").isNull());
    object.remove(u"b");
    object.remove(u"missing");
    QCOMPARE(JsonValue(object).toJson(), R"({"a":[],"c":"x"})");
    QCOMPARE(object.size(), 2);
    QVERIFY(!object.isEmpty());
    QVERIFY(JsonObject().isEmpty());

    // Values are immutable: editing a copy leaves the value it came from alone.
    const JsonValue value(object);
    JsonObject copy = value.toObject();
    copy.insert(u"d"_s, true);
    QCOMPARE(value.toJson(), R"({"a":[],"c":"x"})");
    QCOMPARE(JsonValue(copy).toJson(), R"({"a":[],"c":"x","d":true})");
}

void tst_Json::binary()
{
    const QByteArray bytes("\x00\x01\xff", 3);
    const JsonValue bin = JsonValue::fromBinary(bytes);
    QVERIFY(bin.isBinary());
    QCOMPARE(bin.type(), JsonValue::Type::Binary);
    QCOMPARE(bin.toBinary(), bytes);
    QVERIFY(bin.hasBinary());
    QVERIFY(!bin.isNull());

    QVERIFY(!JsonValue(1).hasBinary());
    QVERIFY(!JsonValue::parse(R"([1,{"a":[2,"x"]}])")->hasBinary());
    QVERIFY(JsonValue(JsonArray{1, JsonObject{{u"a"_s, JsonArray{2, bin}}}}).hasBinary());
    QVERIFY(JsonValue(JsonObject{{u"k"_s, bin}}).hasBinary());
    QVERIFY(bin.toQJsonValue().isNull());
}

void tst_Json::qJsonConversion()
{
    const auto value = JsonValue::parse(
            R"({"s":"t","i":9007199254740993,"d":0.25,"b":true,"n":null,"a":[1,[2]],"o":{"z":1,"a":2}})");
    QVERIFY(value);
    const QJsonValue q = value->toQJsonValue();
    QVERIFY(q.isObject());
    const QJsonObject qo = q.toObject();
    QCOMPARE(qo.value(u"s").toString(), u"t"_s);
    QCOMPARE(qo.value(u"i").toInteger(), 9007199254740993);
    QCOMPARE(qo.value(u"d").toDouble(), 0.25);
    QCOMPARE(qo.value(u"b").toBool(), true);
    QVERIFY(qo.value(u"n").isNull());
    QCOMPARE(qo.value(u"a").toArray().size(), 2);

    // QJsonObject sorts its keys; everything else survives the round trip exactly.
    const JsonValue back = JsonValue::fromQJsonValue(q);
    QCOMPARE(
            back.toJson(),
            R"({"a":[1,[2]],"b":true,"d":0.25,"i":9007199254740993,"n":null,"o":{"a":2,"z":1},"s":"t"})");
    QCOMPARE(back[u"i"].type(), JsonValue::Type::Integer);
    QCOMPARE(back[u"d"].type(), JsonValue::Type::Double);

    QVERIFY(JsonValue::fromQJsonValue(QJsonValue(QJsonValue::Undefined)).isNull());
    QCOMPARE(JsonValue::fromQJsonValue(QJsonValue(1e300)).type(), JsonValue::Type::Double);
    QCOMPARE(JsonValue::fromQJsonValue(QJsonValue(-2.5)).toDouble(), -2.5);
    QCOMPARE(JsonValue::fromQJsonValue(QJsonValue(qint64(-5))).toInteger(), -5);
    QCOMPARE(JsonValue(std::numeric_limits<qint64>::min()).toQJsonValue().toInteger(),
             std::numeric_limits<qint64>::min());
}

void tst_Json::metaType()
{
    const JsonValue value(JsonArray{1, u"x"_s});
    const QVariant variant = QVariant::fromValue(value);
    QVERIFY(variant.canConvert<JsonValue>());
    QVERIFY(variant.value<JsonValue>() == value);
}

void tst_Json::roundTrip()
{
    ValueGenerator generator(20240611);
    for (int i = 0; i < 3000; ++i) {
        const JsonValue value = generator.value(4);
        const QByteArray json = value.toJson();
        QString error;
        const auto parsed = JsonValue::parse(json, &error);
        QVERIFY2(parsed, qPrintable(error + u" in "_s + QString::fromUtf8(json)));
        QVERIFY2(jsEqual(*parsed, value), json.constData());
        QCOMPARE(parsed->toJson(), json);

        // An independent parser agrees that the output is JSON.
        QJsonParseError qtError;
        QJsonDocument::fromJson("[" + json + "]", &qtError);
        QVERIFY2(qtError.error == QJsonParseError::NoError, json.constData());
    }
}

void tst_Json::garbageNeverCrashes()
{
    // Mutations of valid documents (truncated, bytes changed, inserted or dropped) and plain
    // random bytes: the parser must answer, and whatever it accepts must survive a round trip.
    const QList<QByteArray> seeds = {
            R"({"a":[1,2.5,-3e10,"x\u00e9\ud83d\ude00",true,false,null],"b":{"c":{}}})",
            R"(["message",1,"2",{"3":[true]}])",
            "\"\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80\\n\\\"\"",
            R"([[[[[[[[[[[[[[[[[[[[{"k":[0,-0.0,1E+2]}]]]]]]]]]]]]]]]]]]]])",
            "12345678901234567890.5e-3",
    };
    static constexpr char Alphabet[]
            = "{}[],:\"\\/ -+.0123456789eEtrufalsn\x1e\x7f\xc3\xa9\xff\xed";
    QRandomGenerator random(77);
    int accepted = 0;
    for (int i = 0; i < 6000; ++i) {
        QByteArray input;
        if (i % 6 == 5) {
            input.resize(int(random.bounded(64)));
            for (char &c : input)
                c = char(random.bounded(256));
        } else {
            input = seeds.at(int(random.bounded(int(seeds.size()))));
            const int edits = 1 + int(random.bounded(4));
            for (int e = 0; e < edits && !input.isEmpty(); ++e) {
                const int pos = int(random.bounded(int(input.size())));
                switch (random.bounded(4)) {
                case 0:
                    input.truncate(pos);
                    break;
                case 1:
                    input[pos] = Alphabet[random.bounded(int(sizeof Alphabet - 1))];
                    break;
                case 2:
                    input.insert(pos, Alphabet[random.bounded(int(sizeof Alphabet - 1))]);
                    break;
                default:
                    input.remove(pos, 1);
                    break;
                }
            }
        }
        QString error;
        const auto value = JsonValue::parse(input, &error, 8);
        if (!value) {
            QVERIFY(!error.isEmpty());
            continue;
        }
        ++accepted;
        const QByteArray json = value->toJson();
        const auto again = JsonValue::parse(json, nullptr, 8);
        QVERIFY2(again, input.toHex().constData());
        QCOMPARE(again->toJson(), json);
    }
    // The mutations must also produce valid documents, or the round trip above checks nothing.
    QVERIFY(accepted > 100);
}

QTEST_APPLESS_MAIN(tst_Json)
#include "tst_json.moc"
