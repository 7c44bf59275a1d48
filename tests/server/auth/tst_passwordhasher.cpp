// SPDX-License-Identifier: MIT
#include "auth/passwordhasher.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QThread>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <memory>

using namespace Qt::StringLiterals;
using chat::auth::PasswordHasher;
using chat::auth::PasswordStatus;

Q_DECLARE_METATYPE(chat::auth::PasswordStatus)

namespace {

PasswordHasher::Options fast()
{
    PasswordHasher::Options options;
    options.limits = PasswordHasher::Limits::minimum();
    return options;
}

} // namespace

class tst_PasswordHasher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hashAndVerify();
    void rejectsUnusableHashes_data();
    void rejectsUnusableHashes();
    void needsRehash();
    void defaultLimitsAreArgon2idInteractive();
    void unknownUserCostsAVerification();
    void asyncDeliversOnTheContextThread();
    void asyncVerify();
    void asyncDroppedWhenContextDies();
    void busyBeyondTheQueueLimit();
};

void tst_PasswordHasher::hashAndVerify()
{
    const PasswordHasher hasher(fast());
    const auto first = hasher.hash(u"correct horse battery staple"_s);
    const auto second = hasher.hash(u"correct horse battery staple"_s);
    QVERIFY(first && second);
    QVERIFY(first->startsWith("$argon2id$v=19$"));
    // A random salt per hash: the same password never gives the same string.
    QVERIFY(*first != *second);
    QVERIFY(hasher.verify(u"correct horse battery staple"_s, *first));
    QVERIFY(hasher.verify(u"correct horse battery staple"_s, *second));
    QVERIFY(!hasher.verify(u"correct horse battery stapl"_s, *first));
    QVERIFY(!hasher.verify(u"Correct horse battery staple"_s, *first));
    QVERIFY(!hasher.verify(QString(), *first));

    const auto unicode = hasher.hash(u"mật khẩu 🔑"_s);
    QVERIFY(unicode);
    QVERIFY(hasher.verify(u"mật khẩu 🔑"_s, *unicode));
    QVERIFY(!hasher.verify(u"mat khau 🔑"_s, *unicode));
}

void tst_PasswordHasher::rejectsUnusableHashes_data()
{
    QTest::addColumn<QByteArray>("hash");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("garbage") << "not a hash"_ba;
    QTest::newRow("plain text password") << "secret"_ba;
    QTest::newRow("too long") << QByteArray(200, 'a');
    QTest::newRow("embedded NUL") << "$argon2id$v=19$\0x"_ba;
}

void tst_PasswordHasher::rejectsUnusableHashes()
{
    QFETCH(QByteArray, hash);
    const PasswordHasher hasher(fast());
    QVERIFY(!hasher.verify(u"secret"_s, hash));
    QVERIFY(hasher.needsRehash(hash));
}

void tst_PasswordHasher::needsRehash()
{
    const PasswordHasher weak(fast());
    const auto hash = weak.hash(u"pw"_s);
    QVERIFY(hash);
    QVERIFY(!weak.needsRehash(*hash));
    const PasswordHasher standard;
    QVERIFY(standard.needsRehash(*hash));
    // Old hashes keep verifying after the limits are raised.
    QVERIFY(standard.verify(u"pw"_s, *hash));
}

void tst_PasswordHasher::defaultLimitsAreArgon2idInteractive()
{
    const PasswordHasher hasher;
    const auto hash = hasher.hash(u"pw"_s);
    QVERIFY(hash);
    // 64 MiB, 2 passes: libsodium's INTERACTIVE limits.
    QVERIFY2(hash->startsWith("$argon2id$v=19$m=65536,t=2,p=1$"), hash->constData());
    QVERIFY(hasher.verify(u"pw"_s, *hash));
    QVERIFY(!hasher.needsRehash(*hash));
}

void tst_PasswordHasher::unknownUserCostsAVerification()
{
    const PasswordHasher hasher;
    const auto hash = hasher.hash(u"pw"_s);
    QVERIFY(hash);
    QVERIFY(!hasher.verifyNothing(u"pw"_s)); // the first call also makes the dummy hash

    QElapsedTimer timer;
    timer.start();
    QVERIFY(!hasher.verify(u"wrong"_s, *hash));
    const qint64 real = timer.nsecsElapsed();
    timer.restart();
    QVERIFY(!hasher.verifyNothing(u"wrong"_s));
    const qint64 dummy = timer.nsecsElapsed();
    timer.restart();
    QVERIFY(!hasher.verify(u"wrong"_s, "garbage"));
    const qint64 corrupt = timer.nsecsElapsed();
    // Same work, so the same order of magnitude; an instant answer would be ~1000x faster.
    QVERIFY2(dummy * 4 > real, qPrintable(u"real %1 ns, dummy %2 ns"_s.arg(real).arg(dummy)));
    QVERIFY2(corrupt * 4 > real, qPrintable(u"real %1 ns, corrupt %2 ns"_s.arg(real).arg(corrupt)));
}

