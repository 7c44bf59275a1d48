// SPDX-License-Identifier: MIT
import QtQuick
import QtQuick.Controls as QQC2
import Chat.Common

//! The main action of a form: filled with the accent colour; flat when secondary.
QQC2.Button {
    id: root

    property bool secondary: false
    property bool busy: false

    implicitHeight: 42
    hoverEnabled: true
    font.pixelSize: Theme.fontSize
    font.weight: Font.DemiBold

    contentItem: Item {
        implicitWidth: row.implicitWidth
        implicitHeight: row.implicitHeight

        Row {
            id: row
            anchors.centerIn: parent
            spacing: 8

            QQC2.BusyIndicator {
                visible: root.busy
                running: root.busy
                width: 20
                height: 20
                anchors.verticalCenter: parent.verticalCenter
            }
            Text {
                text: root.text
                font: root.font
                color: root.secondary ? Theme.accent : Theme.accentText
                opacity: root.enabled ? 1 : 0.75
                anchors.verticalCenter: parent.verticalCenter
            }
        }
    }

    background: Rectangle {
        radius: 8
        color: root.secondary
               ? (root.hovered ? Theme.accentSoft : "transparent")
               : (root.down ? Theme.accentPressed : Theme.accent)
        opacity: root.enabled || root.secondary ? 1 : 0.55
        border.width: root.secondary ? 1 : 0
        border.color: Theme.border
    }
}
