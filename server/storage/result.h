// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QLatin1StringView>
#include <QtCore/QString>

#include <optional>
#include <utility>
#include <variant>

namespace chat::storage {

//! \brief The kinds of failure the storage layer reports. The domain layer maps them to its
//! own errors; SQL details stay in Error::message and the log.
enum class ErrorKind : quint8 {
    //! The row asked for (or a row it refers to: room, user, message) does not exist.
    NotFound,
    //! A uniqueness rule refused the write (e.g. the username is taken).
    Conflict,
    //! The request itself is unusable (an empty username, a client id that is too long...).
    InvalidArgument,
    //! The database cannot be reached, is busy beyond the retries, or the store is closed.
    Unavailable,
    //! Anything else: a bug or a broken schema. Logged with the SQL error.
    Internal,
};

//! \brief "not_found", "conflict", ...
QLatin1StringView errorKindName(ErrorKind kind);

//! \brief A storage failure: its kind and a human-readable detail for logs.
struct Error
{
    ErrorKind kind = ErrorKind::Internal;
    QString message{};
};

//! \brief QTest::toString hook.
char *toString(const Error &error);

//! \brief A value or an Error (std::expected is C++23; this project builds as C++20).
template<typename T>
class [[nodiscard]] Result
{
public:
    Result(const T &value) : m_data(std::in_place_index<0>, value) { }
    Result(T &&value) : m_data(std::in_place_index<0>, std::move(value)) { }
    Result(Error error) : m_data(std::in_place_index<1>, std::move(error)) { }

    bool ok() const noexcept { return m_data.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    //! Only when ok().
    const T &value() const & { return std::get<0>(m_data); }
    T &value() & { return std::get<0>(m_data); }
    T &&value() && { return std::get<0>(std::move(m_data)); }
    const T &operator*() const & { return value(); }
    const T *operator->() const { return &value(); }
    //! Only when !ok().
    const Error &error() const { return std::get<1>(m_data); }

private:
    std::variant<T, Error> m_data;
};

//! \brief Success or an Error, for operations that return nothing.
template<>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)) { }

    bool ok() const noexcept { return !m_error.has_value(); }
    explicit operator bool() const noexcept { return ok(); }
    //! Only when !ok().
    const Error &error() const { return *m_error; }

private:
    std::optional<Error> m_error;
};

} // namespace chat::storage
