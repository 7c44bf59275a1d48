# SPDX-License-Identifier: MIT
# Strict Qt defines and warnings, set once: every target of the project links chat_build_settings.
add_library(chat_build_settings INTERFACE)
target_compile_features(chat_build_settings INTERFACE cxx_std_20)
target_compile_definitions(chat_build_settings INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_CONTEXTLESS_CONNECT
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_NO_URL_CAST_FROM_STRING
    QT_USE_QSTRINGBUILDER
    QT_NO_FOREACH
    QT_NO_KEYWORDS
    QT_DISABLE_DEPRECATED_BEFORE=0x060400
    QT_DISABLE_DEPRECATED_UP_TO=0x060400
)
target_compile_options(chat_build_settings INTERFACE
    -Wall -Wextra -pedantic -Wold-style-cast -Wnon-virtual-dtor -Woverloaded-virtual
    $<$<BOOL:${CHAT_WERROR}>:-Werror>
)
if(CHAT_SANITIZE)
    # e.g. -DCHAT_SANITIZE=address,undefined
    target_compile_options(chat_build_settings INTERFACE
        -fsanitize=${CHAT_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(chat_build_settings INTERFACE -fsanitize=${CHAT_SANITIZE})
endif()
