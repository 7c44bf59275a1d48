// SPDX-License-Identifier: MIT
import QtQuick
import QtQuick.Controls as QQC2
import Chat.Common

//! A flat round button showing one symbol, with a tooltip that names what it does.
QQC2.AbstractButton {
    id: root

    property string glyph
    property string tip
    property color glyphColor: Theme.textMuted
    property int size: 36

    implicitWidth: size
    implicitHeight: size
    hoverEnabled: true
    focusPolicy: Qt.TabFocus
    Accessible.name: tip

    contentItem: Text {
        text: root.glyph
        color: root.enabled ? (root.hovered ? Theme.text : root.glyphColor) : Theme.textFaint
        font.pixelSize: Math.round(root.size * 0.5)
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
    }

    background: Rectangle {
        radius: width / 2
        color: root.down ? Theme.border : root.hovered || root.visualFocus ? Theme.hover : "transparent"
    }

    QQC2.ToolTip.visible: hovered && tip.length > 0
    QQC2.ToolTip.text: tip
    QQC2.ToolTip.delay: 600
}
