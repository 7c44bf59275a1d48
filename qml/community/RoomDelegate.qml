// SPDX-License-Identifier: MIT
import QtQuick
import QtQuick.Controls as QQC2
import QtQuick.Layouts
import Chat.Common

//! One room of the list: icon, name, description, people online and unread messages.
QQC2.AbstractButton {
    id: root

    required property int index
    required property real roomId
    required property string name
    required property string description
    required property string iconText
    required property bool iconIsEmoji
    required property real online
    required property real unread
    required property bool current

    objectName: "room_" + index
    implicitHeight: 64
    hoverEnabled: true
    Accessible.name: name

    background: Rectangle {
        x: 8
        width: root.width - 16
        height: root.height - 4
        y: 2
        radius: Theme.radius
        color: root.current ? Theme.accentSoft : root.hovered ? Theme.hover : "transparent"
    }

    leftPadding: 18
    rightPadding: 18

    contentItem: RowLayout {
        spacing: 12

        RoomIcon {
            name: root.name
            iconText: root.iconText
            iconIsEmoji: root.iconIsEmoji
            size: 40
            Layout.alignment: Qt.AlignVCenter
        }

        ColumnLayout {
            spacing: 3
            Layout.fillWidth: true
            Layout.alignment: Qt.AlignVCenter

            RowLayout {
                spacing: 6
                Layout.fillWidth: true

                Text {
                    text: root.name
                    textFormat: Text.PlainText
                    color: Theme.text
                    font.pixelSize: Theme.fontSize
                    font.weight: root.unread > 0 || root.current ? Font.Bold : Font.DemiBold
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                }

                Rectangle {
                    visible: root.online > 0
                    implicitWidth: 6
                    implicitHeight: 6
                    radius: 3
                    color: Theme.online
                }
                Text {
                    visible: root.online > 0
                    text: root.online
                    color: Theme.textMuted
                    font.pixelSize: Theme.smallFontSize
                }
            }

            RowLayout {
                spacing: 6
                Layout.fillWidth: true

                Text {
                    text: root.description
                    textFormat: Text.PlainText
                    color: Theme.textMuted
                    font.pixelSize: Theme.smallFontSize
                    elide: Text.ElideRight
                    maximumLineCount: 1
                    Layout.fillWidth: true
                }

                Badge {
                    objectName: "unreadBadge"
                    count: root.unread
                }
            }
        }
    }
}
