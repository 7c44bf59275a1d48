// SPDX-License-Identifier: MIT
import QtQuick
import QtQuick.Controls as QQC2
import QtQuick.Layouts
import Chat.Core
import Chat.Common

//! The community: rooms, messages and who is online side by side on a wide window, one pane
//! at a time (with back navigation) on a narrow one.
Item {
    id: root

    readonly property bool wide: width >= Theme.wideWidth
    readonly property bool split: width >= Theme.splitWidth
    //! On a wide window the users pane can be hidden to give the messages more room.
    property bool usersPaneWanted: true

    signal settingsRequested()
    //! Asks a phone layout to show the open room (showRoom()) or the room list (showRooms()).
    signal roomPaneRequested(bool shown)

    objectName: "communityPage"

    //! Shows the open room's messages (a phone layout otherwise starts on the room list).
    function showRoom(): void {
        roomPaneRequested(true)
    }

    //! Goes back to the room list of a phone layout.
    function showRooms(): void {
        roomPaneRequested(false)
    }

    Loader {
        id: layoutLoader
        objectName: "layoutLoader"
        anchors.fill: parent
        sourceComponent: root.split ? splitLayout : stackLayout
        onLoaded: Community.roomVisible = root.split
    }

    Component {
        id: splitLayout

        RowLayout {
            spacing: 0

            RoomListPane {
                Layout.preferredWidth: root.wide ? 300 : 260
                Layout.fillHeight: true
                onRoomChosen: (roomId) => Community.openRoom(roomId)
                onSettingsRequested: root.settingsRequested()
            }

            Rectangle {
                Layout.fillHeight: true
                implicitWidth: 1
                color: Theme.border
            }

            MessagePane {
                Layout.fillWidth: true
                Layout.fillHeight: true
                usersShown: root.wide ? root.usersPaneWanted : usersDrawer.opened
                onUsersRequested: {
                    if (root.wide)
                        root.usersPaneWanted = !root.usersPaneWanted
                    else
                        usersDrawer.open()
                }
                onSettingsRequested: root.settingsRequested()
            }

            Rectangle {
                visible: root.wide && root.usersPaneWanted
                Layout.fillHeight: true
                implicitWidth: 1
                color: Theme.border
            }

            UserListPane {
                visible: root.wide && root.usersPaneWanted
                Layout.preferredWidth: 250
                Layout.fillHeight: true
            }
        }
    }

    Component {
        id: stackLayout

        QQC2.StackView {
            id: stack
            objectName: "stack"

            function showRoom(): void {
                if (depth === 1)
                    push(roomPage)
            }

            function showRooms(): void {
                pop(null)
            }

            initialItem: RoomListPane {
                onRoomChosen: (roomId) => {
                    Community.openRoom(roomId)
                    stack.showRoom()
                }
                onSettingsRequested: root.settingsRequested()
            }

            onDepthChanged: Community.roomVisible = depth > 1

            Connections {
                target: root
                function onRoomPaneRequested(shown: bool): void {
                    if (shown)
                        stack.showRoom()
                    else
                        stack.showRooms()
                }
            }

            Component {
                id: roomPage
                MessagePane {
                    showBack: true
                    onBackRequested: stack.pop()
                    onUsersRequested: stack.push(usersPage)
                    onSettingsRequested: root.settingsRequested()
                }
            }

            Component {
                id: usersPage
                UserListPane {
                    showBack: true
                    onBackRequested: stack.pop()
                }
            }

            // Android's back key and Escape go back one pane.
            Keys.onBackPressed: (event) => {
                event.accepted = depth > 1
                if (event.accepted)
                    pop()
            }
        }
    }

    QQC2.Drawer {
        id: usersDrawer
        edge: Qt.RightEdge
        width: Math.min(300, root.width * 0.8)
        height: root.height
        interactive: root.split && !root.wide

        UserListPane {
            anchors.fill: parent
        }
    }

    // Above the composer, where the eyes are when a message was just sent.
    Toast {
        id: toast
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 110
        width: Math.min(implicitWidth, root.width - 32)
        z: 10
    }

    Connections {
        target: Community
        function onErrorOccurred(kind: int, message: string): void {
            toast.show(message, kind === Community.Offline)
        }
    }
}
