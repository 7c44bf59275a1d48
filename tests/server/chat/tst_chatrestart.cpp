// SPDX-License-Identifier: MIT
// The chat-server process stopped with SIGTERM and started again on the same data folder: it
// exits cleanly, and afterwards the messages (with their edits and deletions), the accounts and
// the embedded secret are all still there, and new ids carry on after the old ones.
#include "chattestkit.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>
#include <QtNetwork/QNetworkRequest>
#include <QtTest/QTest>

#include <memory>

using namespace chat;
using namespace chat::test;
using namespace Qt::StringLiterals;

namespace {

//! A chat-server process on port 0; its URL read from the "listening on" line.
class ServerProcess
{
public:
    ~ServerProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    bool start(const QString &dataDir)
    {
        // The server reads CHAT_* variables: the developer's own must not leak in.
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        const QStringList keys = environment.keys();
        for (const QString &key : keys) {
            if (key.startsWith(u"CHAT_"_s))
                environment.remove(key);
        }
        m_process.setProcessEnvironment(environment);
        m_process.setProgram(QStringLiteral(CHAT_SERVER_BIN));
        m_process.setArguments(
                {u"--port"_s, u"0"_s, u"--data-dir"_s, dataDir, u"--rate-limit-per-min"_s, u"0"_s});
        m_output.clear();
        m_process.start();
        static const QRegularExpression listening(u"chat-server listening on (\\S+)"_s);
        QRegularExpressionMatch match;
        const bool settled = QTest::qWaitFor(
                [&] {
                    m_output += m_process.readAllStandardOutput();
                    match = listening.match(QString::fromUtf8(m_output));
                    return match.hasMatch() || m_process.state() == QProcess::NotRunning;
                },
                20000);
        if (!settled || !match.hasMatch())
            return false;
        m_url = QUrl(match.captured(1));
        return true;
    }

    //! SIGTERM, then the exit code (-1 when it did not exit normally within 10 s).
    int terminate()
    {
        m_process.terminate();
        if (!QTest::qWaitFor([this] { return m_process.state() == QProcess::NotRunning; }, 10000))
            return -1;
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    }

    QUrl url() const { return m_url; }
    QByteArray log() { return m_output + m_process.readAllStandardError(); }

private:
    QProcess m_process;
    QByteArray m_output;
    QUrl m_url;
};

struct HttpAnswer
{
    int status = 0;
    JsonValue body;
};

HttpAnswer postJson(const QUrl &base, const QString &path, const QByteArray &body)
{
    QNetworkAccessManager network;
    QNetworkRequest request(base.resolved(QUrl(path)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    std::unique_ptr<QNetworkReply> reply(network.post(request, body));
    if (!QTest::qWaitFor([&reply] { return reply->isFinished(); }, 10000))
        return {};
    return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
            json(reply->readAll())};
}

QByteArray readSecret(const QString &dataDir)
{
    QFile file(QDir(dataDir).filePath(u"jwt-secret"_s));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll().trimmed();
}

} // namespace

class tst_ChatRestart : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void restartKeepsEverything();
};

