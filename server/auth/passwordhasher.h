// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QObject>
#include <QtCore/QString>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

QT_BEGIN_NAMESPACE
class QThreadPool;
QT_END_NAMESPACE

namespace chat::auth {

//! \brief Outcome of an asynchronous password operation.
enum class PasswordStatus : quint8 {
    //! Hashed, or the password matches.
    Ok,
    //! The password does not match, the stored hash is unusable, or there was no user (the
    //! three are indistinguishable on purpose).
    Mismatch,
    //! Too many operations are queued; nothing was computed. Answer "try later".
    Busy,
    //! Hashing failed (out of memory).
    Failed,
};

//! \brief Slow salted password hashing with Argon2id (libsodium crypto_pwhash_str).
//!
//! Hashes are self-describing strings ("$argon2id$v=19$m=...,t=...,p=1$salt$hash") with a
//! random salt, so the parameters can be raised later and old hashes still verify
//! (needsRehash() tells when to re-hash at the next login).
//!
//! The work takes tens to hundreds of milliseconds and tens of megabytes, so the async API
//! runs it on a private thread pool whose size bounds the memory, and refuses work beyond a
//! queue limit (PasswordStatus::Busy) so a login flood cannot grow memory without bound.
//! Results are delivered to a context object on its own thread, and dropped if it is
//! destroyed first. The sync API is for tools and tests.
class PasswordHasher
{
public:
    //! \brief Argon2id cost parameters.
    struct Limits
    {
        quint64 opsLimit;
        size_t memLimit;
        //! libsodium's INTERACTIVE limits (2 passes, 64 MiB): the default.
        static Limits interactive();
        //! libsodium's MODERATE limits (3 passes, 256 MiB).
        static Limits moderate();
        //! The smallest limits libsodium accepts: tests only.
        static Limits minimum();
    };
    struct Options
    {
        Limits limits = Limits::interactive();
        //! Threads hashing at once; each holds memLimit bytes while it works.
        int maxThreads = 2;
        //! Operations queued or running beyond which new ones get Busy.
        int maxPending = 64;
    };

    PasswordHasher() : PasswordHasher(Options{}) { }
    explicit PasswordHasher(Options options);
    //! Waits for running operations; their results are still delivered.
    ~PasswordHasher();

    PasswordHasher(const PasswordHasher &) = delete;
    PasswordHasher &operator=(const PasswordHasher &) = delete;

    //! The encoded hash of \a password, or nullopt when out of memory. Blocking.
    std::optional<QByteArray> hash(const QString &password) const;
    //! True if \a password matches \a encodedHash. Blocking.
    bool verify(const QString &password, const QByteArray &encodedHash) const;
    //! Spends the time of a verification against a hash with this hasher's limits and returns
    //! false: answers a login for a user that does not exist as slowly as a wrong password.
    bool verifyNothing(const QString &password) const;
    //! True when \a encodedHash was made with other limits (or another algorithm).
    bool needsRehash(const QByteArray &encodedHash) const;

    using HashCallback = std::function<void(PasswordStatus status, const QByteArray &encodedHash)>;
    using VerifyCallback = std::function<void(PasswordStatus status)>;

    //! Hashes \a password on the pool; \a done runs in \a context's thread.
    void hashAsync(const QString &password, QObject *context, HashCallback done);
    //! Verifies \a password on the pool against \a encodedHash, or against a dummy hash when
    //! it is nullopt (unknown user), so that both take the same time and give the same answer.
    //! \a done runs in \a context's thread with Ok or Mismatch (or Busy).
    void verifyAsync(const QString &password, std::optional<QByteArray> encodedHash,
                     QObject *context, VerifyCallback done);

    //! Operations queued or running.
    int pending() const { return m_pending.load(); }

private:
    bool reserveSlot();
    const QByteArray &dummyHash() const;

    Options m_options;
    std::unique_ptr<QThreadPool> m_pool;
    std::atomic<int> m_pending{0};
    mutable std::once_flag m_dummyOnce;
    mutable QByteArray m_dummyHash;
};

} // namespace chat::auth
