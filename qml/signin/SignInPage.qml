// SPDX-License-Identifier: MIT
import QtQuick
import QtQuick.Controls as QQC2
import QtQuick.Layouts
import Chat.Core
import Chat.Common

//! Sign-in: the server, then either a standalone account (sign in or create one) or a token
//! from the host site (pasted, or fetched from the site's chat-token address with its cookie).
Item {
    id: root

    //! 0: an account of this server; 1: a token from the host site.
    property int method: 0
    property bool registering: false
    readonly property bool busy: Session.status === Session.SigningIn

    objectName: "signInPage"

    function submitAccount(): void {
        if (root.registering)
            Session.registerAccount(serverField.text, usernameField.text, passwordField.text,
                                    displayNameField.text)
        else
            Session.signIn(serverField.text, usernameField.text, passwordField.text)
    }

    Rectangle {
        anchors.fill: parent
        color: Theme.window
    }

    Flickable {
        id: flick
        anchors.fill: parent
        contentWidth: width
        contentHeight: Math.max(height, column.implicitHeight + 48)
        boundsBehavior: Flickable.StopAtBounds
        QQC2.ScrollBar.vertical: QQC2.ScrollBar {}

        ColumnLayout {
            id: column
            width: Math.min(440, flick.width - 32)
            x: (flick.width - width) / 2
            y: Math.max(24, (flick.contentHeight - implicitHeight) / 2)
            spacing: 16

            Rectangle {
                Layout.fillWidth: true
                implicitHeight: form.implicitHeight + 56
                radius: 16
                color: Theme.surface
                border.width: 1
                border.color: Theme.border

                ColumnLayout {
                    id: form
                    anchors.fill: parent
                    anchors.margins: 28
                    spacing: 16
                    enabled: !root.busy

                    RowLayout {
                        spacing: 14
                        Layout.bottomMargin: 4

                        Rectangle {
                            implicitWidth: 48
                            implicitHeight: 48
                            radius: 14
                            color: Theme.accent
                            Row {
                                anchors.centerIn: parent
                                spacing: 5
                                Repeater {
                                    model: 3
                                    Rectangle {
                                        width: 7
                                        height: 7
                                        radius: 3.5
                                        color: Theme.accentText
                                    }
                                }
                            }
                        }

                        ColumnLayout {
                            spacing: 2
                            Layout.fillWidth: true
                            Text {
                                text: qsTr("Community chat")
                                color: Theme.text
                                font.pixelSize: 22
                                font.weight: Font.Bold
                                wrapMode: Text.Wrap
                                Layout.fillWidth: true
                            }
                            Text {
                                text: root.registering && root.method === 0
                                      ? qsTr("Create an account to join the conversation")
                                      : qsTr("Sign in to join the conversation")
                                color: Theme.textMuted
                                font.pixelSize: Theme.fontSize
                                wrapMode: Text.Wrap
                                Layout.fillWidth: true
                            }
                        }
                    }

                    InputField {
                        id: serverField
                        objectName: "serverField"
                        Layout.fillWidth: true
                        label: qsTr("Server")
                        placeholderText: "http://127.0.0.1:3030"
                        text: Session.serverUrl
                        inputMethodHints: Qt.ImhUrlCharactersOnly | Qt.ImhNoAutoUppercase
                    }

                    // Two tabs drawn as one segmented control.
                    Rectangle {
                        Layout.fillWidth: true
                        implicitHeight: 38
                        radius: 10
                        color: Theme.raised

                        Row {
                            anchors.fill: parent
                            anchors.margins: 3
                            Repeater {
                                model: [qsTr("Account"), qsTr("Token from the site")]
                                delegate: QQC2.AbstractButton {
                                    id: tab
                                    required property int index
                                    required property string modelData
                                    objectName: index === 0 ? "accountTab" : "tokenTab"
                                    width: parent.width / 2
                                    height: parent.height
                                    checked: root.method === index
                                    onClicked: {
                                        root.method = index
                                        Session.clearError()
                                    }
                                    background: Rectangle {
                                        radius: 8
                                        color: tab.checked ? Theme.surface : "transparent"
                                        border.width: tab.checked ? 1 : 0
                                        border.color: Theme.border
                                    }
                                    contentItem: Text {
                                        text: tab.modelData
                                        color: tab.checked ? Theme.text : Theme.textMuted
                                        font.pixelSize: Theme.fontSize
                                        font.weight: tab.checked ? Font.DemiBold : Font.Normal
                                        horizontalAlignment: Text.AlignHCenter
                                        verticalAlignment: Text.AlignVCenter
                                        elide: Text.ElideRight
                                    }
                                }
                            }
                        }
                    }

                    ColumnLayout {
                        visible: root.method === 0
                        spacing: 14
                        Layout.fillWidth: true

                        InputField {
                            id: usernameField
                            objectName: "usernameField"
                            Layout.fillWidth: true
                            label: qsTr("Username")
                            inputMethodHints: Qt.ImhNoAutoUppercase | Qt.ImhNoPredictiveText
                            onAccepted: passwordField.field.forceActiveFocus()
                        }

                        InputField {
                            id: displayNameField
                            objectName: "displayNameField"
                            visible: root.registering
                            Layout.fillWidth: true
                            label: qsTr("Display name (optional)")
                            placeholderText: qsTr("How others see you")
                        }

                        InputField {
                            id: passwordField
                            objectName: "passwordField"
                            Layout.fillWidth: true
                            label: qsTr("Password")
                            echoMode: TextInput.Password
                            placeholderText: root.registering ? qsTr("At least 8 characters") : ""
                            onAccepted: root.submitAccount()
                        }

                        PrimaryButton {
                            objectName: "submitButton"
                            Layout.fillWidth: true
                            Layout.topMargin: 4
                            text: root.registering ? qsTr("Create account") : qsTr("Sign in")
                            busy: root.busy
                            enabled: usernameField.text.trim().length > 0
                                     && passwordField.text.length > 0
                            onClicked: root.submitAccount()
                        }

                        RowLayout {
                            Layout.alignment: Qt.AlignHCenter
                            spacing: 4
                            Text {
                                text: root.registering ? qsTr("Already have an account?")
                                                       : qsTr("New here?")
                                color: Theme.textMuted
                                font.pixelSize: Theme.fontSize
                            }
                            QQC2.AbstractButton {
                                id: switchMode
                                objectName: "modeSwitch"
                                hoverEnabled: true
                                onClicked: {
                                    root.registering = !root.registering
                                    Session.clearError()
                                }
                                contentItem: Text {
                                    text: root.registering ? qsTr("Sign in") : qsTr("Create an account")
                                    color: Theme.accent
                                    font.pixelSize: Theme.fontSize
                                    font.weight: Font.DemiBold
                                    font.underline: switchMode.hovered
                                }
                            }
                        }
                    }

                    ColumnLayout {
                        visible: root.method === 1
                        spacing: 12
                        Layout.fillWidth: true

                        Text {
                            text: qsTr("Paste the chat token the site gave you")
                            color: Theme.textMuted
                            font.pixelSize: Theme.smallFontSize
                            font.weight: Font.DemiBold
                        }

                        QQC2.TextArea {
                            id: tokenField
                            objectName: "tokenField"
                            Layout.fillWidth: true
                            Layout.preferredHeight: 72
                            wrapMode: TextEdit.WrapAnywhere
                            placeholderText: "eyJhbGciOiJIUzI1NiIs…"
                            placeholderTextColor: Theme.textFaint
                            color: Theme.text
                            font.family: "monospace"
                            font.pixelSize: Theme.smallFontSize
                            selectByMouse: true
                            background: Rectangle {
                                radius: 8
                                color: Theme.raised
                                border.width: tokenField.activeFocus ? 2 : 1
                                border.color: tokenField.activeFocus ? Theme.accent : Theme.border
                            }
                        }

                        PrimaryButton {
                            objectName: "tokenButton"
                            Layout.fillWidth: true
                            text: qsTr("Sign in with this token")
                            busy: root.busy
                            enabled: tokenField.text.trim().length > 0
                            onClicked: Session.signInWithToken(serverField.text, tokenField.text)
                        }

                        RowLayout {
                            Layout.fillWidth: true
                            Layout.topMargin: 4
                            spacing: 10
                            Rectangle { Layout.fillWidth: true; implicitHeight: 1; color: Theme.border }
                            Text {
                                text: qsTr("or fetch it from the site")
                                color: Theme.textFaint
                                font.pixelSize: Theme.smallFontSize
                            }
                            Rectangle { Layout.fillWidth: true; implicitHeight: 1; color: Theme.border }
                        }

                        InputField {
                            id: tokenUrlField
                            objectName: "tokenUrlField"
                            Layout.fillWidth: true
                            label: qsTr("Chat-token address of the site")
                            placeholderText: "https://example.org/wp-json/kgai/v1/chat-token"
                            text: Preferences.tokenUrl
                            inputMethodHints: Qt.ImhUrlCharactersOnly | Qt.ImhNoAutoUppercase
                        }

                        InputField {
                            id: cookieField
                            objectName: "cookieField"
                            Layout.fillWidth: true
                            label: qsTr("Cookie of your signed-in browser session")
                            placeholderText: "wordpress_logged_in_…=…"
                            echoMode: TextInput.Password
                        }

                        PrimaryButton {
                            objectName: "fetchButton"
                            Layout.fillWidth: true
                            secondary: true
                            text: qsTr("Fetch the token and sign in")
                            enabled: tokenUrlField.text.trim().length > 0
                            onClicked: {
                                Preferences.tokenUrl = tokenUrlField.text
                                Session.fetchToken(serverField.text, tokenUrlField.text,
                                                   cookieField.text)
                            }
                        }
                    }

                    Rectangle {
                        objectName: "signInError"
                        visible: Session.errorText.length > 0
                        Layout.fillWidth: true
                        implicitHeight: errorText.implicitHeight + 20
                        radius: 8
                        color: Theme.dangerSoft
                        border.width: 1
                        border.color: Theme.danger

                        Text {
                            id: errorText
                            objectName: "signInErrorText"
                            anchors.fill: parent
                            anchors.margins: 10
                            text: Session.errorText
                            textFormat: Text.PlainText
                            color: Theme.text
                            wrapMode: Text.Wrap
                            font.pixelSize: Theme.fontSize
                            verticalAlignment: Text.AlignVCenter
                        }
                    }
                }
            }

            RowLayout {
                Layout.alignment: Qt.AlignHCenter
                spacing: 6

                Repeater {
                    model: [{ code: "vi", name: "Tiếng Việt" }, { code: "en", name: "English" }]
                    delegate: QQC2.AbstractButton {
                        id: languageButton
                        required property var modelData
                        hoverEnabled: true
                        padding: 6
                        onClicked: Preferences.language = modelData.code
                        contentItem: Text {
                            text: languageButton.modelData.name
                            color: Preferences.effectiveLanguage === languageButton.modelData.code
                                   ? Theme.text : Theme.textMuted
                            font.pixelSize: Theme.smallFontSize
                            font.weight: Preferences.effectiveLanguage === languageButton.modelData.code
                                         ? Font.DemiBold : Font.Normal
                            font.underline: languageButton.hovered
                        }
                    }
                }

                Text {
                    text: "·"
                    color: Theme.textFaint
                }

                IconButton {
                    size: 30
                    glyph: Preferences.dark ? "☀" : "☾"
                    tip: Preferences.dark ? qsTr("Light theme") : qsTr("Dark theme")
                    onClicked: Preferences.theme = Preferences.dark ? Preferences.Light : Preferences.Dark
                }
            }
        }
    }
}
