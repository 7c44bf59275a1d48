// SPDX-License-Identifier: MIT
import QtQuick
import QtQuick.Controls as QQC2
import QtQuick.Layouts
import Chat.Core
import Chat.Common

//! The open room: its header, the connection banner, the messages (newest at the bottom,
//! older ones loaded when scrolling up), who is typing, and the composer.
Rectangle {
    id: root

    //! One pane at a time: a back button leads to the room list.
    property bool showBack: false
    //! The users pane is beside the messages (the header button then hides it).
    property bool usersShown: false

    signal backRequested()
    signal usersRequested()
    signal settingsRequested()

    //! The delete confirmation's width. Its text is laid out to this width directly: bound to
    //! the dialog's own width, the popup's first layout reported a binding loop.
    readonly property real dialogWidth: Math.min(400, width - 32)

    objectName: "messagePane"
    color: Theme.chatBackground

    function confirmDelete(messageId: real): void {
        deleteDialog.messageId = messageId
        deleteDialog.open()
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        Rectangle {
            Layout.fillWidth: true
            Layout.preferredHeight: 64
            color: Theme.surface

            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: root.showBack ? 6 : 18
                anchors.rightMargin: 10
                spacing: 10

                Item {
                    visible: root.showBack
                    implicitWidth: back.width
                    implicitHeight: back.height

                    IconButton {
                        id: back
                        objectName: "backButton"
                        glyph: "←"
                        tip: qsTr("Rooms")
                        onClicked: root.backRequested()
                    }
                    Badge {
                        anchors.right: back.right
                        anchors.rightMargin: -6
                        anchors.top: back.top
                        anchors.topMargin: -2
                        size: 16
                        count: Community.rooms.otherUnread
                    }
                }

                RoomIcon {
                    visible: Community.currentRoomId !== 0
                    name: Community.currentRoomName
                    iconText: Community.currentRoomIcon
                    iconIsEmoji: Community.currentRoomIconIsEmoji
                    size: 38
                }

                ColumnLayout {
                    spacing: 2
                    Layout.fillWidth: true

                    Text {
                        objectName: "roomTitle"
                        text: Community.currentRoomName
                        textFormat: Text.PlainText
                        color: Theme.text
                        font.pixelSize: Theme.titleFontSize
                        font.weight: Font.Bold
                        elide: Text.ElideRight
                        Layout.fillWidth: true
                    }

                    // With one pane at a time the room list (and its connection badge) is
                    // hidden: the header shows the connection instead of the description.
                    ConnectionBadge {
                        visible: root.showBack
                    }

                    Text {
                        visible: !root.showBack
                        text: Community.currentRoomDescription
                        textFormat: Text.PlainText
                        color: Theme.textMuted
                        font.pixelSize: Theme.smallFontSize
                        elide: Text.ElideRight
                        Layout.fillWidth: true
                    }
                }

                QQC2.AbstractButton {
                    id: usersButton
                    objectName: "usersButton"
                    visible: Community.currentRoomId !== 0
                    hoverEnabled: true
                    implicitHeight: 32
                    implicitWidth: contentItem.implicitWidth + 20
                    checked: root.usersShown
                    onClicked: root.usersRequested()
                    QQC2.ToolTip.visible: hovered
                    QQC2.ToolTip.text: root.usersShown ? qsTr("Hide who is online") : qsTr("Show who is online")
                    QQC2.ToolTip.delay: 600

                    background: Rectangle {
                        radius: 16
                        color: usersButton.checked ? Theme.accentSoft : usersButton.hovered ? Theme.hover : Theme.raised
                    }
                    contentItem: Row {
                        spacing: 6
                        leftPadding: 10
                        Rectangle {
                            width: 8
                            height: 8
                            radius: 4
                            color: Theme.online
                            anchors.verticalCenter: parent.verticalCenter
                        }
                        Text {
                            text: qsTr("%n online", "", Community.users.total)
                            color: Theme.text
                            font.pixelSize: Theme.smallFontSize
                            font.weight: Font.DemiBold
                            anchors.verticalCenter: parent.verticalCenter
                        }
                    }
                }

                IconButton {
                    visible: root.showBack
                    glyph: "⚙"
                    tip: qsTr("Settings")
                    onClicked: root.settingsRequested()
                }
            }

            Rectangle {
                anchors.bottom: parent.bottom
                width: parent.width
                height: 1
                color: Theme.border
            }
        }

        ConnectionBanner {
            Layout.fillWidth: true
        }

        Item {
            Layout.fillWidth: true
            Layout.fillHeight: true

            ListView {
                id: messageList
                objectName: "messageList"
                anchors.fill: parent
                model: Community.messages
                verticalLayoutDirection: ListView.BottomToTop
                clip: true
                spacing: 2
                reuseItems: false
                boundsBehavior: Flickable.StopAtBounds
                bottomMargin: 8
                topMargin: 8
                QQC2.ScrollBar.vertical: QQC2.ScrollBar {
                    id: verticalScrollBar
                }

                readonly property bool nearTop: contentHeight > 0 && contentY - originY < 600
                //! How far the view is from its bottom edge, where the newest messages are.
                readonly property real distanceFromNewest: originY + contentHeight + bottomMargin - contentY - height
                readonly property bool atNewest: distanceFromNewest < 48
                //! The user reads the newest messages: new ones keep the view at the bottom.
                property bool followNewest: true

                function loadMoreIfNeeded(): void {
                    if (Community.messages.hasMore && !Community.messages.loadingOlder
                            && (nearTop || contentHeight < height))
                        Community.loadOlder()
                }

                onContentYChanged: {
                    if (moving || verticalScrollBar.pressed)
                        followNewest = atNewest
                    loadMoreIfNeeded()
                }
                onCountChanged: loadMoreIfNeeded()

                // Runs once the view has laid out the rows just inserted.
                Timer {
                    id: followTimer
                    interval: 0
                    onTriggered: messageList.positionViewAtBeginning()
                }

                Connections {
                    target: Community.messages
                    function onRowsInserted(parent: var, first: int, last: int): void {
                        if (first === 0 && messageList.followNewest)
                            followTimer.restart()
                    }
                    function onModelReset(): void {
                        messageList.followNewest = true
                    }
                }

                delegate: MessageDelegate {
                    id: messageDelegate
                    width: ListView.view.width
                    onReplyRequested: (messageId) => composer.startReply(messageId)
                    onEditRequested: (messageId) => composer.startEdit(messageId)
                    onDeleteRequested: (messageId) => root.confirmDelete(messageId)
                    onRetryRequested: (clientId) => Community.retryMessage(clientId)
                    onDiscardRequested: (clientId) => Community.discardMessage(clientId)
                    onQuoteActivated: (messageId) => {
                        const row = Community.messages.rowOf(messageId)
                        if (row >= 0)
                            messageList.positionViewAtIndex(row, ListView.Center)
                    }
                    onMenuRequested: (x, y) => {
                        messageMenu.messageId = messageDelegate.messageId
                        messageMenu.own = messageDelegate.own
                        messageMenu.text = messageDelegate.text
                        messageMenu.usable = messageDelegate.stored && !messageDelegate.deleted
                        messageMenu.popup(messageDelegate, x, y)
                    }
                }

                // The end of a BottomToTop list is its top: older history, or its beginning.
                footer: Item {
                    width: messageList.width
                    height: 56

                    QQC2.BusyIndicator {
                        anchors.centerIn: parent
                        running: Community.messages.loadingOlder
                        visible: running
                    }
                    Text {
                        anchors.centerIn: parent
                        visible: Community.messages.loaded && !Community.messages.hasMore
                                 && messageList.count > 0
                        text: qsTr("This is the beginning of %1.").arg(Community.currentRoomName)
                        color: Theme.textFaint
                        font.pixelSize: Theme.smallFontSize
                    }
                }
            }

            Column {
                anchors.centerIn: parent
                spacing: 8
                visible: messageList.count === 0

                QQC2.BusyIndicator {
                    anchors.horizontalCenter: parent.horizontalCenter
                    running: parent.visible && !Community.messages.loaded
                    visible: running
                }
                Text {
                    anchors.horizontalCenter: parent.horizontalCenter
                    visible: Community.messages.loaded
                    text: qsTr("No messages yet. Say hello!")
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSize
                }
            }

            QQC2.AbstractButton {
                id: toLatest
                objectName: "latestButton"
                visible: !messageList.atNewest && messageList.count > 0
                anchors.right: parent.right
                anchors.bottom: parent.bottom
                anchors.margins: 16
                implicitWidth: 40
                implicitHeight: 40
                hoverEnabled: true
                onClicked: {
                    messageList.followNewest = true
                    messageList.positionViewAtBeginning()
                }
                QQC2.ToolTip.visible: hovered
                QQC2.ToolTip.text: qsTr("Newest messages")
                background: Rectangle {
                    radius: 20
                    color: Theme.surface
                    border.width: 1
                    border.color: Theme.border
                }
                contentItem: Text {
                    text: "↓"
                    color: Theme.text
                    font.pixelSize: 18
                    horizontalAlignment: Text.AlignHCenter
                    verticalAlignment: Text.AlignVCenter
                }
            }
        }

        TypingIndicator {
            Layout.fillWidth: true
        }

        Composer {
            id: composer
            Layout.fillWidth: true
            onSent: {
                messageList.followNewest = true
                messageList.positionViewAtBeginning()
            }
        }
    }

    QQC2.Menu {
        id: messageMenu

        property real messageId: 0
        property bool own: false
        property bool usable: false
        property string text

        QQC2.MenuItem {
            text: qsTr("Reply")
            enabled: messageMenu.usable
            onTriggered: composer.startReply(messageMenu.messageId)
        }
        QQC2.MenuItem {
            text: qsTr("Copy text")
            enabled: messageMenu.text.length > 0
            onTriggered: {
                clipboardHelper.text = messageMenu.text
                clipboardHelper.selectAll()
                clipboardHelper.copy()
            }
        }
        QQC2.MenuItem {
            text: qsTr("Edit")
            visible: messageMenu.own
            height: visible ? implicitHeight : 0
            enabled: messageMenu.usable
            onTriggered: composer.startEdit(messageMenu.messageId)
        }
        QQC2.MenuItem {
            text: qsTr("Delete")
            visible: messageMenu.own
            height: visible ? implicitHeight : 0
            enabled: messageMenu.usable
            onTriggered: root.confirmDelete(messageMenu.messageId)
        }
    }

    // The clipboard of Qt Quick is reached through a text editor.
    TextEdit {
        id: clipboardHelper
        visible: false
        textFormat: TextEdit.PlainText
    }

    QQC2.Dialog {
        id: deleteDialog

        property real messageId: 0

        objectName: "deleteDialog"
        anchors.centerIn: parent
        width: root.dialogWidth
        modal: true
        title: qsTr("Delete this message?")
        onAccepted: Community.deleteMessage(messageId)

        footer: RowLayout {
            spacing: 8

            Item {
                Layout.fillWidth: true
            }
            QQC2.Button {
                text: qsTr("Cancel")
                Layout.bottomMargin: 12
                onClicked: deleteDialog.reject()
            }
            QQC2.Button {
                objectName: "confirmDelete"
                text: qsTr("Delete")
                Layout.bottomMargin: 12
                Layout.rightMargin: 12
                onClicked: deleteDialog.accept()
            }
        }

        QQC2.Label {
            id: deleteText
            width: root.dialogWidth - deleteDialog.leftPadding - deleteDialog.rightPadding
            text: qsTr("Everyone in the room will see that it was deleted.")
            wrapMode: Text.Wrap
        }
    }
}
