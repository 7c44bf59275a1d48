// SPDX-License-Identifier: MIT
import QtQuick
import QtQuick.Controls as QQC2
import Chat.Common

//! A labelled single-line text field in the app's colours.
Column {
    id: root

    property alias label: caption.text
    property alias text: field.text
    property alias placeholderText: field.placeholderText
    property alias echoMode: field.echoMode
    property alias field: field
    property alias inputMethodHints: field.inputMethodHints

    signal accepted()

    spacing: 6

    Text {
        id: caption
        color: Theme.textMuted
        font.pixelSize: Theme.smallFontSize
        font.weight: Font.DemiBold
        visible: text.length > 0
    }

    QQC2.TextField {
        id: field
        width: root.width
        implicitHeight: 40
        color: Theme.text
        placeholderTextColor: Theme.textFaint
        selectionColor: Theme.selection
        selectedTextColor: Theme.text
        font.pixelSize: Theme.fontSize
        leftPadding: 12
        rightPadding: 12
        selectByMouse: true
        onAccepted: root.accepted()
        background: Rectangle {
            radius: 8
            color: Theme.raised
            border.width: field.activeFocus ? 2 : 1
            border.color: field.activeFocus ? Theme.accent : Theme.border
        }
    }
}
