// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QJsonValue>
#include <QtCore/QList>
#include <QtCore/QMetaType>
#include <QtCore/QString>

#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

namespace chat {

class JsonValue;
class JsonObject;
using JsonArray = QList<JsonValue>;

namespace detail {
class JsonParser;
}

//! \brief An immutable, cheaply copied JSON value that keeps the key order of objects.
//!
//! Socket.IO peers compare packets byte for byte, so a value decoded from the wire and
//! encoded again must come out with the same argument and key order and compact spacing;
//! QJsonObject sorts its keys and cannot do that. Besides the JSON types it can hold
//! binary data, which the Socket.IO codec turns into attachments and placeholders.
class JsonValue
{
public:
    enum class Type : quint8 { Null, Bool, Integer, Double, String, Binary, Array, Object };

    JsonValue() noexcept = default;
    JsonValue(std::nullptr_t) noexcept { }
    JsonValue(bool b) noexcept : m_data(b) { }
    template<typename T,
             std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
    JsonValue(T i) noexcept : m_data(qint64(i))
    { }
    //! A string literal must be spelled as a QString (u"..."_s); it would otherwise become a bool.
    JsonValue(const char *) = delete;
    JsonValue(double d) noexcept : m_data(d) { }
    JsonValue(const QString &s) : m_data(s) { }
    JsonValue(QString &&s) noexcept : m_data(std::move(s)) { }
    JsonValue(QLatin1StringView s) : m_data(QString(s)) { }
    JsonValue(const JsonArray &a);
    JsonValue(JsonArray &&a);
    JsonValue(const JsonObject &o);
    JsonValue(JsonObject &&o);
    //! Binary data (a Socket.IO attachment); a QByteArray never converts implicitly.
    static JsonValue fromBinary(const QByteArray &bytes);

    Type type() const noexcept { return Type(m_data.index()); }
    bool isNull() const noexcept { return type() == Type::Null; }
    bool isBool() const noexcept { return type() == Type::Bool; }
    //! True for Integer and Double alike.
    bool isNumber() const noexcept { return type() == Type::Integer || type() == Type::Double; }
    //! True for an Integer, and for a Double with an integral value that fits in qint64.
    bool isInteger() const noexcept;
    bool isString() const noexcept { return type() == Type::String; }
    bool isBinary() const noexcept { return type() == Type::Binary; }
    bool isArray() const noexcept { return type() == Type::Array; }
    bool isObject() const noexcept { return type() == Type::Object; }

    bool toBool(bool defaultValue = false) const noexcept;
    //! The integer value if isInteger(), else \a defaultValue.
    qint64 toInteger(qint64 defaultValue = 0) const noexcept;
    double toDouble(double defaultValue = 0) const noexcept;
    QString toString(const QString &defaultValue = {}) const;
    QByteArray toBinary() const;
    //! The array, or an empty one when this is not an array.
    JsonArray toArray() const;
    //! The object, or an empty one when this is not an object.
    JsonObject toObject() const;

    //! Member lookup on an object; null for a missing key or a non-object.
    JsonValue operator[](QStringView key) const;
    //! Element lookup on an array; null when out of range or a non-array.
    JsonValue operator[](qsizetype index) const;

    //! True if this value or anything it contains is binary.
    bool hasBinary() const;

    //! Compact JSON (no spaces), as JSON.stringify writes it. Binary values are written as
    //! null; the Socket.IO encoder replaces them by placeholders before it gets here.
    QByteArray toJson() const;
    //! Appends the compact JSON text to \a out.
    void writeJson(QByteArray &out) const;

    //! Strict RFC 8259 parsing of one complete value (leading and trailing white space
    //! allowed). Never throws; returns nullopt and sets \a error on any malformed input or when
    //! nesting is deeper than \a maxDepth.
    static std::optional<JsonValue> parse(QByteArrayView utf8, QString *error = nullptr,
                                          int maxDepth = 64);

    QJsonValue toQJsonValue() const;
    static JsonValue fromQJsonValue(const QJsonValue &value);

    friend bool operator==(const JsonValue &a, const JsonValue &b);
    friend bool operator!=(const JsonValue &a, const JsonValue &b) { return !(a == b); }

private:
    struct Binary
    {
        QByteArray bytes;
    };
    // Alternative order matches Type.
    std::variant<std::monostate, bool, qint64, double, QString, Binary,
                 std::shared_ptr<const JsonArray>, std::shared_ptr<const JsonObject>>
            m_data;
};

//! \brief A JSON object that keeps insertion order (and the order of keys as parsed).
class JsonObject
{
public:
    using Member = std::pair<QString, JsonValue>;
    using const_iterator = QList<Member>::const_iterator;

    JsonObject() = default;
    JsonObject(std::initializer_list<Member> members);

    qsizetype size() const noexcept { return m_members.size(); }
    bool isEmpty() const noexcept { return m_members.isEmpty(); }
    bool contains(QStringView key) const noexcept;
    //! The member's value, or null when absent.
    JsonValue value(QStringView key) const;
    JsonValue operator[](QStringView key) const { return value(key); }
    //! Replaces the value in place if the key exists (keeping its position), else appends.
    JsonObject &insert(const QString &key, const JsonValue &value);
    void remove(QStringView key);
    QStringList keys() const;

    const_iterator begin() const noexcept { return m_members.cbegin(); }
    const_iterator end() const noexcept { return m_members.cend(); }
    const QList<Member> &members() const noexcept { return m_members; }

    friend bool operator==(const JsonObject &a, const JsonObject &b)
    {
        return a.m_members == b.m_members;
    }

private:
    // The parser appends members directly: going through insert() would make parsing an
    // object quadratic in its number of keys.
    friend class detail::JsonParser;

    QList<Member> m_members;
};

//! Debug/test helper: the compact JSON as a QString.
QString toString(const JsonValue &value);

} // namespace chat

Q_DECLARE_METATYPE(chat::JsonValue)
Q_DECLARE_METATYPE(chat::JsonArray)
Q_DECLARE_METATYPE(chat::JsonObject)
