// SPDX-License-Identifier: MIT
// The small helpers behind what the app shows: links found in plain text, the claims read
// from a token, the emoji offered.
#include "apptestkit.h"

#include "emojimodel.h"
#include "linkfinder.h"
#include "tokeninfo.h"

#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QTest>

using namespace chat;
using namespace chat::ui;
using namespace Qt::StringLiterals;

namespace {

//! "start+length=url" for each link: readable in a failure.
QStringList describe(const QList<TextLink> &links)
{
    QStringList out;
    for (const TextLink &link : links)
        out.append(u"%1+%2=%3"_s.arg(link.start).arg(link.length).arg(link.url.toString()));
    return out;
}

} // namespace

class tst_TextTools : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void links_data();
    void links();
    void tokenInfo_data();
    void tokenInfo();
    void emojiModel();
};

void tst_TextTools::links_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("links");

    QTest::newRow("none") << u"chào cả nhà"_s << QStringList{};
    QTest::newRow("https") << u"xem https://example.org/a?b=1 nhé"_s
                           << QStringList{u"4+25=https://example.org/a?b=1"_s};
    QTest::newRow("www") << u"www.example.com/landing"_s
                         << QStringList{u"0+23=https://www.example.com/landing"_s};
    QTest::newRow("sentence end") << u"Đọc http://a.vn."_s << QStringList{u"4+11=http://a.vn"_s};
    QTest::newRow("in parentheses")
            << u"(https://a.vn/x)"_s << QStringList{u"1+14=https://a.vn/x"_s};
    QTest::newRow("balanced parentheses")
            << u"https://en.wikipedia.org/wiki/Qt_(software)"_s
            << QStringList{u"0+43=https://en.wikipedia.org/wiki/Qt_(software)"_s};
    QTest::newRow("two") << u"https://a.vn và https://b.vn"_s
                         << QStringList{u"0+12=https://a.vn"_s, u"16+12=https://b.vn"_s};
    QTest::newRow("markup is text") << u"<a href=\"javascript:alert(1)\">x</a>"_s << QStringList{};
    QTest::newRow("other schemes")
            << u"javascript:alert(1) file:///etc/passwd ftp://x.org"_s << QStringList{};
    QTest::newRow("inside a word") << u"abchttps://a.vn"_s << QStringList{};
    QTest::newRow("no host") << u"https:// and www."_s << QStringList{};
    QTest::newRow("after a quote") << u"\"https://a.vn\""_s << QStringList{u"1+12=https://a.vn"_s};
}

void tst_TextTools::links()
{
    QFETCH(QString, text);
    QFETCH(QStringList, links);
    QCOMPARE(describe(findLinks(text)), links);
}

void tst_TextTools::tokenInfo_data()
{
    QTest::addColumn<QString>("token");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<qint64>("userId");
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("expired");

    QTest::newRow("valid") << apptest::mintToken(5, u"Trâm Anh"_s) << true << qint64(5)
                           << u"Trâm Anh"_s << false;
    QTest::newRow("expired") << apptest::mintToken(6, u"Bảo"_s, -1) << true << qint64(6) << u"Bảo"_s
                             << true;
    QTest::newRow("padded with spaces") << u"  "_s + apptest::mintToken(7, u"Khoa"_s) + u"\n"_s
                                        << true << qint64(7) << u"Khoa"_s << false;
    QTest::newRow("two parts") << u"abc.def"_s << false << qint64(0) << QString() << false;
    QTest::newRow("not base64") << u"a.!!!.c"_s << false << qint64(0) << QString() << false;
    QTest::newRow("not json") << u"a.aGVsbG8.c"_s << false << qint64(0) << QString() << false;
}

void tst_TextTools::tokenInfo()
{
    QFETCH(QString, token);
    QFETCH(bool, valid);
    QFETCH(qint64, userId);
    QFETCH(QString, name);
    QFETCH(bool, expired);

    const std::optional<TokenInfo> info = TokenInfo::parse(token);
    QCOMPARE(info.has_value(), valid);
    if (!info)
        return;
    QCOMPARE(info->userId, userId);
    QCOMPARE(info->name, name);
    QVERIFY(info->expiresAt.isValid());
    QCOMPARE(info->isExpired(), expired);
}

void tst_TextTools::emojiModel()
{
    EmojiModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QStringList all = EmojiModel::selection();
    QVERIFY(model.rowCount() <= all.size());
    // Fonts differ between machines; DejaVu (the one the toolchain requires) draws these.
    QVERIFY(model.rowCount() >= 10);
    QStringList shown;
    for (int row = 0; row < model.rowCount(); ++row)
        shown.append(model.data(model.index(row), EmojiModel::EmojiRole).toString());
    QVERIFY(shown.contains(u"☺"_s));
    for (const QString &emoji : shown)
        QVERIFY(all.contains(emoji));
    QCOMPARE(model.roleNames().value(EmojiModel::EmojiRole), QByteArrayLiteral("emoji"));
}

QTEST_MAIN(tst_TextTools)
#include "tst_texttools.moc"
