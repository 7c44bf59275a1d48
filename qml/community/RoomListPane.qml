// SPDX-License-Identifier: MIT
import QtQuick
import QtQuick.Controls as QQC2
import QtQuick.Layouts
import Chat.Core
import Chat.Common

//! The signed-in user with the connection state, and the community's rooms.
Rectangle {
    id: root

    signal roomChosen(real roomId)
    signal settingsRequested()

    objectName: "roomListPane"
    color: Theme.sidebar

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        RowLayout {
            Layout.fillWidth: true
            Layout.preferredHeight: 64
            Layout.leftMargin: 16
            Layout.rightMargin: 10
            spacing: 12

            Avatar {
                name: Session.userName
                source: Session.userAvatar
                size: 38
                online: Session.connection === Session.Online
            }

            ColumnLayout {
                spacing: 2
                Layout.fillWidth: true

                Text {
                    objectName: "userName"
                    text: Session.userName
                    textFormat: Text.PlainText
                    color: Theme.text
                    font.pixelSize: Theme.fontSize
                    font.weight: Font.Bold
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                }
                ConnectionBadge {}
            }

            IconButton {
                objectName: "settingsButton"
                glyph: "⚙"
                tip: qsTr("Settings")
                onClicked: root.settingsRequested()
            }
        }

        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 1
            color: Theme.border
        }

        Text {
            text: qsTr("Rooms")
            color: Theme.textFaint
            font.pixelSize: 11
            font.weight: Font.Bold
            font.capitalization: Font.AllUppercase
            font.letterSpacing: 0.8
            Layout.leftMargin: 20
            Layout.topMargin: 14
            Layout.bottomMargin: 6
        }

        ListView {
            id: list
            objectName: "roomList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: Community.rooms
            boundsBehavior: Flickable.StopAtBounds
            QQC2.ScrollBar.vertical: QQC2.ScrollBar {}

            delegate: RoomDelegate {
                width: ListView.view.width
                onClicked: root.roomChosen(roomId)
            }

            Column {
                anchors.centerIn: parent
                spacing: 10
                visible: !Community.roomsLoaded

                QQC2.BusyIndicator {
                    running: parent.visible
                    anchors.horizontalCenter: parent.horizontalCenter
                }
                Text {
                    text: Session.connection === Session.Online ? qsTr("Loading rooms…")
                                                                : qsTr("Waiting for the connection…")
                    color: Theme.textMuted
                    font.pixelSize: Theme.smallFontSize
                }
            }
        }
    }
}
