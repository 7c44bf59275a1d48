// SPDX-License-Identifier: MIT
pragma Singleton

import QtQuick
import Chat.Core

//! Colours, sizes and locale of the app, light or dark as Preferences says (which follows the
//! system unless the user chose).
QtObject {
    id: root

    readonly property bool dark: Preferences.dark

    readonly property color window: dark ? "#111318" : "#eef1f5"
    readonly property color sidebar: dark ? "#181b21" : "#ffffff"
    readonly property color surface: dark ? "#1f232a" : "#ffffff"
    readonly property color chatBackground: dark ? "#111318" : "#eef1f5"
    readonly property color raised: dark ? "#272c35" : "#f1f3f6"
    readonly property color hover: dark ? "#252a33" : "#f3f5f8"
    readonly property color border: dark ? "#2a2f38" : "#e0e4ea"
    readonly property color text: dark ? "#e6e9ee" : "#1b1f27"
    readonly property color textMuted: dark ? "#949bab" : "#646d7e"
    readonly property color textFaint: dark ? "#6b7280" : "#9aa2b1"
    readonly property color accent: dark ? "#5c8dff" : "#2f6fed"
    readonly property color accentPressed: dark ? "#7aa2ff" : "#2259c8"
    readonly property color accentText: "#ffffff"
    readonly property color accentSoft: dark ? "#22304f" : "#e4edfd"
    readonly property color ownBubble: dark ? "#2b4a86" : "#d6e5ff"
    readonly property color ownBubbleText: dark ? "#f1f5ff" : "#14223d"
    readonly property color ownMeta: dark ? "#a9bce6" : "#4d6796"
    readonly property color otherBubble: dark ? "#22262e" : "#ffffff"
    readonly property color quote: dark ? "#00000033" : "#0b1a3a12"
    readonly property color link: dark ? "#8db4ff" : "#1559d6"
    readonly property color ownLink: dark ? "#cfe0ff" : "#0d4bbd"
    readonly property color danger: dark ? "#ff6b6b" : "#d1343a"
    readonly property color dangerSoft: dark ? "#3a1f24" : "#fde8e8"
    readonly property color warning: dark ? "#f2b84b" : "#9a6400"
    readonly property color warningSoft: dark ? "#3a3020" : "#fff4dc"
    readonly property color online: dark ? "#3ecf8e" : "#1f9d57"
    readonly property color selection: dark ? "#3d5fa8" : "#b9d0ff"
    readonly property color shadow: dark ? "#66000000" : "#22000000"

    readonly property int radius: 10
    readonly property int bubbleRadius: 14
    readonly property int spacing: 8
    readonly property int fontSize: 14
    readonly property int smallFontSize: 12
    readonly property int titleFontSize: 16

    //! From this width on, rooms, messages and users are side by side.
    readonly property int wideWidth: 1000
    //! From this width on, rooms and messages are side by side; below, one pane at a time.
    readonly property int splitWidth: 680

    //! The locale of dates and times: the app's language, not the system's.
    readonly property var locale: Qt.locale(Preferences.effectiveLanguage === "vi" ? "vi_VN" : "en_US")

    readonly property var avatarColors: dark
        ? ["#d9534f", "#e8843c", "#c9a227", "#3fae6a", "#2aa3a3", "#4a8fe7", "#8a6ee8", "#d563a6"]
        : ["#d64541", "#e07a2f", "#b8901a", "#2f9e5c", "#1f9595", "#3b7ddd", "#7a5cd6", "#c84f95"]

    //! A stable colour for a user or room, so that the same one always looks the same.
    function colorFor(seed: string): color {
        let hash = 0
        for (let i = 0; i < seed.length; ++i)
            hash = (hash * 31 + seed.charCodeAt(i)) % 104729
        return avatarColors[hash % avatarColors.length]
    }

    //! "Today", "Yesterday" or the date in the app's language.
    function dayLabel(date: date): string {
        const day = new Date(date.getFullYear(), date.getMonth(), date.getDate())
        const now = new Date()
        const today = new Date(now.getFullYear(), now.getMonth(), now.getDate())
        const days = Math.round((today.getTime() - day.getTime()) / 86400000)
        if (days === 0)
            return qsTr("Today")
        if (days === 1)
            return qsTr("Yesterday")
        return date.toLocaleDateString(locale, Locale.LongFormat)
    }

    function timeLabel(date: date): string {
        return date.toLocaleTimeString(locale, Locale.ShortFormat)
    }
}
