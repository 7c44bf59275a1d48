// SPDX-License-Identifier: MIT
// Hosts the in-process TestServer for sioclient.test.mjs: the official socket.io-client runs in
// a node child process while this process's event loop serves it.

#include "testserver.h"

#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QProcess>
#include <QtCore/QProcessEnvironment>
#include <QtTest/QTest>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

// node --test runs the 200-client case too; this bounds a hang, not the normal run (~5 s).
constexpr int NodeTimeoutMs = 180000;

void forward(QProcess &process, QProcess::ProcessChannel channel, FILE *to)
{
    process.setReadChannel(channel);
    const QByteArray bytes = process.readAll();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), to);
    std::fflush(to);
}

} // namespace

class TestNodeSioClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void officialClient();

private:
    QString m_testDir;
};

void TestNodeSioClient::initTestCase()
{
    m_testDir = QString::fromUtf8(CHAT_NODE_TEST_DIR);
    QVERIFY2(QFileInfo::exists(QString::fromUtf8(CHAT_NODE_EXECUTABLE)),
             "node was not found at the path CMake recorded (find_program CHAT_NODE_EXECUTABLE)");
    const QString modules = QDir(m_testDir).filePath(u"node_modules/socket.io-client"_s);
    if (!QFileInfo(modules).isDir()) {
        const QByteArray message = "tests/node/node_modules is missing (no " + modules.toUtf8()
                + "): run `npm ci` in tests/node first (./deploy/dev.sh test does it)";
        QFAIL(message.constData());
    }
}

void TestNodeSioClient::officialClient()
{
    chat::test::TestServer server;
    QVERIFY2(server.start(), "the TestServer did not start listening");

    QProcess node;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"CHAT_TEST_URL"_s, server.url().toString());
    node.setProcessEnvironment(environment);
    node.setWorkingDirectory(m_testDir);
    connect(&node, &QProcess::readyReadStandardOutput, this,
            [&node] { forward(node, QProcess::StandardOutput, stdout); });
    connect(&node, &QProcess::readyReadStandardError, this,
            [&node] { forward(node, QProcess::StandardError, stderr); });

    node.start(QString::fromUtf8(CHAT_NODE_EXECUTABLE),
               {u"--test"_s, u"--test-reporter=spec"_s,
                QDir(m_testDir).filePath(u"sioclient.test.mjs"_s)});
    QVERIFY2(node.waitForStarted(10000), qPrintable(node.errorString()));

    // QTRY_* spins this thread's event loop, which is where the TestServer answers the client.
    // On a timeout ~QProcess kills node.
    QTRY_VERIFY_WITH_TIMEOUT(node.state() == QProcess::NotRunning, NodeTimeoutMs);
    forward(node, QProcess::StandardOutput, stdout);
    forward(node, QProcess::StandardError, stderr);

    QCOMPARE(node.exitStatus(), QProcess::NormalExit);
    QVERIFY2(node.exitCode() == 0,
             qPrintable(
                     u"node --test sioclient.test.mjs exited with code %1 (see its output above)"_s
                             .arg(node.exitCode())));
}

QTEST_GUILESS_MAIN(TestNodeSioClient)

#include "tst_node_sioclient.moc"
