// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QAbstractListModel>
#include <QtCore/QStringList>
#include <QtQml/qqmlregistration.h>

namespace chat::ui {

//! \brief The emoji offered by the composer's picker: a fixed selection of the most used ones,
//! without those no installed font can draw (they would show as empty boxes).
class EmojiModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(int count READ count CONSTANT)

public:
    //! The roles, named in roleNames() as the part after "Role" in camelCase.
    enum Role {
        EmojiRole = Qt::UserRole + 1, //!< "emoji": the text to insert
    };
    Q_ENUM(Role)

    explicit EmojiModel(QObject *parent = nullptr);
    ~EmojiModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(m_emoji.size()); }

    //! \brief The whole selection, drawable or not.
    static QStringList selection();

private:
    QStringList m_emoji;
};

} // namespace chat::ui
