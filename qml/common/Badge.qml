// SPDX-License-Identifier: MIT
import QtQuick
import Chat.Common

//! A count in a pill: unread messages.
Rectangle {
    id: root

    property int count: 0
    property int size: 20

    visible: count > 0
    implicitHeight: size
    implicitWidth: Math.max(size, label.implicitWidth + Math.round(size * 0.6))
    radius: size / 2
    color: Theme.accent

    Text {
        id: label
        anchors.centerIn: parent
        text: root.count > 99 ? "99+" : root.count
        color: Theme.accentText
        font.pixelSize: Math.round(root.size * 0.55)
        font.weight: Font.Bold
    }
}
