// SPDX-License-Identifier: MIT
import QtQuick
import QtQuick.Controls as QQC2
import QtQuick.Layouts
import Chat.Core
import Chat.Common

//! Theme, language, the site's chat-token address, and signing out.
QQC2.Dialog {
    id: root

    objectName: "settingsDialog"
    parent: QQC2.Overlay.overlay
    anchors.centerIn: parent
    width: Math.min(440, parent ? parent.width - 32 : 440)
    modal: true
    title: qsTr("Settings")
    padding: 20

    background: Rectangle {
        radius: 14
        color: Theme.surface
        border.width: 1
        border.color: Theme.border
    }

    footer: RowLayout {
        Item {
            Layout.fillWidth: true
        }
        QQC2.Button {
            objectName: "closeSettings"
            text: qsTr("Close")
            Layout.rightMargin: 16
            Layout.bottomMargin: 16
            onClicked: root.close()
        }
    }

    header: Text {
        text: root.title
        color: Theme.text
        font.pixelSize: 18
        font.weight: Font.Bold
        leftPadding: 20
        topPadding: 18
    }

    ColumnLayout {
        width: parent.width
        spacing: 14

        Text {
            text: qsTr("Theme")
            color: Theme.textMuted
            font.pixelSize: Theme.smallFontSize
            font.weight: Font.DemiBold
        }

        Flow {
            Layout.fillWidth: true
            spacing: 8
            Repeater {
                model: [
                    { value: Preferences.System, label: qsTr("System") },
                    { value: Preferences.Light, label: qsTr("Light") },
                    { value: Preferences.Dark, label: qsTr("Dark") }
                ]
                delegate: QQC2.RadioButton {
                    required property var modelData
                    text: modelData.label
                    checked: Preferences.theme === modelData.value
                    onClicked: Preferences.theme = modelData.value
                }
            }
        }

        Text {
            text: qsTr("Language")
            color: Theme.textMuted
            font.pixelSize: Theme.smallFontSize
            font.weight: Font.DemiBold
        }

        Flow {
            Layout.fillWidth: true
            spacing: 8
            Repeater {
                model: [
                    { value: "", label: qsTr("System") },
                    { value: "vi", label: "Tiếng Việt" },
                    { value: "en", label: "English" }
                ]
                delegate: QQC2.RadioButton {
                    required property var modelData
                    text: modelData.label
                    checked: Preferences.language === modelData.value
                    onClicked: Preferences.language = modelData.value
                }
            }
        }

        InputField {
            Layout.fillWidth: true
            label: qsTr("Chat-token address of the site")
            placeholderText: "https://example.org/wp-json/kgai/v1/chat-token"
            text: Preferences.tokenUrl
            onAccepted: Preferences.tokenUrl = text
            field.onEditingFinished: Preferences.tokenUrl = text
        }

        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 1
            color: Theme.border
            visible: Session.status === Session.SignedIn
        }

        RowLayout {
            visible: Session.status === Session.SignedIn
            Layout.fillWidth: true
            spacing: 12

            Avatar {
                name: Session.userName
                source: Session.userAvatar
                size: 36
            }

            ColumnLayout {
                spacing: 2
                Layout.fillWidth: true
                Text {
                    text: Session.userName
                    textFormat: Text.PlainText
                    color: Theme.text
                    font.weight: Font.Bold
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                }
                Text {
                    text: Session.serverUrl
                    textFormat: Text.PlainText
                    color: Theme.textMuted
                    font.pixelSize: Theme.smallFontSize
                    elide: Text.ElideMiddle
                    Layout.fillWidth: true
                }
            }

            PrimaryButton {
                objectName: "signOutButton"
                secondary: true
                implicitHeight: 34
                text: qsTr("Sign out")
                onClicked: {
                    root.close()
                    Session.signOut()
                }
            }
        }
    }
}
