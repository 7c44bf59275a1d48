# SPDX-License-Identifier: MIT
# Fails when translations/*.ts are not what lupdate makes of the sources now (someone added
# or changed a string without running `cmake --build . --target update_translations`), when
# the Vietnamese catalogue has an untranslated string, or when an English plural is missing.
#
# -DLUPDATE=<lupdate> -DPROJECT_IN=<the .lupdate/<target>_project.cmake of qt_add_translations>
# -DGENERATOR=<Qt6LinguistTools/GenerateLUpdateProject.cmake> -DTS_DIR=<translations>
# -DWORK_DIR=<scratch folder>
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
execute_process(
    COMMAND "${CMAKE_COMMAND}" -DIN_FILE=${PROJECT_IN} -DOUT_FILE=${WORK_DIR}/project.json
            -P "${GENERATOR}"
    RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "cannot write the lupdate project (${result})")
endif()

file(GLOB catalogues "${TS_DIR}/chat_*.ts")
list(LENGTH catalogues count)
if(count LESS 2)
    message(FATAL_ERROR "expected chat_vi.ts and chat_en.ts in ${TS_DIR}")
endif()

set(failures "")
foreach(catalogue IN LISTS catalogues)
    get_filename_component(name "${catalogue}" NAME)
    file(COPY "${catalogue}" DESTINATION "${WORK_DIR}")
    execute_process(
        COMMAND "${LUPDATE}" -project "${WORK_DIR}/project.json" -locations none -no-obsolete
                -ts "${WORK_DIR}/${name}"
        RESULT_VARIABLE result OUTPUT_QUIET ERROR_QUIET)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "lupdate failed on ${name} (${result})")
    endif()
    file(READ "${catalogue}" committed)
    file(READ "${WORK_DIR}/${name}" current)
    if(NOT committed STREQUAL current)
        list(APPEND failures "${name} is not current: build the target update_translations")
    endif()

    # Each message on one line, so that a regular expression can look at one at a time.
    string(REPLACE "\n" " " flat "${committed}")
    string(REPLACE "<message" "\n<message" flat "${flat}")
    string(REPLACE "</message>" "</message>\n" flat "${flat}")
    string(REGEX MATCHALL "<message[^\n]*</message>" messages "${flat}")
    foreach(message IN LISTS messages)
        if(NOT message MATCHES "type=\"unfinished\"")
            continue()
        endif()
        string(REGEX REPLACE ".*<source>([^<]*)</source>.*" "\\1" source "${message}")
        if(name STREQUAL "chat_vi.ts")
            list(APPEND failures "chat_vi.ts: not translated: ${source}")
        elseif(message MATCHES "numerus=\"yes\"")
            list(APPEND failures "${name}: plural forms missing: ${source}")
        endif()
    endforeach()
endforeach()

if(failures)
    list(JOIN failures "\n  " text)
    message(FATAL_ERROR "translations:\n  ${text}")
endif()
message(STATUS "translations are current and complete")
