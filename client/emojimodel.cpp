// SPDX-License-Identifier: MIT
#include "emojimodel.h"

#include "fontcoverage.h"

using namespace Qt::StringLiterals;

namespace chat::ui {

QStringList EmojiModel::selection()
{
    // Faces first, then gestures and hearts, then symbols that older fonts also carry.
    return {
            u"😀"_s, u"😃"_s,    u"😄"_s, u"😁"_s,    u"😆"_s, u"😅"_s, u"😂"_s, u"🤣"_s, u"😊"_s,
            u"😇"_s, u"🙂"_s, u"😉"_s, u"😍"_s,    u"😘"_s, u"😋"_s, u"😎"_s, u"🤔"_s, u"😐"_s,
            u"😑"_s, u"😏"_s,    u"😒"_s, u"🙄"_s, u"😬"_s, u"😌"_s, u"😔"_s, u"😪"_s,    u"😴"_s,
            u"😷"_s, u"😵"_s,    u"😲"_s, u"😳"_s,    u"😢"_s, u"😭"_s, u"😱"_s, u"😖"_s,    u"😞"_s,
            u"😤"_s, u"😡"_s,    u"😠"_s, u"😈"_s,    u"👍"_s, u"👎"_s, u"👏"_s, u"🙌"_s,    u"🙏"_s,
            u"💪"_s, u"👋"_s,    u"👀"_s, u"🎉"_s,    u"🔥"_s, u"💯"_s, u"✨"_s, u"🚀"_s,    u"💡"_s,
            u"✅"_s, u"❌"_s,    u"❤"_s, u"♥"_s,    u"★"_s, u"☀"_s, u"☁"_s, u"☂"_s,    u"☕"_s,
            u"☺"_s, u"☹"_s,    u"✌"_s, u"✍"_s,    u"✈"_s, u"✉"_s, u"✔"_s, u"✘"_s,    u"⚡"_s,
            u"⚠"_s, u"♪"_s,    u"♫"_s, u"☎"_s,    u"⌛"_s, u"❄"_s,
    };
}

EmojiModel::EmojiModel(QObject *parent) : QAbstractListModel(parent)
{
    const QStringList all = selection();
    for (const QString &emoji : all) {
        if (canRender(emoji))
            m_emoji.append(emoji);
    }
}

EmojiModel::~EmojiModel() = default;

int EmojiModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_emoji.size());
}

QVariant EmojiModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    if (role == Qt::DisplayRole || role == EmojiRole)
        return m_emoji.at(index.row());
    return {};
}

QHash<int, QByteArray> EmojiModel::roleNames() const
{
    return {{EmojiRole, "emoji"}};
}

} // namespace chat::ui
