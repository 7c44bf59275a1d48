// SPDX-License-Identifier: MIT
import QtQuick
import QtQuick.Controls as QQC2
import QtQuick.Layouts
import Chat.Core
import Chat.Common

//! Who is online in the open room.
Rectangle {
    id: root

    property bool showBack: false

    signal backRequested()

    objectName: "userListPane"
    color: Theme.sidebar

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        RowLayout {
            Layout.fillWidth: true
            Layout.preferredHeight: 64
            Layout.leftMargin: root.showBack ? 6 : 18
            Layout.rightMargin: 12
            spacing: 8

            IconButton {
                visible: root.showBack
                glyph: "←"
                tip: qsTr("Back")
                onClicked: root.backRequested()
            }

            Text {
                text: qsTr("Online")
                color: Theme.text
                font.pixelSize: Theme.titleFontSize
                font.weight: Font.Bold
            }

            Rectangle {
                implicitHeight: 22
                implicitWidth: Math.max(22, totalText.implicitWidth + 14)
                radius: 11
                color: Theme.raised
                Text {
                    id: totalText
                    objectName: "onlineTotal"
                    anchors.centerIn: parent
                    text: Community.users.total
                    color: Theme.textMuted
                    font.pixelSize: Theme.smallFontSize
                    font.weight: Font.Bold
                }
            }

            Item {
                Layout.fillWidth: true
            }
        }

        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 1
            color: Theme.border
        }

        ListView {
            id: list
            objectName: "userList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.topMargin: 6
            clip: true
            model: Community.users
            boundsBehavior: Flickable.StopAtBounds
            QQC2.ScrollBar.vertical: QQC2.ScrollBar {}

            delegate: UserDelegate {
                width: ListView.view.width
            }

            footer: Text {
                width: list.width
                visible: Community.users.total > list.count
                height: visible ? 36 : 0
                leftPadding: 18
                verticalAlignment: Text.AlignVCenter
                text: qsTr("and %n more", "", Math.max(0, Community.users.total - list.count))
                color: Theme.textMuted
                font.pixelSize: Theme.smallFontSize
            }
        }
    }
}