void tst_ChatRestart::restartKeepsEverything()
{
    QTemporaryDir dataDir;
    QVERIFY(dataDir.isValid());

    // First life.
    auto first = std::make_unique<ServerProcess>();
    QVERIFY2(first->start(dataDir.path()), first->log().constData());
    // Embedded mode makes a secret and keeps it in the data folder.
    const QByteArray secret = readSecret(dataDir.path());
    QVERIFY(!secret.isEmpty());
    // Ids from 1001 up: standalone accounts take theirs from 1, in the same users table.
    const QByteArray token = mintToken({1001, u"Ann"_s, u"https://example.test/ann.png"_s}, secret);

    const HttpAnswer registered
            = postJson(first->url(), u"/api/v1/auth/register"_s,
                       R"({"username":"dave","password":"dave's password","name":"Dave"})");
    QCOMPARE(registered.status, 201);
    const qint64 daveId = registered.body[u"user"_s][u"id"_s].toInteger();
    QVERIFY(daveId > 0);

    QList<qint64> ids;
    JsonArray before;
    qint64 general = 0;
    {
        ChatClient ann(first->url());
        QVERIFY(ann.signIn(token));
        ChatClient dave(first->url());
        QVERIFY(dave.signIn(registered.body[u"token"_s].toString().toLatin1()));
        general = ann.roomId(u"general"_s);
        QVERIFY(isOk(ann.join(u"general"_s)));
        QVERIFY(isOk(dave.join(u"general"_s)));
        for (int i = 0; i < 20; ++i) {
            const JsonValue ack = ann.say(general, u"before restart %1"_s.arg(i));
            QVERIFY2(isOk(ack), dump(ack).constData());
            ids.append(ack[u"id"_s].toInteger());
        }
        QVERIFY(isOk(dave.say(general, u"Dave was here"_s)));
        QVERIFY(isOk(ann.call(
                u"message:edit"_s,
                JsonObject{{u"id"_s, JsonValue(ids.at(3))}, {u"message"_s, u"edited"_s}})));
        QVERIFY(isOk(ann.call(u"message:delete"_s, JsonObject{{u"id"_s, JsonValue(ids.at(4))}})));
        before = ann.history(general);
        QCOMPARE(before.size(), 21);

        QCOMPARE(first->terminate(), 0);
        QTRY_VERIFY(!ann.isConnected());
    }

    // Second life, same folder.
    auto second = std::make_unique<ServerProcess>();
    QVERIFY2(second->start(dataDir.path()), second->log().constData());
    QCOMPARE(readSecret(dataDir.path()), secret);

    // The token made with the kept secret still signs in; the account still logs in.
    ChatClient ann(second->url());
    QVERIFY(ann.signIn(token));
    const HttpAnswer login = postJson(second->url(), u"/api/v1/auth/login"_s,
                                      R"({"username":"Dave","password":"dave's password"})");
    QCOMPARE(login.status, 200);
    QCOMPARE(login.body[u"user"_s][u"id"_s].toInteger(), daveId);

    // Everything is there, exactly as it was: texts, times, edits, deletions.
    QCOMPARE(ann.roomId(u"general"_s), general);
    const JsonArray after = ann.history(general);
    QCOMPARE(toString(after), toString(before));
    QCOMPARE(after.at(3)[u"message"_s].toString(), u"edited"_s);
    QCOMPARE(toString(after.at(4)[u"deleted"_s]), u"true"_s);

    // New messages carry on after the old ids.
    QVERIFY(isOk(ann.join(u"general"_s)));
    qint64 last = idsOf(before).constLast();
    QList<qint64> newIds;
    for (int i = 0; i < 5; ++i) {
        const JsonValue ack = ann.say(general, u"after restart %1"_s.arg(i));
        QVERIFY2(isOk(ack), dump(ack).constData());
        const qint64 id = ack[u"id"_s].toInteger();
        QVERIFY2(id > last, qPrintable(u"id %1 after %2"_s.arg(id).arg(last)));
        last = id;
        newIds.append(id);
    }
    QCOMPARE(idsOf(ann.history(general)), idsOf(before) + newIds);

    // A client coming back with the last id it saw before the restart gets exactly the rest.
    ChatClient returning(second->url());
    QVERIFY(returning.signIn(mintToken({1009, u"Ret"_s, {}}, secret)));
    QVERIFY(isOk(returning.call(u"room:join"_s,
                                JsonObject{{u"roomId"_s, JsonValue(general)},
                                           {u"since"_s, JsonValue(idsOf(before).constLast())}})));
    QTRY_COMPARE(returning.count(u"room:history"_s), 1);
    QCOMPARE(idsOf(returning.payloads(u"room:history"_s).at(0)[u"messages"_s].toArray()), newIds);

    QCOMPARE(second->terminate(), 0);
}

QTEST_GUILESS_MAIN(tst_ChatRestart)
#include "tst_chatrestart.moc"