void tst_PasswordHasher::asyncDeliversOnTheContextThread()
{
    PasswordHasher hasher(fast());

    QThread thread;
    thread.start();
    auto *remote = new QObject;
    remote->moveToThread(&thread);

    struct Outcome
    {
        PasswordStatus status = PasswordStatus::Failed;
        QByteArray hash;
        QThread *thread = nullptr;
        bool called = false;
    };
    auto local = std::make_shared<Outcome>();
    auto away = std::make_shared<Outcome>();
    hasher.hashAsync(u"pw"_s, this, [local](PasswordStatus status, const QByteArray &hash) {
        *local = {status, hash, QThread::currentThread(), true};
    });
    hasher.hashAsync(u"pw"_s, remote, [away](PasswordStatus status, const QByteArray &hash) {
        *away = {status, hash, QThread::currentThread(), true};
    });
    QTRY_VERIFY(local->called);
    QTRY_VERIFY(away->called);
    QCOMPARE(local->status, PasswordStatus::Ok);
    QCOMPARE(local->thread, QThread::currentThread());
    QCOMPARE(away->status, PasswordStatus::Ok);
    QCOMPARE(away->thread, &thread);
    QVERIFY(hasher.verify(u"pw"_s, local->hash));
    QVERIFY(hasher.verify(u"pw"_s, away->hash));

    QMetaObject::invokeMethod(remote, &QObject::deleteLater);
    thread.quit();
    QVERIFY(thread.wait(10000));
}

void tst_PasswordHasher::asyncVerify()
{
    PasswordHasher hasher(fast());
    const QByteArray hash = hasher.hash(u"pw"_s).value();
    QList<PasswordStatus> results;
    const auto record = [&results](PasswordStatus status) { results.append(status); };
    hasher.verifyAsync(u"pw"_s, hash, this, record);
    hasher.verifyAsync(u"nope"_s, hash, this, record);
    // No such user: the same answer as a wrong password.
    hasher.verifyAsync(u"pw"_s, std::nullopt, this, record);
    QTRY_COMPARE(results.size(), 3);
    QCOMPARE(results.count(PasswordStatus::Ok), 1);
    QCOMPARE(results.count(PasswordStatus::Mismatch), 2);
}

void tst_PasswordHasher::asyncDroppedWhenContextDies()
{
    PasswordHasher hasher(fast());
    auto called = std::make_shared<bool>(false);
    auto *context = new QObject;
    hasher.verifyAsync(u"pw"_s, std::nullopt, context,
                       [called](PasswordStatus) { *called = true; });
    delete context;
    QTRY_COMPARE(hasher.pending(), 0);
    // A later request on a live context is answered; the dead one's never is.
    bool later = false;
    hasher.verifyAsync(u"pw"_s, std::nullopt, this, [&later](PasswordStatus) { later = true; });
    QTRY_VERIFY(later);
    QVERIFY(!*called);
}

void tst_PasswordHasher::busyBeyondTheQueueLimit()
{
    PasswordHasher::Options options;
    options.limits = PasswordHasher::Limits::interactive();
    options.maxThreads = 1;
    options.maxPending = 1;
    PasswordHasher hasher(options);
    QList<PasswordStatus> results;
    hasher.hashAsync(u"a"_s, this, [&results](PasswordStatus status, const QByteArray &) {
        results.append(status);
    });
    hasher.hashAsync(u"b"_s, this, [&results](PasswordStatus status, const QByteArray &) {
        results.append(status);
    });
    QTRY_COMPARE(results.size(), 2);
    // The refusal is answered at once, before the slow hash finishes.
    QCOMPARE(results.first(), PasswordStatus::Busy);
    QCOMPARE(results.last(), PasswordStatus::Ok);
}

QTEST_GUILESS_MAIN(tst_PasswordHasher)
#include "tst_passwordhasher.moc"
