// SPDX-License-Identifier: MIT
#include "passwordhasher.h"

#include "contextguard.h"
#include "logging.h"

#include <QtCore/QThreadPool>

#include <sodium.h>

namespace chat::auth {

namespace {

class PlainText
{
public:
    explicit PlainText(const QString &password) : m_utf8(password.toUtf8()) { }
    // The clear text should not linger in freed heap memory.
    ~PlainText() { sodium_memzero(m_utf8.data(), size_t(m_utf8.size())); }
    PlainText(const PlainText &) = delete;
    PlainText &operator=(const PlainText &) = delete;

    const char *data() const { return m_utf8.constData(); }
    quint64 size() const { return quint64(m_utf8.size()); }

private:
    QByteArray m_utf8;
};

// crypto_pwhash_str_verify() reads a NUL-terminated string of bounded length, and answers an
// unparseable one at once; such strings get the dummy verification instead.
bool wellFormedHash(const QByteArray &encodedHash)
{
    if (encodedHash.isEmpty() || encodedHash.size() >= crypto_pwhash_STRBYTES
        || encodedHash.contains('\0')) {
        return false;
    }
    // -1 means "not an Argon2id hash string"; 0 and 1 need a parseable one.
    return crypto_pwhash_str_needs_rehash(encodedHash.constData(), crypto_pwhash_OPSLIMIT_MIN,
                                          crypto_pwhash_MEMLIMIT_MIN)
            != -1;
}

} // namespace

PasswordHasher::Limits PasswordHasher::Limits::interactive()
{
    return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

PasswordHasher::Limits PasswordHasher::Limits::moderate()
{
    return {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
}

PasswordHasher::Limits PasswordHasher::Limits::minimum()
{
    return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

PasswordHasher::PasswordHasher(Options options)
    : m_options(options), m_pool(std::make_unique<QThreadPool>())
{
    if (sodium_init() < 0)
        qCCritical(lcAuth) << "libsodium failed to initialise";
    m_pool->setMaxThreadCount(qMax(1, m_options.maxThreads));
    m_pool->setObjectName(QStringLiteral("chat.auth.pwhash"));
}

PasswordHasher::~PasswordHasher()
{
    m_pool->waitForDone();
}

std::optional<QByteArray> PasswordHasher::hash(const QString &password) const
{
    const PlainText plain(password);
    QByteArray out(crypto_pwhash_STRBYTES, '\0');
    if (crypto_pwhash_str(out.data(), plain.data(), plain.size(), m_options.limits.opsLimit,
                          m_options.limits.memLimit)
        != 0) {
        qCWarning(lcAuth) << "password hashing failed (out of memory?)";
        return std::nullopt;
    }
    out.truncate(qsizetype(qstrlen(out.constData())));
    return out;
}

bool PasswordHasher::verify(const QString &password, const QByteArray &encodedHash) const
{
    if (!wellFormedHash(encodedHash)) {
        // Spend the time anyway: a corrupt row must not be told apart by its speed.
        return verifyNothing(password);
    }
    const PlainText plain(password);
    return crypto_pwhash_str_verify(encodedHash.constData(), plain.data(), plain.size()) == 0;
}

const QByteArray &PasswordHasher::dummyHash() const
{
    std::call_once(m_dummyOnce, [this] {
        unsigned char random[16];
        randombytes_buf(random, sizeof random);
        const QString secret = QString::fromLatin1(
                QByteArray(reinterpret_cast<const char *>(random), sizeof random).toHex());
        m_dummyHash = hash(secret).value_or(QByteArray());
    });
    return m_dummyHash;
}

bool PasswordHasher::verifyNothing(const QString &password) const
{
    const QByteArray &dummy = dummyHash();
    if (dummy.isEmpty())
        return false;
    const PlainText plain(password);
    // The dummy's password is random and was never kept, so a match is impossible; only the
    // time spent matters.
    const int result = crypto_pwhash_str_verify(dummy.constData(), plain.data(), plain.size());
    Q_UNUSED(result);
    return false;
}

bool PasswordHasher::needsRehash(const QByteArray &encodedHash) const
{
    if (!wellFormedHash(encodedHash))
        return true;
    return crypto_pwhash_str_needs_rehash(encodedHash.constData(), m_options.limits.opsLimit,
                                          m_options.limits.memLimit)
            != 0;
}

bool PasswordHasher::reserveSlot()
{
    int current = m_pending.load();
    do {
        if (current >= m_options.maxPending)
            return false;
    } while (!m_pending.compare_exchange_weak(current, current + 1));
    return true;
}

void PasswordHasher::hashAsync(const QString &password, QObject *context, HashCallback done)
{
    auto guard = ContextGuard::of(context);
    if (!reserveSlot()) {
        guard->post([done = std::move(done)] { done(PasswordStatus::Busy, QByteArray()); });
        return;
    }
    m_pool->start([this, password, guard, done = std::move(done)]() mutable {
        const auto encoded = hash(password);
        --m_pending;
        guard->post([done = std::move(done), encoded] {
            done(encoded ? PasswordStatus::Ok : PasswordStatus::Failed,
                 encoded.value_or(QByteArray()));
        });
    });
}

void PasswordHasher::verifyAsync(const QString &password, std::optional<QByteArray> encodedHash,
                                 QObject *context, VerifyCallback done)
{
    auto guard = ContextGuard::of(context);
    if (!reserveSlot()) {
        guard->post([done = std::move(done)] { done(PasswordStatus::Busy); });
        return;
    }
    m_pool->start([this, password, encodedHash = std::move(encodedHash), guard,
                   done = std::move(done)]() mutable {
        const bool match = encodedHash ? verify(password, *encodedHash) : verifyNothing(password);
        --m_pending;
        guard->post([done = std::move(done), match] {
            done(match ? PasswordStatus::Ok : PasswordStatus::Mismatch);
        });
    });
}

} // namespace chat::auth
