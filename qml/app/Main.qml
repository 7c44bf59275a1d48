// SPDX-License-Identifier: MIT
import QtQuick
import QtQuick.Controls as QQC2
import Chat.Core
import Chat.Common
import Chat.SignIn
import Chat.Community

//! The main window: sign-in until a session is accepted, then the community.
QQC2.ApplicationWindow {
    id: root

    width: 1200
    height: 760
    minimumWidth: 320
    minimumHeight: 420
    visible: true
    title: Community.currentRoomName.length > 0 && Session.status === Session.SignedIn
           ? qsTr("%1 — Community chat").arg(Community.currentRoomName)
           : qsTr("Community chat")
    color: Theme.window
    font.pixelSize: Theme.fontSize

    // The Basic style draws its controls (menus, dialogs, radio buttons) from the palette.
    palette.window: Theme.surface
    palette.windowText: Theme.text
    palette.base: Theme.raised
    palette.alternateBase: Theme.hover
    palette.text: Theme.text
    palette.button: Theme.raised
    palette.buttonText: Theme.text
    palette.brightText: Theme.accentText
    palette.highlight: Theme.accent
    palette.highlightedText: Theme.accentText
    palette.placeholderText: Theme.textFaint
    palette.toolTipBase: Theme.dark ? "#e6e9ee" : "#1b1f27"
    palette.toolTipText: Theme.dark ? "#1b1f27" : "#f5f6f8"
    palette.light: Theme.surface
    palette.midlight: Theme.hover
    palette.mid: Theme.border
    palette.dark: Theme.textMuted
    palette.shadow: Theme.shadow
    palette.link: Theme.link

    Loader {
        id: page
        objectName: "pageLoader"
        anchors.fill: parent
        sourceComponent: Session.status === Session.SignedIn ? communityPage : signInPage
    }

    Component {
        id: signInPage
        SignInPage {}
    }

    Component {
        id: communityPage
        CommunityPage {
            onSettingsRequested: settings.open()
        }
    }

    SettingsDialog {
        id: settings
    }
}
